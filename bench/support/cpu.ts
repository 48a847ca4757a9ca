import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of the local database server (mariadbd/mysqld, read from /proc), to tell in a report how
 * much of a run the server spent computing. Null when it is not on this machine or /proc is closed.
 * Other clients of the same server count too: compare it with the machine's load.
 */
export function dbServerCpuMs(): number | null {
  const pid = serverPid();
  if (pid == null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After "pid (comm) ": state is field 3, utime and stime are fields 14 and 15 (clock ticks, 100/s on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

let cachedPid: number | null | undefined;
function serverPid(): number | null {
  if (cachedPid !== undefined) return cachedPid;
  cachedPid = null;
  try {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const comm = readFileSync(`/proc/${d}/comm`, "utf8").trim();
        if (comm === "mariadbd" || comm === "mysqld") {
          cachedPid = Number(d);
          break;
        }
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return cachedPid;
}

/** CPU time of this process (user + system) in ms. */
export const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The machine's 1-minute load average and CPU count, for the report's context line. */
export async function machineLoad(): Promise<{ load1: number; cpus: number }> {
  const os = await import("node:os");
  return { load1: os.loadavg()[0] ?? 0, cpus: os.cpus().length };
}
