// Whether this process runs the demo's provider sandbox. Never by accident on a real province's
// server: "auto" needs demo data, a database the demo seeded, and NODE_ENV other than production.
import type { Config } from "../../config/env.js";
import { User } from "../../entities/user.entity.js";
import type { Db } from "../../lib/db.js";
import { DEMO_USERS } from "../demo-data.js";

export type SandboxDecision = { on: boolean; reason: string };

export async function decideSandbox(config: Pick<Config, "demoSandbox" | "demoData" | "nodeEnv">, db: Db): Promise<SandboxDecision> {
  if (config.demoSandbox === "off") return { on: false, reason: "DEMO_SANDBOX=off" };
  if (config.demoSandbox === "on") return { on: true, reason: "DEMO_SANDBOX=on" };
  if (config.nodeEnv === "production") return { on: false, reason: "NODE_ENV=production (set DEMO_SANDBOX=on to force it)" };
  if (!config.demoData) return { on: false, reason: "no demo data (DEMO_DATA off)" };
  const seeded = await db.manager.getRepository(User).existsBy({ email: DEMO_USERS[0].email });
  if (!seeded) return { on: false, reason: "this database was not seeded as a demo (set DEMO_SANDBOX=on to force it)" };
  return { on: true, reason: "demo data loaded" };
}
