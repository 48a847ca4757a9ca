import type { AgencySuggestion, CategorySuggestion } from "../../domain/routing/category-suggest.js";
import type { Agency } from "../../entities/agency.entity.js";
import type { Category } from "../../entities/category.entity.js";
import type { CurrentRoutingModel } from "../../queries/routing-model.js";

/** What the console shows beside the verify/forward buttons: no ticket text, only the suggestions. */
export function presentRoutingSuggestions(
  ticketId: number,
  current: CurrentRoutingModel,
  categories: { suggestion: CategorySuggestion; category: Category }[],
  agencies: { suggestion: AgencySuggestion; agency: Agency }[],
) {
  return {
    ticketId,
    model: { id: current.id, source: current.source, trainedAt: current.trainedAt },
    categories: categories.map(({ suggestion, category }) => ({
      categoryId: category.id,
      code: category.code,
      name: category.name,
      nameEn: category.nameEn,
      confidence: suggestion.confidence,
      agencyId: suggestion.agencyId ?? category.defaultAgencyId,
      autoForwardThreshold: category.autoForwardThreshold ?? null,
    })),
    agencies: agencies.map(({ suggestion, agency }) => ({ agencyId: agency.id, code: agency.code, name: agency.name, shortName: agency.shortName, confidence: suggestion.confidence })),
  };
}
