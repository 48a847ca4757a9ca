#!/usr/bin/env node
// Runs every *.test.ts under server/, channels/ and test/ with node's test runner (through tsx),
// one process per file, and proves that each file ran all its tests:
// - the file's process must end by itself (no forced exit: node's force-exit flag on Node 20 could end a
//   file before all its suites ran, with exit 0 and no failure);
// - node's runner must report the file's closing summary, and every test it enqueued must have
//   completed: a file that exits early (even with code 0) fails the run, named;
// - a file whose tests are all done but whose process stays alive (an open server, pool, timer…)
//   is stopped after TEST_HANDLE_GRACE_S seconds and fails, named, with its open handles listed;
// - a file still running after TEST_FILE_TIMEOUT_S seconds is stopped and fails, with the tests
//   that were running.
// Prints each file's counts and one closing line "total: N passed, N failed[, N skipped]".
// CI=true means nothing is skipped: MariaDB must be reachable and the browser tests run.
//
// Usage: npm test [-- <path filter>...]
//        node scripts/test.mjs --paths <file>...   run exactly these files (any name), no typecheck
// Galera: files that opt in to the cluster (`testTargets({ cluster: true })`, `galeraTarget`, or
//         importing scripts/galera.mjs) also run on a 3-node MariaDB Galera Cluster with CI=true or
//         TEST_GALERA=1: it is started once before the first file (scripts/galera.mjs) and stopped
//         when the run ends, also when it fails or is interrupted.
// Environment: TEST_JOBS (files at once, default 1; heavy files — browser, scale — never two at
//              once; a file marked "test-runner: alone" runs by itself), TEST_FILE_TIMEOUT_S (default 600),
//              TEST_HANDLE_GRACE_S (default 20), SKIP_TYPECHECK=1.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./ensure-chromium.mjs";
import { ensurePoppler } from "./ensure-poppler.mjs";
import * as galera from "./galera.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const here = (p) => join(root, "scripts", p);
const argv = process.argv.slice(2);
const pathsMode = argv[0] === "--paths";
const strict = process.env.CI === "true" || process.env.CI === "1";
const jobs = Math.max(1, Number(process.env.TEST_JOBS ?? 1) || 1);
const fileTimeoutMs = (Number(process.env.TEST_FILE_TIMEOUT_S ?? 600) || 600) * 1000;
const handleGraceMs = (Number(process.env.TEST_HANDLE_GRACE_S ?? 20) || 20) * 1000;

function discover(filters) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".test.ts")) files.push(p);
    }
  };
  for (const r of ["server", "channels", "test"]) {
    try {
      walk(join(root, r));
    } catch {
      /* folder may not exist yet */
    }
  }
  return files
    .map((f) => relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
}

