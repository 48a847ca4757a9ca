import type { Express } from "express";
import supertest from "supertest";
import { XMLParser } from "fast-xml-parser";

/**
 * A small GeoReport v2 client written from the published specification
 * (http://wiki.open311.org/GeoReport_v2), not from our code: endpoint paths, parameter names,
 * response fields, XML element names and the error format are the spec's. XML answers are read
 * into the same shape as JSON ones, so a test asserts both formats alike.
 */
export type Format = "json" | "xml";

export const SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"] as const;
export const REQUEST_FIELDS = [
  "service_request_id",
  "status",
  "status_notes",
  "service_name",
  "service_code",
  "description",
  "agency_responsible",
  "service_notice",
  "requested_datetime",
  "updated_datetime",
  "expected_datetime",
  "address",
  "address_id",
  "zipcode",
  "lat",
  "long",
  "media_url",
] as const;
export const ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description"] as const;
export const DATATYPES = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"];

export interface Answer<T> {
  status: number;
  contentType: string;
  body: T;
  raw: string;
}
export interface SpecError {
  code: number;
  description: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => ["service", "request", "error", "attribute", "value", "endpoint", "format"].includes(name) });
const list = <T>(x: unknown): T[] => (Array.isArray(x) ? x : x == null || x === "" ? [] : [x]) as T[];

export class GeoReportClient {
  constructor(
    private app: Express,
    private root = "/open311/v2",
  ) {}

  private async get<T>(path: string, format: Format, query: Record<string, string> = {}, fromXml: (doc: any) => T): Promise<Answer<T | SpecError[]>> {
    const res = await supertest(this.app).get(`${this.root}/${path}.${format}`).query(query);
    return this.read(res, format, fromXml);
  }

  private read<T>(res: supertest.Response, format: Format, fromXml: (doc: any) => T): Answer<T | SpecError[]> {
    const contentType = String(res.headers["content-type"] ?? "");
    if (format === "json") return { status: res.status, contentType, body: JSON.parse(res.text), raw: res.text };
    const doc = parser.parse(res.text);
    if (doc.errors) return { status: res.status, contentType, body: list<any>(doc.errors.error).map((e) => ({ code: Number(e.code), description: String(e.description) })), raw: res.text };
    return { status: res.status, contentType, body: fromXml(doc), raw: res.text };
  }

  discovery(format: Format) {
    return this.get("discovery", format, {}, (d) => ({ ...d.discovery, endpoints: list<any>(d.discovery.endpoints?.endpoint).map((e) => ({ ...e, formats: list(e.formats?.format) })) }));
  }
  services(format: Format, query: Record<string, string> = {}) {
    return this.get("services", format, query, (d) => list<any>(d.services?.service));
  }
  serviceDefinition(code: string, format: Format) {
    return this.get(`services/${encodeURIComponent(code)}`, format, {}, (d) => ({
      ...d.service_definition,
      attributes: list<any>(d.service_definition?.attributes?.attribute).map((a) => ({ ...a, values: list(a.values?.value) })),
    }));
  }
  requests(format: Format, query: Record<string, string> = {}) {
    return this.get("requests", format, query, (d) => list<any>(d.service_requests?.request));
  }
  request(id: string, format: Format) {
    return this.get(`requests/${encodeURIComponent(id)}`, format, {}, (d) => list<any>(d.service_requests?.request));
  }
  /** POST service request: form-encoded arguments, as the spec describes. */
  async post(format: Format, args: Record<string, string>) {
    const res = await supertest(this.app).post(`${this.root}/requests.${format}`).type("form").send(args);
    return this.read(res, format, (d) => list<any>(d.service_requests?.request));
  }
}

export const isSpecError = (b: unknown): b is SpecError[] =>
  Array.isArray(b) && b.length > 0 && b.every((e) => typeof e === "object" && e && "code" in e && "description" in e && Object.keys(e).length === 2);
