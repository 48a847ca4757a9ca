import type { EntityManager } from "typeorm";
import { trainRoutingModel, type RoutingModel } from "../domain/routing/category-suggest.js";
import { RoutingModelRow } from "../entities/routing-model.entity.js";
import { loadRoutingCorpus } from "../lib/routing-corpus.js";

export interface CurrentRoutingModel {
  model: RoutingModel;
  /** null: no model was trained yet (before the worker's first run) and the corpus answers. */
  id: number | null;
  source: "corpus" | "tickets";
  trainedAt: Date | null;
}

/** Parsed models by database and row id (a row never changes). */
const parsedByDb = new WeakMap<object, Map<number, RoutingModel>>();
let fallback: RoutingModel | null = null;

/**
 * The newest stored routing model (parsed once per row), or, before the worker has trained one,
 * a model trained in memory from the shipped corpus.
 */
export async function currentRoutingModel(m: EntityManager): Promise<CurrentRoutingModel> {
  const head = await m.getRepository(RoutingModelRow).findOne({ select: { id: true, source: true, trainedAt: true }, where: {}, order: { id: "DESC" } });
  if (!head) return { model: (fallback ??= trainRoutingModel(loadRoutingCorpus())), id: null, source: "corpus", trainedAt: null };
  let parsed = parsedByDb.get(m.connection);
  if (!parsed) parsedByDb.set(m.connection, (parsed = new Map()));
  let model = parsed.get(head.id);
  if (!model) {
    const row = await m.getRepository(RoutingModelRow).findOneByOrFail({ id: head.id });
    model = JSON.parse(row.modelJson) as RoutingModel;
    if (parsed.size > 8) parsed.clear();
    parsed.set(head.id, model);
  }
  return { model, id: head.id, source: head.source, trainedAt: head.trainedAt };
}
