import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

const shim = (name: string) => fileURLToPath(new URL(`./src/shims/${name}`, import.meta.url));

/**
 * Two dependencies of react-admin replaced where react-admin imports them, to keep them out of
 * the first screen's JavaScript: the CSV converter behind the default exporter (loaded on the
 * first export instead) and a polyfill of Object.entries that modern browsers do not need.
 */
function firstScreenShims(): Plugin {
  return {
    name: "aduan-first-screen-shims",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "jsonexport/dist/index.js" && importer?.includes("/ra-core/")) return shim("jsonexport.ts");
      if (source === "object.entries" && importer?.includes("/node-polyglot/")) return shim("object-entries.cjs");
      return null;
    },
  };
}

// Built into console/dist and served by the API server at /console (server/http/console.ts).
// `npm run dev:console` serves it with hot reload and proxies /api to a running `npm start`.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/console/",
  plugins: [firstScreenShims(), react()],
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
