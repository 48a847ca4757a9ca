#!/usr/bin/env node
// Builds the operator console (console/ -> console/dist) with Vite, unless the build is up to
// date. Run by `postinstall`, `prestart` and the browser tests, so `npm install && npm start`
// and `npm ci && npm test` always serve a current console. `--force` rebuilds regardless.
// Prints the size of the JavaScript a first visit loads (entry chunk + its static imports), gzipped.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const consoleDir = join(root, "console");
const dist = join(consoleDir, "dist");
const stamp = join(dist, ".build-stamp.json");
const force = process.argv.includes("--force");

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === "dist" || name === "node_modules") continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** The budget for the initial JS, gzipped: above it the build fails (it was 414.7 kB before the entry was split). */
export const INITIAL_JS_BUDGET_KB = 230;

/**
 * The modules (Vite manifest keys) a signed-in user's first screen loads after the entry: the
 * signed-in frame and the queue. App.tsx starts loading them at once when the browser remembers
 * a session, and while the login page is shown otherwise.
 */
const SIGNED_IN_SCREEN = ["src/layout/Layout.tsx", "src/tickets/TicketList.tsx"];

/**
 * Initial JS of the built console: the entry and what it imports statically (lazy chunks
 * excluded), i.e. the login page of a fresh browser. `queue` is the same for a browser with a
 * session: the entry plus the signed-in frame and the queue, with their static imports.
 */
export function initialJsSize() {
  const { entry, closure } = readManifest();
  // The boot script (see buildBoot) is part of every first visit too.
  const boot = /<script src="\/console\/(assets\/boot-[^"]+\.js)"/.exec(readFileSync(join(dist, "index.html"), "utf8"));
  const measure = (files) => {
    if (boot) files.push(boot[1]);
    let raw = 0;
    let gzip = 0;
    for (const file of files) {
      const buf = readFileSync(join(dist, file));
      raw += buf.length;
      gzip += gzipSync(buf, { level: 9 }).length;
    }
    return { files: files.length, raw, gzip };
  };
  return { ...measure(closure([entry])), queue: measure(closure([entry, ...SIGNED_IN_SCREEN])) };
}

/** The built chunks: the entry's manifest key, and the files a set of chunks loads (with their static imports). */
function readManifest() {
  const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entry) throw new Error("no entry in the Vite manifest");
  const closure = (roots) => {
    const seen = new Set();
    const visit = (key) => {
      if (seen.has(key)) return;
      if (!manifest[key]) throw new Error(`console build: ${key} is not a chunk of its own (see SIGNED_IN_SCREEN)`);
      seen.add(key);
      for (const imp of manifest[key].imports ?? []) visit(imp);
    };
    for (const root of roots) visit(root);
    return [...seen].map((key) => manifest[key].file);
  };
  return { entry, closure };
}

/** Text types the server sends gzipped to browsers that take it (server/http/console.ts). */
const GZIP_TYPES = /\.(js|css|svg|json|html|txt)$/;
/**
 * Writes `<file>.gz` beside every built text file of 1 kB or more (gzip level 9, once, at build
 * time), so the server sends the console compressed without compressing per request. A .gz
 * already newer than its file is kept.
 */
export function gzipAssets() {
  const dir = join(dist, "assets");
  if (!existsSync(dir)) return { files: 0, raw: 0, gzip: 0 };
  let files = 0;
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(dir)) {
    if (!GZIP_TYPES.test(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.size < 1024) continue;
    const gz = `${path}.gz`;
    if (!existsSync(gz) || statSync(gz).mtimeMs < st.mtimeMs) writeFileSync(gz, gzipSync(readFileSync(path), { level: 9 }));
    files++;
    raw += st.size;
    gzip += statSync(gz).size;
  }
  return { files, raw, gzip };
}

