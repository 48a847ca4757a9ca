import { IsNull, MoreThan, In, type EntityManager } from "typeorm";
import { Notification } from "../entities/sla.entity.js";
import { User } from "../entities/user.entity.js";
import { sqlTime, type Db } from "../lib/db.js";
import { notificationSubject, openTicketFor } from "../queries/access-gate.js";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Files to attach (the monthly report's PDF). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Something that sends one e-mail (nodemailer in production, a test SMTP server in tests). */
export type SendMail = (mail: OutgoingMail) => Promise<void>;

export interface EmailNotificationsResult {
  sent: number;
  failed: number;
}

/** Notifications older than this are not e-mailed (e.g. when SMTP is configured later). */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * E-mails in-app notifications that have not been e-mailed yet. Each row is claimed (emailed_at
 * set) in a transaction before it is sent, so several workers never send one twice; a failed
 * send releases the claim and the next run tries again.
 */
export async function emailNotifications(db: Db, now: Date, send: SendMail, opts: { batchSize?: number; publicUrl: string }): Promise<EmailNotificationsResult> {
  const out: EmailNotificationsResult = { sent: 0, failed: 0 };
  for (;;) {
    const claimed = await db.tx((m) => claim(m, now, opts.batchSize ?? 50), { readCommitted: true });
    if (claimed.length === 0) return out;
    for (const { n, user } of claimed) {
      try {
        // The subject as this recipient may read it (access gate), never of a rahasia ticket.
        const viewer = { id: user.id, email: user.email, name: user.name, role: user.role, agencyId: user.agencyId };
        const subject = n.ticketId != null ? notificationSubject(await openTicketFor({ db, clock: { now: () => now } }, viewer, n.ticketId, "notification-email", { noAudit: true })) : null;
        await send({
          to: user.email,
          subject: n.title,
          text: [
            `Yth. ${user.name},`,
            "",
            n.title,
            subject ? `Perihal / subject: ${subject}` : "",
            "",
            `Buka konsol / open the console: ${opts.publicUrl}/console`,
          ]
            .filter((l, i, a) => l !== "" || a[i - 1] !== "")
            .join("\n"),
        });
        out.sent++;
      } catch {
        out.failed++;
        await db.tx((m) => m.getRepository(Notification).update({ id: n.id }, { emailedAt: null }));
      }
    }
    if (out.failed > 0) return out; // the server is unhappy: try again at the next run
  }
}

async function claim(m: EntityManager, now: Date, limit: number): Promise<{ n: Notification; user: User }[]> {
  const mysql = m.connection.options.type === "mysql";
  const since = new Date(now.getTime() - MAX_AGE_MS);
  const rows: { id: number }[] = await m.query(
    // Users who chose the daily digest get theirs from notifyDigest (below), once a day.
    `SELECT id FROM notifications WHERE emailed_at IS NULL AND created_at > ? AND user_id NOT IN (SELECT u.id FROM users u WHERE u.notify_digest = ?) ORDER BY id LIMIT ${Number(limit)}${mysql ? " FOR UPDATE SKIP LOCKED" : ""}`,
    [sqlTime(m, since), true],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const notes = await m.getRepository(Notification).find({ where: { id: In(ids), emailedAt: IsNull(), createdAt: MoreThan(since) } });
  await m.getRepository(Notification).update({ id: In(ids) }, { emailedAt: now });
  const users = new Map((await m.getRepository(User).findBy({ id: In([...new Set(notes.map((n) => n.userId))]), active: true })).map((u) => [u.id, u]));
  return notes.filter((n) => users.has(n.userId)).map((n) => ({ n, user: users.get(n.userId)! }));
}

/** A digest covers notices of up to this long ago (a day, and a day's slack for a missed run). */
const DIGEST_MAX_AGE_MS = 2 * MAX_AGE_MS;

/**
 * The daily digest: one e-mail per user who chose it, listing their notices not e-mailed yet.
 * Claimed per user in a transaction (emailed_at set) before sending, as above; a failed send
 * releases the claim for the next run.
 */
export async function emailDigests(db: Db, now: Date, send: SendMail, opts: { publicUrl: string }): Promise<EmailNotificationsResult> {
  const out: EmailNotificationsResult = { sent: 0, failed: 0 };
  const since = new Date(now.getTime() - DIGEST_MAX_AGE_MS);
  const users = await db.manager.getRepository(User).find({ where: { notifyDigest: true, active: true }, order: { id: "ASC" } });
  for (const user of users) {
    const notes = await db.tx(
      async (m) => {
        const mysql = m.connection.options.type === "mysql";
        const rows: { id: number }[] = await m.query(
          `SELECT id FROM notifications WHERE user_id = ? AND emailed_at IS NULL AND created_at > ? ORDER BY id LIMIT 500${mysql ? " FOR UPDATE SKIP LOCKED" : ""}`,
          [user.id, sqlTime(m, since)],
        );
        if (rows.length === 0) return [];
        const ids = rows.map((r) => r.id);
        await m.getRepository(Notification).update({ id: In(ids) }, { emailedAt: now });
        return m.getRepository(Notification).find({ where: { id: In(ids) }, order: { id: "ASC" } });
      },
      { readCommitted: true },
    );
    if (notes.length === 0) continue;
    try {
      await send({
        to: user.email,
        subject: `Ringkasan harian Aduan: ${notes.length} notifikasi / Daily digest: ${notes.length} notices`,
        text: [`Yth. ${user.name},`, "", ...notes.map((n) => `- ${n.title}`), "", `Buka konsol / open the console: ${opts.publicUrl}/console`].join("\n"),
      });
      out.sent++;
    } catch {
      out.failed++;
      await db.tx((m) => m.getRepository(Notification).update({ id: In(notes.map((n) => n.id)) }, { emailedAt: null }));
    }
  }
  return out;
}
