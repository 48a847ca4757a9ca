import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { User } from "../entities/user.entity.js";
import { saveAgency } from "../commands/save-agency.js";
import { saveCategory } from "../commands/save-category.js";
import { saveUser } from "../commands/save-user.js";
import { recordComplaint } from "../commands/record-complaint.js";
import { transitionTicket, type TransitionInput } from "../commands/transition-ticket.js";
import { SYSTEM_ACTOR } from "../commands/append-audit-event.js";
import type { CommandContext } from "../commands/context.js";
import type { Db } from "../lib/db.js";
import { DEMO_AGENCIES, DEMO_CATEGORIES, DEMO_PASSWORD, DEMO_TICKETS, DEMO_USERS } from "./demo-data.js";

const HOUR = 3_600_000;

const ANSWERS: Record<string, string> = {
  DPU: "Tim UPT Jalan telah meninjau lokasi dan perbaikan dijadwalkan minggu ini.",
  DINKES: "Kepala puskesmas telah ditegur dan jam layanan disesuaikan mulai Senin.",
  DISDIK: "Kepala sekolah telah dipanggil; pungutan dibatalkan dan dana dikembalikan.",
  DISHUB: "Petugas telah memperbaiki dan memasang jadwal pengawasan rutin.",
  DINSOS: "Data penerima sedang diverifikasi ulang bersama pendamping PKH.",
  DLH: "Armada pengangkut sampah telah dikerahkan dan jadwal diperbaiki.",
};

/**
 * Loads the demo OPDs, categories, users and a few dozen tickets — through the same commands as
 * real use, so every ticket has its audit trail. Does nothing if any OPD exists.
 */
export async function seedDemo(db: Db, secretKey: string, now: Date): Promise<{ seeded: boolean }> {
  if ((await db.manager.getRepository(Agency).count()) > 0) return { seeded: false };
  const ctx = (at: Date, actor = SYSTEM_ACTOR): CommandContext => ({ actor, at, secretKey });
  const t0 = new Date(now.getTime() - 21 * 24 * HOUR);

  const agencies = new Map<string, Agency>();
  const users = new Map<string, User>();
  await db.tx(async (m) => {
    for (const a of DEMO_AGENCIES) {
      const out = await saveAgency(m, ctx(t0), null, { code: a.code, name: a.name, shortName: a.shortName });
      if (out.kind === "ok") agencies.set(a.code, out.value);
    }
    for (const c of DEMO_CATEGORIES) {
      await saveCategory(m, ctx(t0), null, { code: c.code, name: c.name, nameEn: c.nameEn, defaultAgencyId: c.agency ? agencies.get(c.agency)!.id : null, complaintClass: c.complaintClass });
    }
    for (const u of DEMO_USERS) {
      const out = await saveUser(m, ctx(t0), null, { email: u.email, name: u.name, role: u.role, agencyId: u.agency ? agencies.get(u.agency)!.id : null, password: DEMO_PASSWORD });
      if (out.kind === "ok") users.set(u.email, out.value.user);
      if (out.kind === "ok" && u.role === "opd_head") await saveAgency(m, ctx(t0), agencies.get(u.agency!)!.id, { headUserId: out.value.user.id });
    }
  });

  const categories = new Map((await db.manager.getRepository(Category).find()).map((c) => [c.code, c]));
  const operator = users.get("operator@demo.aduan.id")!;
  const asUser = (u: User) => ({ userId: u.id, label: u.email });
  const headOf = (code: string) => [...users.values()].find((u) => u.role === "opd_head" && u.agencyId === agencies.get(code)!.id)!;

  let i = 0;
  for (const spec of DEMO_TICKETS) {
    // Spread over the last three weeks; later entries are newer.
    let at = new Date(t0.getTime() + (i++ / DEMO_TICKETS.length) * 20 * 24 * HOUR);
    await db.tx(async (m) => {
      const created = await recordComplaint(m, ctx(at, { userId: null, label: `warga via ${spec.channel}` }), {
        channel: spec.channel,
        description: spec.text,
        categoryId: categories.get(spec.category)?.id ?? null,
        privacy: spec.privacy,
        contact: spec.citizen,
      });
      if (created.kind !== "created") throw new Error(created.reason);
      const ticketId = created.ticket.id;
      for (const step of spec.steps) {
        at = new Date(at.getTime() + 3 * HOUR);
        const opd = spec.to ? headOf(spec.to) : null;
        let input: TransitionInput;
        let actor = asUser(operator);
        switch (step) {
          case "forward":
            input = { action: "forward", agencyIds: [agencies.get(spec.to!)!.id], instruction: "Mohon ditindaklanjuti dan dilaporkan hasilnya." };
            break;
          case "acknowledge":
            input = { action: "acknowledge", agencyId: opd!.agencyId! };
            actor = asUser(opd!);
            break;
          case "answer":
            input = { action: "answer", agencyId: opd!.agencyId!, response: ANSWERS[spec.to!] };
            actor = asUser(opd!);
            break;
          case "return":
            input = { action: "return", agencyId: opd!.agencyId!, reason: "Lampu lalu lintas di jalan nasional menjadi wewenang BPJN." };
            actor = asUser(opd!);
            break;
          case "reject":
            input = { action: "reject", reason: "Spam, bukan pengaduan." };
            break;
          case "request_info":
            input = { action: "request_info", message: "Mohon kirim foto dan alamat lengkap lokasi." };
            break;
          default:
            input = { action: step } as TransitionInput;
        }
        const out = await transitionTicket(m, ctx(at, actor), ticketId, input);
        if (out.kind !== "ok") throw new Error(`demo ticket ${created.ticket.number} ${step}: ${JSON.stringify(out)}`);
      }
    });
  }
  return { seeded: true };
}
