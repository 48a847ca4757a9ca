// Preloaded into every test file's process by scripts/test.mjs. When the runner finds the file
// hanging (tests done but the process alive, or past its timeout) it sends SIGUSR2: we report
// what keeps the process alive in the runner's event file, in words a developer can act on.
import { appendFileSync } from "node:fs";
import net from "node:net";
import { ChildProcess } from "node:child_process";

function describeHandle(h) {
  try {
    if (h instanceof net.Server) {
      const a = h.address();
      return `server listening on ${typeof a === "string" ? a : a ? `${a.address}:${a.port}` : "?"}`;
    }
    if (h instanceof net.Socket) {
      if (h === process.stdout || h === process.stderr || h === process.stdin) return null;
      if (h.remotePort) return `socket to ${h.remoteAddress}:${h.remotePort} (from local port ${h.localPort})`;
      return h.fd !== undefined && h.fd <= 3 ? null : "socket";
    }
    if (h instanceof ChildProcess) return `child process ${h.pid} (${h.spawnfile})`;
    return h?.constructor?.name ?? typeof h;
  } catch {
    return "handle";
  }
}

process.on("SIGUSR2", () => {
  const handles = process._getActiveHandles().map(describeHandle).filter(Boolean);
  const resources = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap" && r !== "PipeWrap");
  const counts = {};
  for (const r of resources) counts[r] = (counts[r] ?? 0) + 1;
  const summary = [...handles, `resources: ${Object.entries(counts).map(([k, n]) => `${k}×${n}`).join(", ") || "none"}`];
  try {
    if (process.env.ADUAN_TEST_EVENTS) appendFileSync(process.env.ADUAN_TEST_EVENTS, JSON.stringify({ type: "handles", handles: summary }) + "\n");
  } catch {
    /* the runner is gone */
  }
  process.exit(70);
});
