// The baseline of `npm run bench -- ingest`: a bare node:http server that answers each POST after
// one transaction of 4 inserts on the same database (no framework, no ORM, no signature).
// Run as a child process: BARE_DB=mysql://… or a SQLite file path, PORT.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import mysql from "mysql2/promise";

// better-sqlite3 ships no types here; the slice used is declared below.
interface SqliteStatement { run(...args: unknown[]): unknown }
interface SqliteDb { pragma(s: string): unknown; exec(s: string): void; prepare(s: string): SqliteStatement; transaction<A extends unknown[]>(f: (...a: A) => void): (...a: A) => void }
const Database = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => SqliteDb;

const target = process.env.BARE_DB!;
const port = Number(process.env.PORT);
const DDL = "CREATE TABLE IF NOT EXISTS bench_bare (id INTEGER PRIMARY KEY AUTO_INCREMENT, k VARCHAR(64) NOT NULL, body TEXT NOT NULL, created_at DATETIME(3) NOT NULL)";

let insert4: (k: string, body: string) => Promise<void>;
if (target.startsWith("mysql://")) {
  const pool = mysql.createPool({ uri: target, connectionLimit: 10, timezone: "Z" });
  await pool.query(DDL);
  insert4 = async (k, body) => {
    const c = await pool.getConnection();
    try {
      await c.query("BEGIN");
      for (let i = 0; i < 4; i++) await c.execute("INSERT INTO bench_bare (k, body, created_at) VALUES (?, ?, ?)", [`${k}:${i}`, body, new Date()]);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  };
} else {
  const db = new Database(target);
  db.pragma("journal_mode = WAL");
  db.exec(DDL.replace("INTEGER PRIMARY KEY AUTO_INCREMENT", "INTEGER PRIMARY KEY AUTOINCREMENT"));
  const stmt = db.prepare("INSERT INTO bench_bare (k, body, created_at) VALUES (?, ?, ?)");
  const tx = db.transaction((k: string, body: string) => {
    for (let i = 0; i < 4; i++) stmt.run(`${k}:${i}`, body, new Date().toISOString());
  });
  insert4 = async (k, body) => void tx(k, body);
}

let n = 0;
createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    insert4(`r${process.pid}:${n++}`, body).then(
      () => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      },
      (err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  });
}).listen(port, "127.0.0.1", () => process.send?.("ready"));
