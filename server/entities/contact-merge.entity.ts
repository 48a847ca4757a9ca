import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/** How two contacts came to be one: an operator merged them, or the citizen confirmed a code. */
export type ContactMergeMethod = "operator" | "citizen";

/** What a merge moved, so that undoing it restores both contacts as they were. */
export interface ContactMergeMoved {
  identityIds: number[];
  ticketIds: number[];
  /** Fields of the surviving contact that were empty and filled from the merged one. */
  filled: { phone?: string; email?: string };
}

/** One merge of `mergedContactId` into `contactId` (contacts.merged_into_id), until undone. */
@Entity("contact_merges")
export class ContactMerge {
  @IdColumn() id: number;
  @IntColumn("contact_id") contactId: number;
  @IntColumn("merged_contact_id") mergedContactId: number;
  @StrColumn("method", 16) method: ContactMergeMethod;
  @TextColumn("moved_json") movedJson: string;
  @IntColumn("created_by_user_id", { nullable: true }) createdByUserId: number | null;
  @CreatedColumn() createdAt: Date;
  @TimeColumn("undone_at", { nullable: true }) undoneAt: Date | null;
  @IntColumn("undone_by_user_id", { nullable: true }) undoneByUserId: number | null;
}

/**
 * A citizen's request to link another identity (a phone number by SMS, an e-mail address) to the
 * contact they write from. The one-time code is minted when the outbox row `outboxId` is handed to
 * the provider; only its keyed hash is kept.
 */
@Entity("contact_link_requests")
export class ContactLinkRequest {
  @IdColumn() id: number;
  @IntColumn("contact_id") contactId: number;
  @StrColumn("channel", 16) channel: "sms" | "email";
  @StrColumn("address", 254) address: string;
  @IntColumn("outbox_id", { nullable: true }) outboxId: number | null;
  @StrColumn("code_hash", 64, { nullable: true }) codeHash: string | null;
  @IntColumn("attempts", { default: 0 }) attempts: number;
  @TimeColumn("expires_at") expiresAt: Date;
  @TimeColumn("used_at", { nullable: true }) usedAt: Date | null;
  @CreatedColumn() createdAt: Date;
}
