// PUBLIC presenter of the Open311 GeoReport v2 API: field names and shapes of the spec
// (wiki.open311.org/GeoReport_v2), filled only from the masked public report. A field we have no
// value for is null in JSON (an empty element in XML), never ""; lat and long are numbers.
import { XMLBuilder } from "fast-xml-parser";
import type { Category } from "../../entities/category.entity.js";
import type { PublicReport } from "./public-report.presenter.js";

const CLOSED = new Set(["resolved", "closed"]);

export function presentService(c: Category) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description ?? c.nameEn ?? null,
    // Every service has a definition (the privacy attribute, and the description when required).
    metadata: true,
    type: "realtime",
    keywords: c.nameEn ?? null,
    group: c.complaintClass,
  };
}

/**
 * The attributes a request may carry besides the spec's fields: its privacy level, and the
 * description when the province requires one (the spec's own `description` field is optional).
 */
export function presentServiceDefinition(c: Category, opts: { descriptionRequired?: boolean } = {}) {
  return {
    service_code: c.code,
    attributes: [
      ...(opts.descriptionRequired
        ? [
            {
              variable: true,
              code: "description",
              datatype: "text",
              required: true,
              datatype_description: "send it as the request's description field (or attribute[description])",
              order: 0,
              description: "Uraian keluhan wajib diisi / a description of the problem is required",
            },
          ]
        : []),
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

const numberOrNull = (v: number | string | null | undefined) => (v === null || v === undefined || v === "" || !Number.isFinite(Number(v)) ? null : Number(v));

/** Open311 media_url: the first approved photo of the problem (else of the fix), absolute; null without one. */
const mediaUrl = (r: PublicReport, publicUrl: string) => {
  const p = r.photos.find((x) => x.stage === "before") ?? r.photos[0];
  return p ? `${publicUrl}${p.url}` : null;
};

export function presentServiceRequest(r: PublicReport, expectedAt: Date | null, publicUrl: string) {
  const lastAnswer = r.answers[r.answers.length - 1];
  return {
    service_request_id: r.number,
    status: CLOSED.has(r.status) ? "closed" : "open",
    status_notes: lastAnswer ? `${lastAnswer.agency}: ${lastAnswer.text}` : r.statusLabel,
    service_name: r.category ?? null,
    service_code: r.categoryCode ?? null,
    description: r.description || null,
    agency_responsible: r.agencies.length ? r.agencies.map((a) => a.name).join(", ") : null,
    service_notice: null,
    requested_datetime: r.receivedAt,
    updated_datetime: r.updatedAt,
    expected_datetime: expectedAt && !CLOSED.has(r.status) ? expectedAt.toISOString() : null,
    address: r.location ?? null,
    address_id: r.addressId ?? null,
    zipcode: null,
    lat: numberOrNull(r.latitude),
    long: numberOrNull(r.longitude),
    // An approved photo's EXIF-free copy on the public report page (issue 19, item 8).
    media_url: mediaUrl(r, publicUrl),
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
  if (v === null) return "";
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
