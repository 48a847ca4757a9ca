/**
 * The console's one live connection (GET /api/events, server-sent events): every screen part that
 * must change when something happens subscribes here instead of polling.
 *
 *   <LiveProvider>…</LiveProvider>          mounted once (the layout; the wall mounts it too: one
 *                                           connection is shared, counted by who holds it)
 *   useLiveEvents(["ticket.changed"], (e) => …)   null = every type
 *
 * The browser's EventSource reconnects by itself and sends Last-Event-ID, and the server replays
 * what was missed; when the connection was refused (a 401 after logout, a restart) a new
 * EventSource is opened after a pause with the last id as ?lastEventId=. Keys already seen are
 * dropped (a replay may repeat some). After a reconnect, or when the server says "resync", the
 * subscribers get a local { type: "resync" } event: time to refetch.
 */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useCheckAuth } from "react-admin";

import type { LiveEvent } from "../api-types";
export type { LiveEvent };
type Handler = (e: LiveEvent) => void;

const TYPES = ["ticket.created", "ticket.changed", "sla.warned", "sla.breached", "notification", "presence", "wall.changed", "resync", "ready"];

class LiveConnection {
  private source: EventSource | null = null;
  private holders = 0;
  private subs = new Set<{ types: Set<string> | null; handler: Handler }>();
  private lastId = "";
  private seen = new Set<string>();
  private readyOnce = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private statusListeners = new Set<(c: boolean) => void>();
  connected = false;

  acquire() {
    if (this.holders++ === 0) this.open();
  }
  release() {
    if (--this.holders > 0) return;
    this.source?.close();
    this.source = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.setConnected(false);
  }
  subscribe(types: string[] | null, handler: Handler): () => void {
    const s = { types: types ? new Set(types) : null, handler };
    this.subs.add(s);
    return () => this.subs.delete(s);
  }
  onStatus(l: (c: boolean) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  private setConnected(c: boolean) {
    if (this.connected === c) return;
    this.connected = c;
    for (const l of this.statusListeners) l(c);
  }

  private open() {
    if (typeof EventSource === "undefined") return;
    const url = this.lastId ? `/api/events?lastEventId=${encodeURIComponent(this.lastId)}` : "/api/events";
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    const onMessage = (m: MessageEvent<string>) => {
      if (m.lastEventId) {
        this.lastId = m.lastEventId;
        const key = m.lastEventId.split(".").slice(2).join(".");
        if (key) {
          if (this.seen.has(key)) return;
          this.seen.add(key);
          if (this.seen.size > 3000) for (const k of [...this.seen].slice(0, 1000)) this.seen.delete(k);
        }
      }
      let e: LiveEvent;
      try {
        e = JSON.parse(m.data) as LiveEvent;
      } catch {
        return;
      }
      if (e.type === "ready") {
        this.setConnected(true);
        // A reconnect: whatever could not be replayed is refetched by the screens.
        if (this.readyOnce) this.dispatch({ type: "resync", at: e.at });
        this.readyOnce = true;
        return;
      }
      this.dispatch(e);
    };
    for (const t of TYPES) source.addEventListener(t, onMessage as EventListener);
    source.onmessage = onMessage;
    source.onerror = () => {
      this.setConnected(false);
      // CLOSED: the browser gave up (e.g. 401/403/5xx answer); try again later with our own id.
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        this.source = null;
        // Refused (401 after the session ended, 403, 5xx): the screen checks its session.
        this.dispatch({ type: "connection.refused", at: new Date().toISOString() });
        if (this.retry) clearTimeout(this.retry);
        this.retry = setTimeout(() => {
          this.retry = null;
          if (this.holders > 0 && !this.source) this.open();
        }, 5000);
      }
    };
  }

  private dispatch(e: LiveEvent) {
    for (const s of [...this.subs]) {
      if (s.types && !s.types.has(e.type)) continue;
      try {
        s.handler(e);
      } catch (err) {
        console.error("live handler", err);
      }
    }
  }
}

const connection = new LiveConnection();

/** Holds the screen's live connection while mounted (one EventSource, however many providers). */
export function LiveProvider({ children }: { children?: ReactNode }) {
  useEffect(() => {
    connection.acquire();
    return () => connection.release();
  }, []);
  // The server ends a stream whose login session ended; the refused reconnect sends the screen
  // to the login page (and back to where it was after signing in), as a refused API call does.
  const checkAuth = useCheckAuth();
  useLiveEvents(["connection.refused"], () => {
    checkAuth({}, true).catch(() => undefined);
  });
  return <>{children}</>;
}

/** Calls handler for each live event of the given types (null: all). The handler may change between renders. */
export function useLiveEvents(types: string[] | null, handler: (e: LiveEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  const key = types ? [...types].sort().join("|") : "*";
  useEffect(() => connection.subscribe(key === "*" ? null : key.split("|"), (e) => ref.current(e)), [key]);
}

/** Whether the live connection is up (for a status dot). */
export function useLiveConnected(): boolean {
  const [c, setC] = useState(connection.connected);
  useEffect(() => connection.onStatus(setC), []);
  return c;
}

/**
 * Runs `refresh` after matching events, at most once per `ms` (a burst of 500 webhooks is one
 * refetch, not 500), and on "resync".
 */
export function useLiveRefresh(types: string[] | null, refresh: () => void, opts: { ms?: number; when?: (e: LiveEvent) => boolean } = {}): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  const fn = useRef(refresh);
  fn.current = refresh;
  const when = useRef(opts.when);
  when.current = opts.when;
  const ms = opts.ms ?? 300;
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  useLiveEvents(types ? [...types, "resync"] : null, (e) => {
    if (e.type !== "resync" && when.current && !when.current(e)) return;
    if (timer.current) return;
    const wait = Math.max(0, last.current + ms - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      fn.current();
    }, wait);
  });
}
