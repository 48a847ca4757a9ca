// PUBLIC presenter of the Open311 GeoReport v2 API: field names and shapes of the spec
// (wiki.open311.org/GeoReport_v2), filled only from the masked public report.
import { XMLBuilder } from "fast-xml-parser";
import type { Category } from "../../entities/category.entity.js";
import type { PublicReport } from "./public-report.presenter.js";

const CLOSED = new Set(["resolved", "closed"]);

export function presentService(c: Category) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description ?? c.nameEn ?? "",
    metadata: true,
    type: "realtime",
    keywords: c.nameEn ?? "",
    group: c.complaintClass,
  };
}

/** The one attribute a request may carry besides the spec's fields: its privacy level. */
export function presentServiceDefinition(c: Category) {
  return {
    service_code: c.code,
    attributes: [
      {
        variable: true,
        code: "privacy",
        datatype: "singlevaluelist",
        required: false,
        datatype_description: "publik (default), anonim or rahasia",
        order: 1,
        description: "Kerahasiaan / privacy: publik — shown publicly without the reporter; anonim — reporter hidden from the agency too; rahasia — never public",
        values: [
          { key: "publik", name: "Publik" },
          { key: "anonim", name: "Anonim" },
          { key: "rahasia", name: "Rahasia" },
        ],
      },
    ],
  };
}

export function presentServiceRequest(r: PublicReport, expectedAt: Date | null) {
  const lastAnswer = r.answers[r.answers.length - 1];
  return {
    service_request_id: r.number,
    status: CLOSED.has(r.status) ? "closed" : "open",
    status_notes: lastAnswer ? `${lastAnswer.agency}: ${lastAnswer.text}` : r.statusLabel,
    service_name: r.category ?? "",
    service_code: r.categoryCode ?? "",
    description: r.description,
    agency_responsible: r.agencies.map((a) => a.name).join(", "),
    service_notice: "",
    requested_datetime: r.receivedAt,
    updated_datetime: r.updatedAt,
    expected_datetime: expectedAt && !CLOSED.has(r.status) ? expectedAt.toISOString() : "",
    address: r.location ?? "",
    address_id: "",
    zipcode: "",
    lat: r.latitude ?? "",
    long: r.longitude ?? "",
    media_url: "",
  };
}

const builder = new XMLBuilder({ ignoreAttributes: true, suppressEmptyNode: false, format: false });
const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>';

/** XML of the spec: a root element holding one child element per item. */
export function toXml(root: string, child: string, items: unknown[]): string {
  return XML_HEAD + builder.build({ [root]: { [child]: items.map(xmlSafe) } });
}
export function toXmlSingle(root: string, item: unknown): string {
  return XML_HEAD + builder.build({ [root]: xmlSafe(item) });
}

/** Nested arrays become repeated elements (attributes > attribute, values > value). */
function xmlSafe(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(xmlSafe);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "attributes" && Array.isArray(x)) out[k] = { attribute: x.map(xmlSafe) };
      else if (k === "values" && Array.isArray(x)) out[k] = { value: x.map(xmlSafe) };
      else out[k] = xmlSafe(x);
    }
    return out;
  }
  return v;
}
