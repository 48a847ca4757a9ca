import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Case clusters (docs/routing.md): a reporter whose ticket is grouped into a case keeps their own
 * number and tracking page and gets the case's notices and answer there, so the "merged" notice
 * no longer tells them to follow the other number. Texts an admin has edited are left alone.
 */
const TEXTS = [
  {
    locale: "id",
    old: { subject: "Pengaduan digabung", body: "Pengaduan {{number}} digabung dengan pengaduan {{into}} yang membahas hal yang sama. Pantau perkembangannya dengan nomor {{into}}." },
    new: {
      subject: "Laporan digabung dalam satu kasus",
      body: "Pengaduan {{number}} digabung dengan laporan warga lain tentang masalah yang sama dan ditangani sebagai satu kasus ({{into}}). Perkembangan dan jawabannya tetap kami kirim kepada Anda dan tampil di halaman lacak {{number}}.",
    },
  },
  {
    locale: "en",
    old: { subject: "Complaint merged", body: "Complaint {{number}} has been merged into complaint {{into}} about the same matter. Follow its progress under number {{into}}." },
    new: {
      subject: "Report grouped into one case",
      body: "Complaint {{number}} has been grouped with other citizens' reports of the same problem and is handled as one case ({{into}}). You will still get its progress and answer, and see them on the tracking page of {{number}}.",
    },
  },
];

export class CaseClusters1764970000000 implements MigrationInterface {
  name = "CaseClusters1764970000000";

  async up(qr: QueryRunner): Promise<void> {
    for (const t of TEXTS) {
      await qr.query("UPDATE reply_templates SET subject = ?, body = ? WHERE template_key = 'merged' AND locale = ? AND body = ?", [t.new.subject, t.new.body, t.locale, t.old.body]);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of TEXTS) {
      await qr.query("UPDATE reply_templates SET subject = ?, body = ? WHERE template_key = 'merged' AND locale = ? AND body = ?", [t.old.subject, t.old.body, t.locale, t.new.body]);
    }
  }
}