const selected = pathsMode ? argv.slice(1) : discover(argv);
if (selected.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
// Browser tests (*.browser.test.ts) need Debian's Chromium: installed here when missing.
if (selected.some((f) => f.includes(".browser.test.")) && !ensureChromium() && strict) {
  console.error("CI=true and Chromium is missing: the browser tests cannot run");
  process.exit(1);
}
// Tests that read PDFs back (pdftotext, pdftoppm) need Debian's poppler-utils: installed here when missing.
if (selected.some((f) => /pdftotext|pdftoppm/.test(readFileSync(join(root, f), "utf8"))) && !ensurePoppler() && strict) {
  console.error("CI=true and poppler-utils is missing: the PDF report tests cannot run");
  process.exit(1);
}
console.log(`node ${process.version}; ${selected.length} test file(s), ${jobs} at a time${strict ? "; CI=true: nothing skipped" : ""}`);

// The Galera cluster, once for the run, when a selected file opts in to it. It starts in the
// background: the type check and the files that do not use it go on meanwhile, and the files that
// use it wait for it (a cluster that did not start fails each of them, by name).
const wantsCluster = (f) => /testTargets\(\s*\{\s*cluster:\s*true|galeraTarget|scripts\/galera\.mjs/.test(readFileSync(join(root, f), "utf8"));
const clusterFiles = strict || process.env.TEST_GALERA === "1" ? selected.filter(wantsCluster) : [];
let clusterStarted = false;
/** null while the cluster starts; then "ready", or why it did not start. */
let clusterState = clusterFiles.length ? null : "ready";
async function stopCluster() {
  if (!clusterStarted) return;
  clusterStarted = false;
  const t = Date.now();
  await galera.stop().catch((err) => console.error(`galera: stop failed: ${err.message}`));
  console.log(`galera: cluster stopped (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => void stopCluster().finally(() => process.exit(130)));
const clusterStart = clusterFiles.length
  ? (async () => {
      try {
        clusterStarted = true;
        const c = await galera.start({ log: (m) => console.log(m) });
        process.env.TEST_GALERA_URL = c.url;
        if (c.reused) clusterStarted = false; // a developer's cluster (npm run galera -- start) stays up
        console.log(`galera: 3-node cluster ${c.reused ? "already running" : `started in ${(c.ms / 1000).toFixed(1)} s`} at ${c.url}, for ${clusterFiles.length} file(s): ${clusterFiles.join(", ")}`);
        clusterState = "ready";
      } catch (err) {
        console.error(`galera: the cluster did not start: ${err.message}`);
        clusterState = `the Galera cluster did not start: ${err.message}`;
        await stopCluster();
      }
    })()
  : Promise.resolve();

// The type check of both projects, side by side, while the cluster starts.
if (!pathsMode && !process.env.SKIP_TYPECHECK) {
  const check = (project) =>
    new Promise((resolveCheck) => {
      const child = spawn("npx", ["tsc", "-p", project, ...(project === "tsconfig.json" ? ["--noEmit"] : [])], { stdio: ["ignore", "pipe", "pipe"], cwd: root });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("close", (code) => resolveCheck({ project, code, out }));
    });
  const t = Date.now();
  const checks = await Promise.all(["tsconfig.json", "console/tsconfig.json"].map(check));
  for (const c of checks) process.stdout.write(c.out);
  const failedCheck = checks.find((c) => c.code !== 0);
  if (failedCheck) {
    console.error(`typecheck failed (${failedCheck.project})`);
    await clusterStart;
    await stopCluster();
    process.exit(1);
  }
  console.log(`typecheck: both projects clean (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

/**
 * Runs one file in its own process. Its spec output goes to our stdout (buffered when several
 * files run at once); node's test events come as JSON lines in a file of their own, written by
 * scripts/test-events.mjs (and by scripts/test-child.mjs for the open handles), read as they grow.
 */
function runFile(file) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const eventsFile = join(eventsDir, `${runFile.n = (runFile.n ?? 0) + 1}.jsonl`);
    const args = [
      "--import", "tsx",
      "--import", here("test-child.mjs"),
      "--test-reporter=spec", "--test-reporter-destination=stdout",
      `--test-reporter=${here("test-events.mjs")}`, `--test-reporter-destination=${eventsFile}`,
      file,
    ];
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", ADUAN_TEST_EVENTS: eventsFile },
    });
    const buffered = jobs > 1;
    let out = "";
    const write = (chunk) => (buffered ? (out += chunk) : process.stdout.write(chunk));
    child.stdout.on("data", write);
    child.stderr.on("data", write);

    const st = { enqueued: 0, completed: 0, passed: 0, failed: 0, skipped: 0, summary: null, running: new Map(), handles: null };
    let readUpTo = 0;
    function readEvents() {
      let text;
      try {
        text = readFileSync(eventsFile, "utf8");
      } catch {
        return; // not written yet
      }
      const end = text.lastIndexOf("\n") + 1;
      if (end <= readUpTo) return;
      for (const line of text.slice(readUpTo, end).split("\n")) if (line) onEvent(JSON.parse(line));
      readUpTo = end;
      armHandleTimer();
    }
    const poll = setInterval(readEvents, 500);
    const key = (e) => `${e.nesting}:${e.line}:${e.column}:${e.name}`;
    function onEvent(e) {
      if (e.type === "test:enqueue") st.enqueued++;
      // dequeue and complete are emitted as they happen (start/pass/fail come later, in report order)
      else if (e.type === "test:dequeue") st.running.set(key(e), e.name);
      else if (e.type === "test:complete") {
        st.completed++;
        st.running.delete(key(e));
      } else if (e.type === "test:pass" || e.type === "test:fail") {
        // Suites are containers; count the tests (leaves and tests with subtests alike), as node's summary does.
        if (e.suite) return;
        if (e.type === "test:fail") st.failed++;
        else if (e.skip || e.todo) st.skipped++;
        else st.passed++;
      } else if (e.type === "test:summary") st.summary = e.counts;
      else if (e.type === "handles") st.handles = e.handles;
    }

    // All enqueued tests done but the process still alive: something it opened is still open.
    let handleTimer = null;
    function armHandleTimer() {
      if (handleTimer) clearTimeout(handleTimer);
      handleTimer = null;
      if (st.summary || st.enqueued === 0 || st.completed < st.enqueued) return;
      handleTimer = setTimeout(() => stop("handles"), handleGraceMs);
    }
    let stoppedFor = null;
    function stop(reason) {
      if (stoppedFor || child.exitCode !== null) return;
      stoppedFor = reason;
      child.kill("SIGUSR2"); // scripts/test-child.mjs reports the open handles, then we end it
      setTimeout(() => child.kill("SIGKILL"), 1500).unref();
    }
    const fileTimer = setTimeout(() => stop("timeout"), fileTimeoutMs);

    child.on("close", (code, signal) => {
      clearInterval(poll);
      readEvents();
      clearTimeout(fileTimer);
      if (handleTimer) clearTimeout(handleTimer);
      if (buffered) process.stdout.write(out);
      const problems = [];
      if (stoppedFor === "handles") {
        problems.push(`its tests finished but the process did not exit within ${handleGraceMs / 1000} s: it left handles open (close every server, pool, DataSource, scheduler, timer and browser it opens)`);
      } else if (stoppedFor === "timeout") {
        const running = [...st.running.values()];
        problems.push(`still running after ${fileTimeoutMs / 1000} s${running.length ? `; running: ${running.map((n) => JSON.stringify(n)).join(", ")}` : ""}`);
      } else if (!st.summary) {
        const seen = st.enqueued ? `${st.completed} of ${st.enqueued} enqueued tests completed` : "none of its test events reached the runner";
        problems.push(`ended (exit ${signal ?? code}) before node's test runner reported its summary (${seen}): not all of its tests ran`);
      } else if (st.completed < st.enqueued) {
        problems.push(`${st.enqueued - st.completed} enqueued test(s) never completed`);
      }
      if (stoppedFor && st.handles?.length) problems.push(`open handles: ${st.handles.join("; ")}`);
      if (st.summary && st.summary.tests === 0) problems.push("declares no test");
      if (st.summary && (st.summary.passed !== st.passed || st.summary.failed + st.summary.cancelled !== st.failed)) {
        problems.push(`counts disagree: node's summary says ${st.summary.passed} passed / ${st.summary.failed + st.summary.cancelled} failed, the events ${st.passed} / ${st.failed}`);
      }
      if (code !== 0 && st.failed === 0 && !stoppedFor && st.summary) problems.push(`exited with ${signal ?? code}`);
      resolveRun({ file, passed: st.passed, failed: st.failed, skipped: st.skipped, problems, ms: Date.now() - started });
    });
  });
}

const eventsDir = mkdtempSync(join(tmpdir(), "aduan-test-events-"));
const results = [];
// Heavy files (a browser, or several worker processes) never run beside each other: with two
// lanes on two cores, one lane takes the light files while the other runs a heavy one.
const heavy = (f) => f.includes(".browser.test.") || /scale|burst|crash|failover/.test(f);
// A file that measures latency against a bound the user would notice says `test-runner: alone`
// in its first lines: it runs with no other file beside it. A file that says `test-runner: alone
// on the cluster` (it kills a Galera node) runs with no other file of the cluster beside it; light
// files that do not use the cluster may run beside it.
const head = (f) => readFileSync(join(root, f), "utf8").slice(0, 2000);
const alone = (f) => /test-runner: alone(?! on the cluster)/.test(head(f));
const clusterAlone = (f) => /test-runner: alone on the cluster/.test(head(f));
const onCluster = (f) => clusterFiles.includes(f);
// Files that run alone first, then heavy files (those alone on the cluster first), so the other
// lane has light files to fill in beside them.
const queue = [
  ...selected.filter(alone),
  ...selected.filter((f) => !alone(f) && clusterAlone(f)),
  ...selected.filter((f) => !alone(f) && !clusterAlone(f) && heavy(f)),
  ...selected.filter((f) => !alone(f) && !clusterAlone(f) && !heavy(f)),
];
let heavyRunning = 0;
let running = 0;
let aloneRunning = false;
let clusterRunning = 0;
let clusterAloneRunning = false;
// Whether `f` may start now beside what runs: never two heavy files; nothing of the cluster before
// the cluster is up, nor beside a file alone on the cluster.
const fits = (f) =>
  !(onCluster(f) && clusterState === null) &&
  !(heavyRunning > 0 && heavy(f)) &&
  !(clusterAloneRunning && onCluster(f)) &&
  !(clusterAlone(f) && clusterRunning > 0);
function next() {
  if (aloneRunning) return "wait";
  // A file alone starts once the lanes have drained (the others wait for it), and not while the
  // cluster is still starting (the load of its start would weigh on what it measures).
  const a = clusterState === null ? -1 : queue.findIndex(alone);
  if (a >= 0) return running === 0 ? queue.splice(a, 1)[0] : "wait";
  const i = queue.findIndex((f) => !alone(f) && fits(f));
  if (i >= 0) return queue.splice(i, 1)[0];
  return queue.length ? "wait" : null;
}
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (;;) {
      const file = next();
      if (file === null) break;
      if (file === "wait") {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (onCluster(file) && clusterState !== "ready") {
        // The cluster did not start: the file fails by name, without running.
        const r = { file, passed: 0, failed: 0, skipped: 0, problems: [clusterState], ms: 0 };
        results.push(r);
        console.log(`✖ ${file}: not run`);
        console.log(`  ✖ ${file}: ${clusterState}`);
        continue;
      }
      const isHeavy = heavy(file);
      const isAlone = alone(file);
      const isOnCluster = onCluster(file);
      const isClusterAlone = clusterAlone(file);
      if (isHeavy) heavyRunning++;
      if (isAlone) aloneRunning = true;
      if (isOnCluster) clusterRunning++;
      if (isClusterAlone) clusterAloneRunning = true;
      running++;
      const r = await runFile(file).finally(() => {
        running--;
        if (isHeavy) heavyRunning--;
        if (isAlone) aloneRunning = false;
        if (isOnCluster) clusterRunning--;
        if (isClusterAlone) clusterAloneRunning = false;
      });
      results.push(r);
      const bad = r.failed > 0 || r.problems.length > 0;
      const skipped = r.skipped ? `, ${r.skipped} skipped` : "";
      console.log(`${bad ? "✖" : "✔"} ${r.file}: ${r.passed} passed, ${r.failed} failed${skipped} (${(r.ms / 1000).toFixed(1)} s)`);
      for (const p of r.problems) console.log(`  ✖ ${r.file}: ${p}`);
    }
  }),
).finally(() => clusterStart.then(stopCluster));

rmSync(eventsDir, { recursive: true, force: true });
results.sort((a, b) => a.file.localeCompare(b.file));
const broken = results.filter((r) => r.problems.length > 0);
const failing = results.filter((r) => r.failed > 0 || r.problems.length > 0);
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
// A file that broke without a failing test still counts as one failure, so the total never says 0.
const failed = sum("failed") + broken.filter((r) => r.failed === 0).length;
console.log("");
console.log("per file:");
for (const r of results) console.log(`  ${String(r.passed + r.failed + r.skipped).padStart(4)}  ${r.file}${r.failed || r.problems.length ? "  ✖" : ""}`);
if (failing.length) {
  console.log("");
  console.log("failing files:");
  for (const r of failing) console.log(`  ${r.file}${r.problems.length ? `: ${r.problems[0]}` : `: ${r.failed} failed`}`);
}
console.log("");
const skipped = sum("skipped");
console.log(`total: ${sum("passed")} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
