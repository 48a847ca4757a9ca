import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Texts the console needs: the notice a citizen gets when their ticket is merged into another
 * (once, on the merged ticket's channel), and canned replies (`canned.*`) operators pick in the
 * reply box. All are reply templates, so admins edit them where they edit the others.
 */
const TEMPLATES: { key: string; locale: string; subject?: string; body: string }[] = [
  { key: "merged", locale: "id", subject: "Pengaduan digabung", body: "Pengaduan {{number}} digabung dengan pengaduan {{into}} yang membahas hal yang sama. Pantau perkembangannya dengan nomor {{into}}." },
  { key: "merged", locale: "en", subject: "Complaint merged", body: "Complaint {{number}} has been merged into complaint {{into}} about the same matter. Follow its progress under number {{into}}." },
  { key: "canned.thanks", locale: "id", subject: "Terima kasih", body: "Terima kasih atas laporan Anda. Petugas kami sedang menindaklanjutinya." },
  { key: "canned.thanks", locale: "en", subject: "Thank you", body: "Thank you for your report. Our staff are following it up." },
  { key: "canned.location", locale: "id", subject: "Minta lokasi", body: "Mohon kirimkan lokasi yang lebih rinci (nama jalan, patokan, kelurahan) agar dapat kami teruskan ke dinas terkait." },
  { key: "canned.location", locale: "en", subject: "Ask for location", body: "Please send a more precise location (street, landmark, village) so that we can forward it to the agency concerned." },
  { key: "canned.photo", locale: "id", subject: "Minta foto", body: "Bila memungkinkan, mohon kirimkan foto kondisi di lapangan untuk melengkapi laporan Anda." },
  { key: "canned.photo", locale: "en", subject: "Ask for a photo", body: "If possible, please send a photo of the situation to complete your report." },
  { key: "canned.out_of_scope", locale: "id", subject: "Di luar kewenangan provinsi", body: "Laporan Anda menjadi kewenangan pemerintah kabupaten/kota. Kami sarankan menghubungi layanan pengaduan pemerintah kabupaten/kota setempat." },
  { key: "canned.out_of_scope", locale: "en", subject: "Outside the province's authority", body: "Your report falls under the regency/city government. Please contact the local regency/city complaint service." },
];

export class ConsoleTemplates1764500000000 implements MigrationInterface {
  name = "ConsoleTemplates1764500000000";

  async up(qr: QueryRunner): Promise<void> {
    // A plain string: better-sqlite3 binds no Date objects; both dialects read this format.
    const at = new Date().toISOString().replace("T", " ").replace("Z", "");
    for (const t of TEMPLATES) {
      const existing = await qr.query("SELECT id FROM reply_templates WHERE template_key = ? AND locale = ?", [t.key, t.locale]);
      if (existing.length) continue;
      await qr.query("INSERT INTO reply_templates (template_key, locale, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [t.key, t.locale, t.subject ?? null, t.body, at, at]);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of TEMPLATES) await qr.query("DELETE FROM reply_templates WHERE template_key = ? AND locale = ?", [t.key, t.locale]);
  }
}
