#!/usr/bin/env node
// A throwaway 3-node MariaDB Galera Cluster on 127.0.0.1 with HAProxy in front, for the tests and
// for a developer: `npm run galera -- start|stop|status`.
//
// - Each node is Debian's `mariadbd` with the Galera 4 provider (/usr/lib/galera/libgalera_smm.so),
//   its own config file, data folder, SQL port (GALERA_PORT, default 3321..3323), group port
//   (4571..4573), IST port (4581..) and SST port (4591..). mariadbd runs as the `mysql` user with
//   data folders owned by mysql: run as root, rsync state transfer cannot write and a joiner aborts.
// - Small on purpose (2 cores shared): 64 MB buffer pool, performance_schema off.
// - innodb_force_primary_key=1: a table without a primary key cannot be created (Galera needs one).
// - HAProxy (Debian's package, installed here with apt-get when missing, like Chromium for the
//   browser tests) listens on GALERA_PROXY_PORT (default 3320) and spreads connections round-robin
//   over the nodes that are up (TCP check every second); the app gets one DATABASE_URL.
// - Start is fast after the first time: a cluster state (a freshly installed node 1 that was shut
//   down cleanly) is kept as a template and copied to the three nodes, so nodes 2 and 3 join
//   without a state transfer. `stop` ends the processes and deletes the data (the cluster is
//   throwaway); killNode/startNode let the failover test take one node away and bring it back.
//
// Root user, no password, over TCP. State lives in GALERA_DIR (default $TMPDIR/aduan-galera-<port>).
import { aptInstall } from "./apt-install.mjs";
import { spawn, spawnSync } from "node:child_process";
import { chownSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const NODES = 3;
const BASE = Number(process.env.GALERA_PORT ?? 3321);
const GCOMM = Number(process.env.GALERA_GCOMM_PORT ?? 4571);
export const PROXY_PORT = Number(process.env.GALERA_PROXY_PORT ?? 3320);
export const DIR = process.env.GALERA_DIR ?? join(tmpdir(), `aduan-galera-${BASE}`);
const PROVIDER = process.env.GALERA_PROVIDER ?? "/usr/lib/galera/libgalera_smm.so";
const MARIADBD = process.env.MARIADBD ?? "/usr/sbin/mariadbd";
const HAPROXY = process.env.HAPROXY ?? "haproxy";

/** The URL through HAProxy (what the app uses) and one per node. */
export const GALERA_URL = `mysql://root@127.0.0.1:${PROXY_PORT}`;
export const nodePort = (n) => BASE + n - 1;
export const nodeUrl = (n) => `mysql://root@127.0.0.1:${nodePort(n)}`;

const nodeDir = (n) => join(DIR, `node${n}`);
const dataDir = (n) => join(nodeDir(n), "data");
const cnfPath = (n) => join(nodeDir(n), "my.cnf");
const pidPath = (n) => join(nodeDir(n), "mariadbd.pid");
const logPath = (n) => join(nodeDir(n), "error.log");
const templateDir = join(DIR, "template");
const proxyCfg = join(DIR, "haproxy.cfg");
const proxyPid = join(DIR, "haproxy.pid");
const mysqlUser = () => {
  const r = spawnSync("id", ["-u", "mysql"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "mysql"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error("there is no `mysql` user: install mariadb-server (Debian) first");
  return { uid: Number(r.stdout), gid: Number(g.stdout) };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function chownTree(path) {
  const { uid, gid } = mysqlUser();
  spawnSync("chown", ["-R", `${uid}:${gid}`, path]);
  chownSync(path, uid, gid);
}

function writeConfig(n) {
  const gcomm = Array.from({ length: NODES }, (_, i) => `127.0.0.1:${GCOMM + i}`).join(",");
  const p = GCOMM + n - 1;
  writeFileSync(
    cnfPath(n),
    `[mariadbd]
user=mysql
datadir=${dataDir(n)}
port=${nodePort(n)}
bind-address=127.0.0.1
socket=${join(nodeDir(n), "mariadbd.sock")}
pid-file=${pidPath(n)}
log-error=${logPath(n)}
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default_storage_engine=InnoDB
binlog_format=ROW
innodb_autoinc_lock_mode=2
innodb_force_primary_key=1
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
innodb_flush_log_at_trx_commit=2
performance_schema=OFF
max_connections=300
wsrep_on=ON
wsrep_provider=${PROVIDER}
wsrep_cluster_name=aduan-${BASE}
wsrep_cluster_address=gcomm://${gcomm}
wsrep_node_name=node${n}
wsrep_node_address=127.0.0.1:${p}
wsrep_provider_options="base_port=${p};gmcast.listen_addr=tcp://127.0.0.1:${p};ist.recv_addr=127.0.0.1:${p + 10};gcache.size=64M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:${p + 20}
wsrep_slave_threads=2
# Causal reads: a SELECT waits until this node applied what the cluster committed before it, so a
# read on one node sees a write committed through another (read-your-writes behind the proxy).
wsrep_sync_wait=1
`,
  );
}

/** The live process whose pid the file holds (a zombie, killed but not yet reaped, counts as gone). */
function pidOf(path) {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    if (pid > 0) {
      process.kill(pid, 0);
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (/^\d+ \(.*\) Z/.test(stat)) return null;
      return pid;
    }
  } catch {
    /* not running */
  }
  return null;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setTimeout(1000);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.once("timeout", () => (s.destroy(), resolve(false)));
  });
}

/** wsrep status of a node, or null when it does not answer. */
async function nodeStatus(n) {
  if (!(await portOpen(nodePort(n)))) return null;
  const { default: mysql } = await import("mysql2/promise");
  let conn;
  try {
    conn = await mysql.createConnection({ host: "127.0.0.1", port: nodePort(n), user: "root", connectTimeout: 2000 });
    const [rows] = await conn.query("SHOW STATUS WHERE Variable_name IN ('wsrep_ready','wsrep_cluster_size','wsrep_local_state_comment','wsrep_cluster_status')");
    const s = Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
    return { ready: s.wsrep_ready === "ON", size: Number(s.wsrep_cluster_size ?? 0), state: s.wsrep_local_state_comment, status: s.wsrep_cluster_status };
  } catch {
    return null;
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

async function waitFor(what, check, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`galera: timed out waiting for ${what}`);
    await sleep(300);
  }
}

function launch(n, extra = []) {
  const out = openSync(join(nodeDir(n), "stdout.log"), "a");
  const child = spawn(MARIADBD, [`--defaults-file=${cnfPath(n)}`, ...extra], { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  return child.pid;
}

const tail = (n) => {
  try {
    return readFileSync(logPath(n), "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
};

/** Starts node n (joining the running cluster) and waits until it is synced. */
export async function startNode(n, { bootstrap = false, timeoutMs = 90_000 } = {}) {
  if (pidOf(pidPath(n))) return;
  rmSync(pidPath(n), { force: true });
  const extra = bootstrap ? ["--wsrep-new-cluster"] : [];
  // After a crash grastate.dat says seqno -1: recover the position from InnoDB (as Debian's
  // galera_recovery does), so the node rejoins by IST from a donor's cache instead of a full SST.
  const gs = join(dataDir(n), "grastate.dat");
  if (!bootstrap && existsSync(gs) && /seqno:\s+-1/.test(readFileSync(gs, "utf8"))) {
    const logFile = join(nodeDir(n), "recover.log");
    rmSync(logFile, { force: true });
    spawnSync(MARIADBD, [`--defaults-file=${cnfPath(n)}`, "--wsrep-recover", `--log-error=${logFile}`], { stdio: "ignore" });
    const m = existsSync(logFile) ? /Recovered position:\s*([0-9a-f-]{36}:-?\d+)/.exec(readFileSync(logFile, "utf8")) : null;
    if (m && !m[1].endsWith(":-1")) extra.push(`--wsrep-start-position=${m[1]}`);
  }
  launch(n, extra);
  try {
    await waitFor(`node ${n} to be synced`, async () => {
      const s = await nodeStatus(n);
      return s?.ready && s.state === "Synced" ? s : null;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`${err.message}\n--- ${logPath(n)} ---\n${tail(n)}`);
  }
}

/** SIGKILLs node n (a crash, for failover tests). */
export async function killNode(n) {
  const pid = pidOf(pidPath(n));
  if (!pid) return null;
  process.kill(pid, "SIGKILL");
  await waitFor(`node ${n} to die`, async () => !pidOf(pidPath(n)), 10_000);
  return pid;
}

async function stopPid(pid, timeoutMs = 30_000) {
  if (!pid) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(200);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* gone */
  }
}

/**
 * The template: node 1 installed, bootstrapped once and shut down cleanly, so its grastate.dat
 * holds the cluster's uuid and seqno. Copies of it join that cluster without a state transfer.
 */
async function ensureTemplate(log) {
  if (existsSync(join(templateDir, "grastate.dat")) && /seqno:\s+\d+/.test(readFileSync(join(templateDir, "grastate.dat"), "utf8"))) return;
  log("galera: preparing the cluster template (first start only)…");
  rmSync(nodeDir(1), { recursive: true, force: true });
  mkdirSync(dataDir(1), { recursive: true });
  chownTree(DIR);
  writeConfig(1);
  const r = spawnSync("mariadb-install-db", [`--defaults-file=${cnfPath(1)}`, "--user=mysql", `--datadir=${dataDir(1)}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--wsrep-on=OFF"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`galera: mariadb-install-db failed:\n${r.stdout}\n${r.stderr}`);
  await startNode(1, { bootstrap: true });
  await stopPid(pidOf(pidPath(1)));
  rmSync(templateDir, { recursive: true, force: true });
  cpSync(dataDir(1), templateDir, { recursive: true });
  // Copies never bootstrap by themselves; start() bootstraps node 1 explicitly.
  writeFileSync(join(templateDir, "grastate.dat"), readFileSync(join(templateDir, "grastate.dat"), "utf8").replace(/safe_to_bootstrap:\s*1/, "safe_to_bootstrap: 0"));
  for (const f of ["mariadbd.pid", "gvwstate.dat", "galera.cache"]) rmSync(join(templateDir, f), { force: true });
}

export function haproxyPath() {
  const r = spawnSync("sh", ["-c", `command -v ${HAPROXY}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Debian's haproxy, installed with apt-get when missing (needs root or sudo -n). */
export function ensureHaproxy({ quiet = false } = {}) {
  return aptInstall("haproxy", () => haproxyPath() !== null, { quiet, label: "galera: haproxy" });
}

async function startProxy() {
  if (pidOf(proxyPid)) return;
  if (!ensureHaproxy()) throw new Error("galera: HAProxy is missing");
  const servers = Array.from({ length: NODES }, (_, i) => `  server node${i + 1} 127.0.0.1:${nodePort(i + 1)} check inter 1s fall 2 rise 2 on-marked-down shutdown-sessions`).join("\n");
  writeFileSync(
    proxyCfg,
    `global
  maxconn 2000
  pidfile ${proxyPid}
defaults
  mode tcp
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  retries 2
  option redispatch
frontend galera
  bind 127.0.0.1:${PROXY_PORT}
  default_backend nodes
backend nodes
  balance roundrobin
${servers}
`,
  );
  const check = spawnSync(haproxyPath(), ["-c", "-q", "-f", proxyCfg], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`galera: haproxy config invalid:\n${check.stderr}`);
  const out = openSync(join(DIR, "haproxy.log"), "a");
  const child = spawn(haproxyPath(), ["-f", proxyCfg, "-db"], { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  writeFileSync(proxyPid, String(child.pid));
  await waitFor("haproxy", () => portOpen(PROXY_PORT), 10_000);
}

/** The state of each node and of the proxy. */
export async function status() {
  const nodes = [];
  for (let n = 1; n <= NODES; n++) nodes.push({ node: n, port: nodePort(n), pid: pidOf(pidPath(n)), ...(await nodeStatus(n)) });
  return { dir: DIR, url: GALERA_URL, proxy: { port: PROXY_PORT, pid: pidOf(proxyPid), up: await portOpen(PROXY_PORT) }, nodes };
}

/** True when every node is synced in one cluster of NODES and the proxy answers. */
export async function isRunning() {
  const s = await status();
  return s.proxy.up && s.nodes.every((x) => x.ready && x.size === NODES);
}

/**
 * Starts the cluster (or finds it running) and returns its URL and how long it took. Idempotent.
 */
export async function start({ log = (m) => console.error(m) } = {}) {
  const t0 = Date.now();
  if (!existsSync(PROVIDER)) throw new Error(`galera: the Galera provider ${PROVIDER} is missing (Debian: apt-get install galera-4)`);
  if (await isRunning()) return { url: GALERA_URL, ms: Date.now() - t0, reused: true };
  await stop({ keepTemplate: true });
  mkdirSync(DIR, { recursive: true });
  await ensureTemplate(log);
  for (let n = 1; n <= NODES; n++) {
    rmSync(nodeDir(n), { recursive: true, force: true });
    mkdirSync(nodeDir(n), { recursive: true });
    cpSync(templateDir, dataDir(n), { recursive: true });
    writeConfig(n);
  }
  // Node 1 bootstraps the cluster from the template's state.
  const gs = join(dataDir(1), "grastate.dat");
  writeFileSync(gs, readFileSync(gs, "utf8").replace(/safe_to_bootstrap:\s*0/, "safe_to_bootstrap: 1"));
  chownTree(DIR);
  await startNode(1, { bootstrap: true });
  await Promise.all(Array.from({ length: NODES - 1 }, (_, i) => startNode(i + 2)));
  await startProxy();
  await waitFor("the proxy to reach a node", async () => (await portOpen(PROXY_PORT)) && (await isRunning()), 20_000);
  return { url: GALERA_URL, ms: Date.now() - t0, reused: false };
}

/** Stops the proxy and every node and deletes their data (the template is kept unless asked). */
export async function stop({ keepTemplate = true } = {}) {
  await stopPid(pidOf(proxyPid), 5_000);
  await Promise.all(Array.from({ length: NODES }, (_, i) => stopPid(pidOf(pidPath(i + 1)))));
  for (let n = 1; n <= NODES; n++) rmSync(nodeDir(n), { recursive: true, force: true });
  rmSync(proxyPid, { force: true });
  if (!keepTemplate) rmSync(DIR, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2] ?? "status";
  try {
    if (cmd === "start") {
      const r = await start();
      console.log(`galera: ${r.reused ? "already running" : `started in ${(r.ms / 1000).toFixed(1)} s`}: ${r.url} (nodes ${Array.from({ length: NODES }, (_, i) => nodePort(i + 1)).join(", ")})`);
    } else if (cmd === "stop") {
      await stop({ keepTemplate: !process.argv.includes("--purge") });
      console.log("galera: stopped");
    } else if (cmd === "status") {
      const s = await status();
      console.log(JSON.stringify(s, null, 2));
      process.exitCode = s.nodes.every((x) => x.ready) ? 0 : 3;
    } else {
      console.error("usage: npm run galera -- start|stop [--purge]|status");
      process.exitCode = 2;
    }
  } catch (err) {
    console.error(err.message ?? err);
    process.exitCode = 1;
  }
}
