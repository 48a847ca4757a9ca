// A minimal IMAP4rev1 server, enough for imapflow as the e-mail connector drives it:
// LOGIN, NAMESPACE, SELECT/EXAMINE, LIST/LSUB, CREATE, (UID) SEARCH, (UID) FETCH of UID/FLAGS/
// INTERNALDATE/RFC822.SIZE/BODY[]/BODY.PEEK[], (UID) STORE, (UID) MOVE, EXPUNGE, IDLE (with
// EXISTS pushed to idling clients), NOOP, LOGOUT. Literals ({n} and {n+}) are accepted. Not a
// general IMAP server: no ENVELOPE/BODYSTRUCTURE, no partial fetches, no TLS.
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface FakeImapMessage {
  uid: number;
  flags: Set<string>;
  raw: Buffer;
  internalDate: Date;
}

export interface FakeImap {
  host: string;
  port: number;
  /** Adds a message (as an MTA delivering mail would) and tells idling clients; returns its UID. */
  append(raw: Buffer, mailbox?: string, flags?: string[]): number;
  /** The messages of a mailbox (live objects: flags change as clients store them). */
  mailbox(name: string): FakeImapMessage[];
  /** Command lines received, passwords redacted. */
  commands: string[];
  close(): Promise<void>;
}

const CAPABILITIES = "IMAP4rev1 LITERAL+ IDLE NAMESPACE UIDPLUS MOVE";

interface Box {
  messages: FakeImapMessage[];
  uidNext: number;
}

type Token = string | Token[] | null;

/** Tokenizes an IMAP command line (literals already inlined as quoted-free strings). */
function tokenize(line: string, literals: string[]): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let i = 0;
  const top = () => stack[stack.length - 1] as Token[];
  while (i < line.length) {
    const c = line[i] as string;
    if (c === " ") {
      i++;
    } else if (c === "(") {
      const list: Token[] = [];
      top().push(list);
      stack.push(list);
      i++;
    } else if (c === ")") {
      stack.pop();
      i++;
    } else if (c === '"') {
      let s = "";
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\") i++;
        s += line[i];
        i++;
      }
      i++;
      top().push(s);
    } else if (c === "\u0000") {
      // placeholder of a literal
      const idx = Number(/^\u0000(\d+)\u0000/.exec(line.slice(i))?.[1]);
      top().push(literals[idx] ?? "");
      i = line.indexOf("\u0000", i + 1) + 1;
    } else {
      let s = "";
      let depth = 0;
      while (i < line.length && (depth > 0 || (line[i] !== " " && line[i] !== ")" && line[i] !== "("))) {
        // keep BODY.PEEK[...] and BODY[] as one atom, including anything inside brackets
        if (line[i] === "[") depth++;
        if (line[i] === "]") depth--;
        s += line[i];
        i++;
      }
      top().push(s.toUpperCase() === "NIL" ? null : s);
    }
  }
  return root;
}

