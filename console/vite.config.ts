import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

// Built into console/dist and served by the API server at /console (server/http/console.ts).
// `npm run dev:console` serves it with hot reload and proxies /api to a running `npm start`.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/console/",
  plugins: [react()],
  resolve: {
    // react-router 7's package exports only its development build (extra checks and warnings on
    // every navigation); the console ships its production build.
    alias: [
      { find: /^react-router$/, replacement: fileURLToPath(new URL("../node_modules/react-router/dist/production/index.mjs", import.meta.url)) },
      { find: /^react-router\/dom$/, replacement: fileURLToPath(new URL("../node_modules/react-router/dist/production/dom-export.mjs", import.meta.url)) },
    ],
  },
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { "/api": process.env.ADUAN_API ?? "http://127.0.0.1:3000" },
  },
});