async function main() {
  if (!existsSync(join(consoleDir, "index.html"))) {
    // e.g. the Docker image's `npm ci` runs before the sources are copied in.
    console.log("console: no sources here, nothing to build");
    return;
  }
  const inputs = Math.max(newestMtime(join(consoleDir, "src")), newestMtime(join(consoleDir, "index.html")), newestMtime(join(consoleDir, "vite.config.ts")), newestMtime(join(root, "package-lock.json")));
  if (!force && existsSync(stamp) && existsSync(join(dist, "index.html"))) {
    const prev = JSON.parse(readFileSync(stamp, "utf8"));
    if (prev.inputs >= inputs) {
      gzipAssets(); // a build from before the .gz files were written
      console.log(`console: up to date (initial JS ${(prev.size.gzip / 1024).toFixed(1)} kB gzipped)`);
      return;
    }
  }
  const started = Date.now();
  // Under `npm test` NODE_ENV is "test", and Vite would then bundle React's development build.
  process.env.NODE_ENV = "production";
  const { build } = await import("vite");
  await build({ configFile: join(consoleDir, "vite.config.ts"), mode: "production", logLevel: "warn" });
  await buildBoot(build);
  const gz = gzipAssets();
  const size = initialJsSize();
  writeFileSync(stamp, JSON.stringify({ inputs, builtAt: new Date().toISOString(), size }, null, 2));
  const kb = (n) => (n / 1024).toFixed(1);
  console.log(
    `console: built in ${((Date.now() - started) / 1000).toFixed(1)} s; initial JS ${size.files} files, ${kb(size.raw)} kB, ` +
      `${kb(size.gzip)} kB gzipped (budget ${INITIAL_JS_BUDGET_KB} kB); with a session, the queue: ${size.queue.files} files, ${kb(size.queue.gzip)} kB gzipped; ` +
      `${gz.files} files stored gzipped (${kb(gz.raw)} → ${kb(gz.gzip)} kB)`,
  );
  if (size.gzip > INITIAL_JS_BUDGET_KB * 1024) {
    rmSync(stamp, { force: true });
    throw new Error(`initial JS ${kb(size.gzip)} kB gzipped is over the budget of ${INITIAL_JS_BUDGET_KB} kB: see docs/console.md (Building)`);
  }
}

/**
 * console/src/boot/boot.ts as a classic script (IIFE) with a content hash, linked from index.html
 * ahead of the app's modules: it starts the first screen's API reads while the app loads.
 */
async function buildBoot(build) {
  const out = join(dist, ".boot");
  await build({
    configFile: false,
    root: consoleDir,
    mode: "production",
    logLevel: "warn",
    build: {
      outDir: out,
      emptyOutDir: true,
      copyPublicDir: false,
      lib: { entry: join(consoleDir, "src", "boot", "boot.ts"), formats: ["iife"], name: "aduanBoot", fileName: () => "boot.js" },
    },
  });
  const code = readFileSync(join(out, "boot.js"));
  rmSync(out, { recursive: true, force: true });
  const file = `assets/boot-${createHash("sha256").update(code).digest("base64url").slice(0, 10)}.js`;
  writeFileSync(join(dist, file), code);
  // What the boot script preloads for a browser with a session (see boot.ts): the chunks of the
  // signed-in frame, the queue and the ticket page beyond those the entry loads anyway.
  const { entry, closure } = readManifest();
  const initial = new Set(closure([entry]));
  const beyond = (keys) => closure(keys).filter((f) => !initial.has(f)).map((f) => `/console/${f}`).join(" ");
  const metas =
    `<meta name="aduan-preload-queue" content="${beyond(SIGNED_IN_SCREEN)}">\n    ` +
    `<meta name="aduan-preload-ticket" content="${beyond([SIGNED_IN_SCREEN[0], "src/tickets/show/index.tsx"])}">\n    `;
  const indexPath = join(dist, "index.html");
  const html = readFileSync(indexPath, "utf8");
  const at = html.indexOf("<script type=\"module\"");
  if (at < 0) throw new Error("console build: no module script in index.html to put the boot script before");
  writeFileSync(indexPath, `${html.slice(0, at)}${metas}<script src="/console/${file}"></script>\n    ${html.slice(at)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error("console build failed:", err);
    process.exit(1);
  });
}
