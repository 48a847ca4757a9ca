import type { Router } from "express";
import { In } from "typeorm";
import { suggestAgencies, suggestRouting } from "../../domain/routing/category-suggest.js";
import { Agency } from "../../entities/agency.entity.js";
import { Category } from "../../entities/category.entity.js";
import { notFound } from "../../lib/errors.js";
import { openTicketFor } from "../../queries/access-gate.js";
import { currentRoutingModel } from "../../queries/routing-model.js";
import { presentRoutingSuggestions } from "../presenters/routing-suggestion.presenter.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const TOP = 3;

export function routingRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get",
    path: "/tickets/:id/routing-suggestions",
    summary: "Suggested categories and OPDs for a ticket (top 3 each, with confidence), from the model learned on verified tickets; nothing is applied",
    tag: "tickets",
    roles: ["operator", "supervisor"],
    params: idParams,
    async handler({ params, viewer }) {
      const o = await openTicketFor(deps, viewer, params.id, "routing-suggestions");
      if (!o) throw notFound(`ticket ${params.id}`);
      const m = deps.db.manager;
      const current = await currentRoutingModel(m);
      // The model reads the whole text on the server; only categories and OPDs leave it.
      const ranked = suggestRouting(current.model, [o.ticket.subject, o.ticket.description].join("\n"));
      const categories = await m.getRepository(Category).findBy({ code: In(ranked.map((r) => r.categoryCode).concat("")), active: true });
      const byCode = new Map(categories.map((c) => [c.code, c]));
      const known = ranked.filter((r) => byCode.has(r.categoryCode));
      const opd = suggestAgencies(current.model, known, (code) => byCode.get(code)?.defaultAgencyId ?? null, 10);
      const agencies = await m.getRepository(Agency).findBy({ id: In(opd.map((a) => a.agencyId).concat(0)), active: true });
      const agencyById = new Map(agencies.map((a) => [a.id, a]));
      return presentRoutingSuggestions(
        o.ticket.id,
        current,
        known.slice(0, TOP).map((suggestion) => ({ suggestion, category: byCode.get(suggestion.categoryCode)! })),
        opd.filter((a) => agencyById.has(a.agencyId)).slice(0, TOP).map((suggestion) => ({ suggestion, agency: agencyById.get(suggestion.agencyId)! })),
      );
    },
  });
}
