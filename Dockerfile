# Production image: api + worker + sessions in one process by default (--roles to split).
FROM node:24-bookworm-slim
ENV PUPPETEER_SKIP_DOWNLOAD=true NODE_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ chromium && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
# npm ci ran before the sources were here: build the operator console now (served at /console).
RUN node scripts/build-console.mjs --force
EXPOSE 3000
USER node
CMD ["npx", "tsx", "server/main.ts"]