function parseSet(set: string, max: number): (n: number) => boolean {
  const ranges = set.split(",").map((part) => {
    const [a, b] = part.split(":");
    const lo = a === "*" ? max : Number(a);
    const hi = b === undefined ? lo : b === "*" ? max : Number(b);
    return [Math.min(lo, hi), Math.max(lo, hi)] as const;
  });
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
const imapDate = (d: Date) => {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${months[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

export async function startFakeImap(opts: { user: string; pass: string; mailboxes?: string[] }): Promise<FakeImap> {
  const boxes = new Map<string, Box>();
  const commands: string[] = [];
  const sessions = new Set<Session>();
  const boxFor = (name: string) => boxes.get(name.toUpperCase() === "INBOX" ? "INBOX" : name);
  for (const name of ["INBOX", ...(opts.mailboxes ?? [])]) boxes.set(name, { messages: [], uidNext: 1 });

  class Session {
    private buffer = Buffer.alloc(0);
    private authed = false;
    private selected: { name: string; box: Box; readOnly: boolean; known: number } | undefined;
    private idleTag: string | undefined;
    private pending: { line: string; literals: string[]; need: number } | undefined;

    constructor(private readonly socket: Socket) {
      socket.on("data", (d: Buffer) => {
        this.buffer = Buffer.concat([this.buffer, d]);
        this.drain();
      });
      socket.on("error", () => undefined);
      socket.on("close", () => sessions.delete(this));
      this.write(`* OK [CAPABILITY ${CAPABILITIES}] Fake IMAP ready`);
    }

    write(line: string | Buffer): void {
      if (!this.socket.writable) return;
      this.socket.write(typeof line === "string" ? `${line}\r\n` : line);
    }

    /** Pushes EXISTS to a client that has the mailbox selected and is idling. */
    notify(box: Box): void {
      if (this.selected?.box === box && this.idleTag) this.reportExists();
    }

    private reportExists(): void {
      if (!this.selected) return;
      const n = this.selected.box.messages.length;
      if (n !== this.selected.known) {
        this.selected.known = n;
        this.write(`* ${n} EXISTS`);
      }
    }

    private drain(): void {
      for (;;) {
        if (this.pending && this.pending.need > 0) {
          if (this.buffer.length < this.pending.need) return;
          this.pending.literals.push(this.buffer.subarray(0, this.pending.need).toString("latin1"));
          this.buffer = this.buffer.subarray(this.pending.need);
          this.pending.line += `\u0000${this.pending.literals.length - 1}\u0000`;
          this.pending.need = 0;
        }
        const nl = this.buffer.indexOf("\r\n");
        if (nl < 0) return;
        const chunk = this.buffer.subarray(0, nl).toString("latin1");
        this.buffer = this.buffer.subarray(nl + 2);
        const lit = /\{(\d+)(\+?)\}$/.exec(chunk);
        const state = this.pending ?? { line: "", literals: [], need: 0 };
        if (lit) {
          state.line += chunk.slice(0, lit.index);
          state.need = Number(lit[1]);
          this.pending = state;
          if (!lit[2]) this.write("+ Ready for literal data");
          continue;
        }
        state.line += chunk;
        this.pending = undefined;
        this.handle(state.line, state.literals);
      }
    }

    private handle(line: string, literals: string[]): void {
      if (this.idleTag) {
        if (line.trim().toUpperCase() === "DONE") {
          this.write(`${this.idleTag} OK IDLE terminated`);
          this.idleTag = undefined;
        } else {
          this.write("* BAD Expected DONE");
        }
        return;
      }
      const tokens = tokenize(line, literals);
      const tag = tokens[0];
      let cmd = String(tokens[1] ?? "").toUpperCase();
      let args = tokens.slice(2);
      commands.push(cmd === "LOGIN" ? `${tag} LOGIN ${String(args[0])} ****` : line.replace(/\u0000\d+\u0000/g, "{literal}"));
      if (typeof tag !== "string" || !cmd) return this.write("* BAD Invalid command");
      let uid = false;
      if (cmd === "UID") {
        uid = true;
        cmd = String(args[0] ?? "").toUpperCase();
        args = args.slice(1);
      }
      try {
        this.dispatch(tag, cmd, args, uid);
      } catch (err) {
        this.write(`${tag} BAD ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    private dispatch(tag: string, cmd: string, args: Token[], uid: boolean): void {
      const ok = (text = `${cmd} completed`) => this.write(`${tag} OK ${text}`);
      if (cmd === "CAPABILITY") {
        this.write(`* CAPABILITY ${CAPABILITIES}`);
        return ok();
      }
      if (cmd === "NOOP") {
        this.reportExists();
        return ok();
      }
      if (cmd === "LOGOUT") {
        this.write("* BYE Logging out");
        ok();
        this.socket.end();
        return;
      }
      if (cmd === "LOGIN") {
        if (args[0] === opts.user && args[1] === opts.pass) {
          this.authed = true;
          return ok(`[CAPABILITY ${CAPABILITIES}] Logged in`);
        }
        return this.write(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
      }
      if (!this.authed) return this.write(`${tag} NO Login first`);
      switch (cmd) {
        case "NAMESPACE":
          this.write('* NAMESPACE (("" "/")) NIL NIL');
          return ok();
        case "LIST":
        case "LSUB": {
          const pattern = String(args[1] ?? "*");
          const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/%/g, "[^/]*")}$`, "i");
          for (const name of boxes.keys()) if (re.test(name)) this.write(`* ${cmd} (\\HasNoChildren) "/" ${quote(name)}`);
          return ok();
        }
        case "CREATE": {
          const name = String(args[0]);
          if (boxFor(name)) return this.write(`${tag} NO [ALREADYEXISTS] Mailbox exists`);
          boxes.set(name, { messages: [], uidNext: 1 });
          return ok();
        }
        case "SELECT":
        case "EXAMINE": {
          const name = String(args[0]);
          const box = boxFor(name);
          if (!box) {
            this.selected = undefined;
            return this.write(`${tag} NO [NONEXISTENT] Unknown mailbox`);
          }
          this.selected = { name, box, readOnly: cmd === "EXAMINE", known: box.messages.length };
          this.write("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
          this.write("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted");
          this.write(`* ${box.messages.length} EXISTS`);
          this.write("* 0 RECENT");
          this.write("* OK [UIDVALIDITY 1700000000] UIDs valid");
          this.write(`* OK [UIDNEXT ${box.uidNext}] Predicted next UID`);
          return ok(`[${cmd === "EXAMINE" ? "READ-ONLY" : "READ-WRITE"}] ${cmd} completed`);
        }
        case "IDLE":
          this.idleTag = tag;
          this.write("+ idling");
          this.reportExists();
          return;
      }
      const sel = this.selected;
      if (!sel) return this.write(`${tag} BAD No mailbox selected`);
      const msgs = sel.box.messages;
      const pick = (set: string) => {
        const max = uid ? (msgs[msgs.length - 1]?.uid ?? 0) : msgs.length;
        const inSet = parseSet(set, max);
        return msgs.map((m, i) => ({ m, seq: i + 1 })).filter(({ m, seq }) => inSet(uid ? m.uid : seq));
      };
      switch (cmd) {
        case "SEARCH": {
          const crit = args.map((a) => (typeof a === "string" ? a.toUpperCase() : a));
          let found = msgs.map((m, i) => ({ m, seq: i + 1 }));
          for (let i = 0; i < crit.length; i++) {
            const c = crit[i];
            if (c === "ALL") continue;
            if (c === "UNSEEN") found = found.filter(({ m }) => !m.flags.has("\\Seen"));
            else if (c === "SEEN") found = found.filter(({ m }) => m.flags.has("\\Seen"));
            else if (c === "NOT" && crit[i + 1] === "SEEN") {
              found = found.filter(({ m }) => !m.flags.has("\\Seen"));
              i++;
            } else if (c === "UID") {
              const inSet = parseSet(String(args[++i]), msgs[msgs.length - 1]?.uid ?? 0);
              found = found.filter(({ m }) => inSet(m.uid));
            } else throw new Error(`Unsupported SEARCH criterion ${String(c)}`);
          }
          this.write(`* SEARCH${found.map(({ m, seq }) => ` ${uid ? m.uid : seq}`).join("")}`);
          return ok();
        }
        case "FETCH": {
          const raw = args[1];
          const items = (Array.isArray(raw) ? raw : [raw]).map((t) => String(t).toUpperCase());
          if (uid && !items.includes("UID")) items.unshift("UID");
          for (const { m, seq } of pick(String(args[0]))) {
            const parts: (string | Buffer)[] = [];
            for (const item of items) {
              if (item === "UID") parts.push(`UID ${m.uid}`);
              else if (item === "FLAGS") parts.push(`FLAGS (${[...m.flags].join(" ")})`);
              else if (item === "INTERNALDATE") parts.push(`INTERNALDATE "${imapDate(m.internalDate)}"`);
              else if (item === "RFC822.SIZE") parts.push(`RFC822.SIZE ${m.raw.length}`);
              else if (item === "BODY[]" || item === "BODY.PEEK[]" || item === "RFC822") {
                if (item !== "BODY.PEEK[]" && !sel.readOnly) m.flags.add("\\Seen");
                parts.push(Buffer.concat([Buffer.from(`${item === "RFC822" ? "RFC822" : "BODY[]"} {${m.raw.length}}\r\n`), m.raw]));
              } else throw new Error(`Unsupported FETCH item ${item}`);
            }
            const out: Buffer[] = [Buffer.from(`* ${seq} FETCH (`)];
            parts.forEach((p, i) => out.push(Buffer.from(i ? " " : ""), Buffer.isBuffer(p) ? p : Buffer.from(p)));
            out.push(Buffer.from(")\r\n"));
            this.write(Buffer.concat(out));
          }
          return ok();
        }
        case "STORE": {
          if (sel.readOnly) return this.write(`${tag} NO Mailbox is read-only`);
          const op = String(args[1]).toUpperCase();
          const flagsTok = args[2];
          const flags = (Array.isArray(flagsTok) ? flagsTok : [flagsTok]).map(String);
          for (const { m, seq } of pick(String(args[0]))) {
            if (op.startsWith("+")) flags.forEach((f) => m.flags.add(f));
            else if (op.startsWith("-")) flags.forEach((f) => m.flags.delete(f));
            else m.flags = new Set(flags);
            if (!op.endsWith(".SILENT")) this.write(`* ${seq} FETCH (${uid ? `UID ${m.uid} ` : ""}FLAGS (${[...m.flags].join(" ")}))`);
          }
          return ok();
        }
        case "MOVE": {
          if (sel.readOnly) return this.write(`${tag} NO Mailbox is read-only`);
          const dest = boxFor(String(args[1]));
          if (!dest) return this.write(`${tag} NO [TRYCREATE] Destination mailbox does not exist`);
          const moving = pick(String(args[0]));
          const src: number[] = [];
          const dst: number[] = [];
          for (const { m } of moving) {
            src.push(m.uid);
            dst.push(dest.uidNext);
            dest.messages.push({ uid: dest.uidNext++, flags: new Set(m.flags), raw: m.raw, internalDate: m.internalDate });
          }
          if (moving.length) this.write(`* OK [COPYUID 1700000000 ${src.join(",")} ${dst.join(",")}] Moved`);
          for (const { seq } of [...moving].reverse()) {
            msgs.splice(seq - 1, 1);
            this.write(`* ${seq} EXPUNGE`);
          }
          // Mail delivered meanwhile is still unannounced: report it like a real server does.
          sel.known -= moving.length;
          this.reportExists();
          return ok();
        }
        case "EXPUNGE": {
          for (let i = msgs.length - 1; i >= 0; i--) {
            if (msgs[i]?.flags.has("\\Deleted")) {
              msgs.splice(i, 1);
              this.write(`* ${i + 1} EXPUNGE`);
              sel.known--;
            }
          }
          this.reportExists();
          return ok();
        }
        case "CLOSE":
          this.selected = undefined;
          return ok();
        default:
          return this.write(`${tag} BAD Unknown command ${cmd}`);
      }
    }
  }

  const server = createServer((socket) => void sessions.add(new Session(socket)));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  return {
    host: "127.0.0.1",
    port,
    commands,
    append(raw, mailbox = "INBOX", flags = []) {
      const box = boxFor(mailbox);
      if (!box) throw new Error(`no mailbox ${mailbox}`);
      const uid = box.uidNext++;
      box.messages.push({ uid, flags: new Set(flags), raw, internalDate: new Date() });
      for (const s of sessions) s.notify(box);
      return uid;
    },
    mailbox(name) {
      const box = boxFor(name);
      if (!box) throw new Error(`no mailbox ${name}`);
      return box.messages;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
