import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Full-text indexes behind the staff ticket search and the public `/laporan` search
 * (docs/search.md): the ticket's subject and description, every message body (citizen, operator,
 * internal note, OPD answer) and contact names.
 *
 * MariaDB/MySQL: InnoDB FULLTEXT indexes with the default parser (searched IN BOOLEAN MODE with
 * `word*` prefixes); InnoDB maintains them in the writing transaction and shows them at commit.
 * SQLite: FTS5 tables over the rows (external content: the text is stored once, in its table),
 * kept by triggers, so every statement that writes a row writes its index entry in the same
 * transaction, with FTS5's secure-delete on (erased words leave the index). The FTS5 tables are an index, not data: backup and export leave them out
 * (server/backup/tables.ts) and restore refills them through the same triggers.
 */
export const FTS_SOURCES = [
  { fts: "tickets_fts", table: "tickets", columns: ["subject", "description"], mysqlIndex: "ft_tickets_text" },
  { fts: "messages_fts", table: "messages", columns: ["body"], mysqlIndex: "ft_messages_body" },
  { fts: "contacts_fts", table: "contacts", columns: ["name"], mysqlIndex: "ft_contacts_name" },
] as const;

export class FullTextSearch1765030000000 implements MigrationInterface {
  name = "FullTextSearch1765030000000";

  async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.driver.options.type === "mysql";
    for (const s of FTS_SOURCES) {
      const cols = s.columns.join(", ");
      if (mysql) {
        await qr.query(`ALTER TABLE \`${s.table}\` ADD FULLTEXT INDEX \`${s.mysqlIndex}\` (${s.columns.map((c) => `\`${c}\``).join(", ")})`);
        continue;
      }
      const nw = s.columns.map((c) => `new.${c}`).join(", ");
      const old = s.columns.map((c) => `old.${c}`).join(", ");
      // unicode61: letters and digits make words, case folded; remove_diacritics 2 folds é to e.
      await qr.query(`CREATE VIRTUAL TABLE ${s.fts} USING fts5(${cols}, content='${s.table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`);
      // secure-delete: a deleted or updated row's words leave the index at once (not delete markers
      // beside the old words until a merge): an erasure (docs/data-subject-rights.md) leaves no trace.
      await qr.query(`INSERT INTO ${s.fts}(${s.fts}, rank) VALUES ('secure-delete', 1)`);
      await qr.query(`CREATE TRIGGER ${s.fts}_ai AFTER INSERT ON ${s.table} BEGIN INSERT INTO ${s.fts}(rowid, ${cols}) VALUES (new.id, ${nw}); END`);
      await qr.query(`CREATE TRIGGER ${s.fts}_ad AFTER DELETE ON ${s.table} BEGIN INSERT INTO ${s.fts}(${s.fts}, rowid, ${cols}) VALUES ('delete', old.id, ${old}); END`);
      await qr.query(
        `CREATE TRIGGER ${s.fts}_au AFTER UPDATE OF ${cols} ON ${s.table} BEGIN ` +
          `INSERT INTO ${s.fts}(${s.fts}, rowid, ${cols}) VALUES ('delete', old.id, ${old}); ` +
          `INSERT INTO ${s.fts}(rowid, ${cols}) VALUES (new.id, ${nw}); END`,
      );
      await qr.query(`INSERT INTO ${s.fts}(${s.fts}) VALUES ('rebuild')`);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.driver.options.type === "mysql";
    for (const s of [...FTS_SOURCES].reverse()) {
      if (mysql) {
        await qr.query(`ALTER TABLE \`${s.table}\` DROP INDEX \`${s.mysqlIndex}\``);
        continue;
      }
      for (const t of ["ai", "ad", "au"]) await qr.query(`DROP TRIGGER IF EXISTS ${s.fts}_${t}`);
      await qr.query(`DROP TABLE IF EXISTS ${s.fts}`);
    }
  }
}
