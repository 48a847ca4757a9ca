import type { EntityManager } from "typeorm";
import { evaluateRouting, isHeldOut, trainRoutingModel, type RoutingEvaluation, type RoutingExample } from "../domain/routing/category-suggest.js";
import { maskPublicText } from "../domain/privacy/mask.js";
import { Category } from "../entities/category.entity.js";
import { RoutingModelRow } from "../entities/routing-model.entity.js";
import { loadRoutingCorpus } from "../lib/routing-corpus.js";
import { appendAuditEvent, type Actor } from "./append-audit-event.js";

/** Below this many verified tickets, the model is the shipped corpus alone (a bootstrap model). */
export const MIN_TICKETS_TO_LEARN = 30;
/** The newest verified tickets a model learns from. */
export const MAX_TICKETS_TO_LEARN = 20_000;
/** Models kept (the newest answers; older ones show how accuracy moved). */
export const MODELS_KEPT = 5;

export interface RetrainOutcome {
  kind: "ok";
  model: RoutingModelRow;
  source: "corpus" | "tickets";
  tickets: number;
  evaluation: RoutingEvaluation | null;
}

/**
 * What the model learns from: tickets an operator verified with a category (not rejected, not
 * merged away), each with the OPD it was (last) forwarded to and not returned from. Rahasia tickets
 * are left out (their texts are read only by people, with an audit of each read); every text is
 * masked of NIKs, phone numbers, e-mail addresses and names first, and the model keeps only words
 * seen in two tickets or more, so no single complaint can be read back out of it.
 */
export async function verifiedRoutingExamples(m: EntityManager, limit = MAX_TICKETS_TO_LEARN): Promise<RoutingExample[]> {
  const rows: { id: number | string; subject: string | null; description: string; code: string; name: string | null; agency_id: number | string | null }[] = await m.query(
    `SELECT t.id, t.subject, t.description, c.code, ct.name,
       (SELECT f.agency_id FROM forwards f WHERE f.ticket_id = t.id AND f.status NOT IN ('returned', 'withdrawn') ORDER BY f.id DESC LIMIT 1) AS agency_id
     FROM tickets t
     JOIN categories c ON c.id = t.category_id
     LEFT JOIN contacts ct ON ct.id = t.contact_id
     WHERE t.verified_at IS NOT NULL AND t.privacy <> 'rahasia' AND t.merged_into_id IS NULL AND t.status NOT IN ('rejected', 'merged')
     ORDER BY t.verified_at DESC, t.id DESC
     LIMIT ?`,
    [limit],
  );
  return rows.map((r) => {
    const text = [r.subject, r.description].filter((s) => s && s.trim()).join("\n");
    return { text: maskPublicText(text, { names: r.name ? [r.name] : [] }), category: r.code, agencyId: r.agency_id == null ? null : Number(r.agency_id) };
  });
}

/**
 * Trains the routing model and stores it as the current one. With enough verified tickets it
 * learns from them (and from the shipped corpus for the province's categories, as a prior that
 * the province's own tickets soon outweigh), measured on the held-out quarter first; otherwise it
 * is the corpus alone.
 */
export async function retrainRoutingModel(m: EntityManager, ctx: { actor: Actor; at: Date }): Promise<RetrainOutcome> {
  const codes = new Set((await m.getRepository(Category).find({ select: { code: true } })).map((c) => c.code));
  const corpus = loadRoutingCorpus();
  const prior = corpus.filter((e) => codes.has(e.category));
  const bootstrap = prior.length > 0 ? prior : corpus;
  const tickets = await verifiedRoutingExamples(m);
  const source = tickets.length >= MIN_TICKETS_TO_LEARN ? "tickets" : "corpus";
  let examples = bootstrap;
  let evaluation: RoutingEvaluation | null = null;
  if (source === "tickets") {
    const heldOut = tickets.filter((e) => isHeldOut(e.text));
    const trainOn = tickets.filter((e) => !isHeldOut(e.text));
    if (heldOut.length > 0) evaluation = evaluateRouting(trainRoutingModel([...prior, ...trainOn], { minExamples: 2 }), heldOut);
    examples = [...prior, ...tickets];
  }
  const model = trainRoutingModel(examples, { minExamples: source === "tickets" ? 2 : 1 });
  const repo = m.getRepository(RoutingModelRow);
  const row = await repo.save(repo.create({ source, examples: examples.length, modelJson: JSON.stringify(model), evaluationJson: evaluation ? JSON.stringify(evaluation) : null, trainedAt: ctx.at }));
  const old = (await repo.find({ select: { id: true }, order: { id: "DESC" } })).slice(MODELS_KEPT);
  if (old.length) await repo.delete(old.map((o) => o.id));
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "routing.model_trained",
    entityType: "routing_model",
    entityId: row.id,
    after: { source, examples: examples.length, tickets: tickets.length, features: model.vocabulary, ...(evaluation ? { top1: evaluation.top1, top3: evaluation.top3, heldOut: evaluation.examples } : {}) },
    at: ctx.at,
  });
  return { kind: "ok", model: row, source, tickets: tickets.length, evaluation };
}
