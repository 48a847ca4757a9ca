// Installs a Debian package with apt-get when a tool the tests need is missing (Chromium, HAProxy,
// docker-compose): the project installs what it uses, nothing is installed by hand. Needs root or
// `sudo -n`; otherwise it says which command to run. One definition for every such tool.
import { spawnSync } from "node:child_process";

/** Runs `apt-get install -y <pkg>` (once more after `apt-get update`) unless `present()`; returns present(). */
export function aptInstall(pkg, present, { quiet = false, label = pkg } = {}) {
  if (present()) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = isRoot ? [] : ["sudo", "-n"];
  if (!quiet) console.error(`${label} not found; installing Debian's package '${pkg}' with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: quiet ? "ignore" : "inherit", env });
  let r = run(["apt-get", "install", "-y", "--no-install-recommends", pkg]);
  if (r.status !== 0) {
    run(["apt-get", "update"]);
    r = run(["apt-get", "install", "-y", "--no-install-recommends", pkg]);
  }
  if (!present()) {
    console.error(`Could not install ${label}. Install it with: sudo apt-get install -y ${pkg}`);
    return false;
  }
  return true;
}

/** Whether a command is on PATH. */
export function onPath(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;
}
