import { Entity, PrimaryColumn } from "typeorm";
import { StrColumn, TextColumn, TimeColumn } from "./columns.js";

export type SessionState = "starting" | "connecting" | "connected" | "disconnected" | "needs-auth" | "stopped";

/** The sessions process that owns an account's long-lived connection, and that connection's state. */
@Entity("session_leases")
export class SessionLease {
  @PrimaryColumn({ type: "integer", name: "channel_account_id" }) channelAccountId: number;
  /** host:pid:random of the owning process. */
  @StrColumn("owner", 100) owner: string;
  /** Not renewed by then: another sessions process may take the account over. */
  @TimeColumn("expires_at") expiresAt: Date;
  @StrColumn("state", 16) state: SessionState;
  @StrColumn("detail", 500, { nullable: true }) detail: string | null;
  /** While the state is needs-auth: the QR code to scan (WhatsApp Web), shown in the console. */
  @TextColumn("qr", { nullable: true }) qr: string | null;
  @TimeColumn("state_at") stateAt: Date;
  /** Since when the session is not connected (null while connected): what the WhatsApp fail-over measures. */
  @TimeColumn("down_since", { nullable: true }) downSince?: Date | null;
  /** An admin asked the owner to log the session out (done at its next reconcile, then cleared). */
  @TimeColumn("logout_requested_at", { nullable: true }) logoutRequestedAt?: Date | null;
  @TimeColumn("updated_at") updatedAt: Date;
}
