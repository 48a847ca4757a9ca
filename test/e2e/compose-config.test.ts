import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { aptInstall, onPath } from "../../scripts/apt-install.mjs";

/**
 * Issue 15, acceptance 8: docker-compose.yml is valid for the default (app + MySQL) and the
 * `cluster` profile (3 Galera nodes, HAProxy, 2 API replicas, a worker), as docker-compose reads it
 * (offline: `config` needs no Docker daemon). docker-compose comes from Debian when missing.
 */
const present = () => onPath("docker-compose");
const strict = process.env.CI === "true" || process.env.CI === "1";
const available = present() || (strict && aptInstall("docker-compose", present));
const env = {
  ...process.env,
  MYSQL_PASSWORD: "compose-test-password",
  MYSQL_ROOT_PASSWORD: "compose-test-root-password",
  PUBLIC_URL: "https://aduan.example.go.id",
  SESSION_SECRET: "compose-test-session-secret-0123456789abcdef",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};
/** Each service's block of `config`'s normalized YAML. */
function services(yaml: string): Map<string, string> {
  const out = new Map<string, string>();
  const body = yaml.slice(yaml.indexOf("\nservices:\n") + "\nservices:\n".length);
  let name: string | null = null;
  for (const line of body.split("\n")) {
    if (/^\S/.test(line)) break; // the next top-level key (volumes:, …)
    const head = /^ {2}([\w-]+):$/.exec(line);
    if (head) out.set((name = head[1]), "");
    else if (name) out.set(name, `${out.get(name)}${line}\n`);
  }
  return out;
}
const inCluster = (block: string | undefined) => /\n? {4}profiles:\n {4}- cluster\n/.test(block ?? "");

const compose = (args: string[]) => spawnSync("docker-compose", ["-f", "docker-compose.yml", ...args], { env, encoding: "utf8" });

describe("docker-compose.yml", { skip: available ? false : "docker-compose is not installed (CI=true installs it)" }, () => {
  it("the default profile: the app and MySQL, with the backup key passed through", () => {
    const r = compose(["config"]);
    assert.equal(r.status, 0, r.stderr);
    const s = services(r.stdout);
    for (const name of ["app", "db"]) assert.ok(s.has(name) && !inCluster(s.get(name)), `${name} starts without a profile`);
    assert.match(s.get("app")!, /BACKUP_DIR: \/backups/);
  });

  it("the cluster profile: three Galera nodes, the balancer, two API replicas and a worker", () => {
    const r = compose(["--profile", "cluster", "config"]);
    assert.equal(r.status, 0, r.stderr);
    const s = services(r.stdout);
    for (const name of ["galera1", "galera2", "galera3", "lb", "api1", "api2", "worker"]) assert.ok(inCluster(s.get(name)), `${name} is in the cluster profile`);
    assert.match(s.get("api1")!, /DATABASE_URL: mysql:\/\/aduan:compose-test-password@lb:3306\/aduan/, "the API reaches the cluster through the balancer");
  });

  it("refuses to start without the secrets it needs, naming them", () => {
    const r = spawnSync("docker-compose", ["-f", "docker-compose.yml", "config"], { env: { PATH: process.env.PATH }, encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /set MYSQL_PASSWORD|set SESSION_SECRET|set PUBLIC_URL/);
  });
});
