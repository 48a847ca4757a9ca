// Preloaded into a server started by a test (node --import tsx --import ./test/support/egress-recorder.ts):
// records every attempt to reach something that is not this machine — a TCP connect to a
// non-loopback address or a DNS lookup of a non-loopback name — one line each in the file named
// by EGRESS_LOG. The demo sandbox's tests assert that the file stays empty.
import { appendFileSync } from "node:fs";
import dns from "node:dns";
import net from "node:net";

const file = process.env.EGRESS_LOG;
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|0\.0\.0\.0|::)$/i;

function record(kind: string, target: string) {
  if (file) appendFileSync(file, `${kind} ${target}\n`);
}

if (file) {
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    let host: string | undefined;
    let port: unknown;
    if (first && typeof first === "object") {
      const o = first as { host?: string; port?: unknown; path?: string };
      if (!o.path) {
        host = o.host ?? "localhost";
        port = o.port;
      }
    } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
      port = first;
      host = typeof args[1] === "string" ? args[1] : "localhost";
    }
    if (host !== undefined && !LOOPBACK.test(host)) record("connect", `${host}:${String(port)}`);
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const lookup = dns.lookup as (...args: unknown[]) => void;
  (dns as { lookup: unknown }).lookup = function (hostname: unknown, ...rest: unknown[]) {
    if (typeof hostname === "string" && !LOOPBACK.test(hostname)) record("dns", hostname);
    return lookup.call(dns, hostname, ...rest);
  };
  const plookup = dns.promises.lookup.bind(dns.promises);
  (dns.promises as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
    if (!LOOPBACK.test(hostname)) record("dns", hostname);
    return (plookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
  };
}
