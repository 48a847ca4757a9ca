import { Column, Entity } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/** A trained routing model (server/domain/routing/category-suggest.ts); the newest one answers. */
@Entity("routing_models")
export class RoutingModelRow {
  @IdColumn() id: number;
  /** "corpus": the shipped bootstrap corpus; "tickets": the province's verified tickets (plus the corpus). */
  @StrColumn("source", 16) source: "corpus" | "tickets";
  @IntColumn("examples") examples: number;
  @Column({ type: "text", name: "model_json" }) modelJson: string;
  /** Held-out accuracy measured when it was trained (JSON), or null. */
  @TextColumn("evaluation_json", { nullable: true }) evaluationJson: string | null;
  @TimeColumn("trained_at") trainedAt: Date;
}
