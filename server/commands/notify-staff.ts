import { In, type EntityManager } from "typeorm";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { Forward } from "../entities/forward.entity.js";
import { Notification } from "../entities/sla.entity.js";
import type { Ticket } from "../entities/ticket.entity.js";
import { User } from "../entities/user.entity.js";
import { afterCommit } from "../lib/db.js";
import type { CommandContext } from "./context.js";

/**
 * Notices of new work (issue 16, point 3). Each names only the ticket number and what happened:
 * like SLA notices, they never copy complaint text (the recipient may not be allowed to read it;
 * readers and the e-mail add the subject through the access gate).
 */
export type StaffNotice =
  /** A new disposisi: the head (and any assigned staff) of each OPD it went to. */
  | { kind: "forwarded"; forwardIds: number[] }
  /** An OPD returned its forward (bukan wewenang): its head, the supervisors, the operator holding the ticket. */
  | { kind: "returned"; forwardId: number }
  /** The citizen wrote again: the OPDs with an open forward, else the operator holding the ticket. */
  | { kind: "citizen_reply" }
  /** The citizen disputes the answer: the OPDs that answered, the supervisors, the operator holding the ticket. */
  | { kind: "disputed" }
  /** An OPD answer waits for review: the operator holding the ticket, else every operator. */
  | { kind: "answer_held"; forwardId: number }
  /** The operator sent the answer back with a note: the OPD's head, its assigned staff and who answered. */
  | { kind: "answer_sent_back"; forwardId: number };

export type StaffNoticeKind = StaffNotice["kind"];

const TITLES: Record<StaffNoticeKind, (n: string, agency: string) => string> = {
  forwarded: (n, a) => `Disposisi baru ${n} untuk ${a} / New forward for ${a}`,
  returned: (n, a) => `${n} dikembalikan oleh ${a} (bukan wewenang) / Returned by ${a} (not their authority)`,
  citizen_reply: (n) => `Balasan baru dari pelapor pada ${n} / The citizen wrote again`,
  disputed: (n) => `Pelapor menyanggah jawaban ${n} / The citizen disputes the answer`,
  answer_held: (n, a) => `Jawaban ${a} pada ${n} menunggu pemeriksaan / An answer waits for your review`,
  answer_sent_back: (n) => `Jawaban ${n} dikembalikan untuk diperbaiki / Your answer was sent back with a note`,
};

/**
 * Writes one notification per recipient, in the transaction of the action (so the notice exists
 * exactly when the action does), never to the person who acted. After the commit the worker
 * e-mails them at once (users who chose the daily digest get it once a day instead).
 */
export async function notifyStaff(m: EntityManager, ctx: CommandContext, ticket: Ticket, notice: StaffNotice): Promise<number> {
  const forwardsRepo = m.getRepository(Forward);
  const users = new Set<number>();
  const agencies: Agency[] = [];
  const addHeads = async (forwards: Forward[], extra: (f: Forward) => (number | null)[] = () => []) => {
    const ids = [...new Set(forwards.map((f) => f.agencyId))];
    const rows = ids.length ? await m.getRepository(Agency).findBy({ id: In(ids) }) : [];
    agencies.push(...rows);
    for (const a of rows) if (a.headUserId) users.add(a.headUserId);
    for (const f of forwards) {
      if (f.assigneeUserId) users.add(f.assigneeUserId);
      for (const u of extra(f)) if (u) users.add(u);
    }
  };
  const supervisors = async () => {
    for (const u of await m.getRepository(User).find({ select: { id: true }, where: { role: "supervisor", active: true } })) users.add(u.id);
  };
  const holder = () => {
    if (ticket.assigneeUserId) users.add(ticket.assigneeUserId);
  };

  switch (notice.kind) {
    case "forwarded":
      await addHeads(notice.forwardIds.length ? await forwardsRepo.findBy({ id: In(notice.forwardIds) }) : []);
      break;
    case "returned":
      await addHeads(await forwardsRepo.findBy({ id: notice.forwardId }));
      await supervisors();
      holder();
      break;
    case "citizen_reply": {
      const open = await forwardsRepo.findBy({ ticketId: ticket.id, isOpen: true });
      await addHeads(open);
      if (open.length === 0) holder();
      break;
    }
    case "disputed": {
      // Every OPD whose answer the citizen received (an earlier round's too: the dispute concerns it).
      await addHeads(await forwardsRepo.findBy({ ticketId: ticket.id, status: "answered" }), (f) => [f.answeredByUserId]);
      await supervisors();
      holder();
      break;
    }
    case "answer_held": {
      const f = await forwardsRepo.findOneBy({ id: notice.forwardId });
      if (f) agencies.push(...(await m.getRepository(Agency).findBy({ id: f.agencyId })));
      holder();
      if (users.size === 0) for (const u of await m.getRepository(User).find({ select: { id: true }, where: { role: "operator", active: true } })) users.add(u.id);
      // A field check is confirmed by a supervisor or the category's checker: they are told too.
      if (f?.fieldCheck === "awaiting") {
        for (const u of await m.getRepository(User).find({ select: { id: true }, where: { role: "supervisor", active: true } })) users.add(u.id);
        const checker = ticket.categoryId != null ? (await m.getRepository(Category).findOneBy({ id: ticket.categoryId }))?.fieldCheckerUserId : null;
        if (checker != null) users.add(checker);
      }
      break;
    }
    case "answer_sent_back":
      await addHeads(await forwardsRepo.findBy({ id: notice.forwardId }), (f) => [f.answeredByUserId]);
      break;
  }
  if (ctx.actor.userId != null) users.delete(ctx.actor.userId);
  if (users.size === 0) return 0;
  // Only active staff; an OPD user of another OPD never gets a notice of this ticket.
  const active = await m.getRepository(User).find({ select: { id: true, active: true }, where: { id: In([...users]), active: true } });
  if (active.length === 0) return 0;

  const rows: Partial<Notification>[] = [];
  const agencyNames = (list: Agency[]) => [...new Set(list.map((a) => a.shortName || a.name))].join(", ") || "OPD";
  for (const u of active) {
    // A forward to two OPDs: each head's notice names their own OPD.
    const own = notice.kind === "forwarded" ? agencies.filter((a) => a.headUserId === u.id) : [];
    rows.push({
      userId: u.id,
      ticketId: ticket.id,
      slaEventId: null,
      type: notice.kind,
      title: TITLES[notice.kind](ticket.number, agencyNames(own.length ? own : agencies)).slice(0, 300),
      body: "",
      readAt: null,
      emailedAt: null,
      createdAt: ctx.at,
    });
  }
  await m.getRepository(Notification).insert(rows);
  afterCommit(m, { type: "notification", userIds: active.map((u) => u.id) });
  return rows.length;
}
