import type { Db } from "../lib/db.js";
import { setTicketLocation } from "../commands/set-ticket-location.js";
import { Ticket } from "../entities/ticket.entity.js";

/**
 * The demo's map is not empty: the demo tickets (except phone calls and e-mails, which carry no
 * point) are placed around the demo province's capital (Bandung, -6.91, 107.61), deterministically
 * by ticket id, as if the citizens had shared their location. Run once, right after the demo data
 * was seeded on a new database (server/main.ts); tests seed the demo data without it.
 */
export async function seedDemoLocations(db: Db): Promise<number> {
  return db.tx(async (m) => {
    const tickets = await m.getRepository(Ticket).find({ order: { id: "ASC" } });
    let placed = 0;
    for (const t of tickets) {
      if (t.channel === "voice" || t.channel === "email" || t.latitude != null) continue;
      const a = (t.id * 2.399963) % (2 * Math.PI); // golden angle: points spread evenly
      const r = 0.03 + ((t.id * 37) % 100) / 100 * 0.45;
      if (await setTicketLocation(m, t, { latitude: -6.91 + r * Math.sin(a) * 0.8, longitude: 107.61 + r * Math.cos(a) })) placed++;
    }
    return placed;
  });
}
