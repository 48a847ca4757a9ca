// The look of the public pages: whose service this is (the province's name), its logo and its
// colour. Set once per deployment through PUBLIC_* environment variables (docs/configuration.md);
// the demo has its own fictional province so a newcomer sees what a configured service looks like.
import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { deflateSync } from "node:zlib";
import type { Config } from "../../config/env.js";
import { storedAsset, type StoredAsset } from "./stored-asset.js";

export interface Brand {
  /** The government the service belongs to, per language; null when not configured. */
  province: { id: string; en: string } | null;
  serviceName: string;
  /** Main colour (header, buttons, links) and a darker and a very light shade of it. */
  color: string;
  dark: string;
  tint: string;
  logo: StoredAsset;
  favicon: StoredAsset;
  demo: boolean;
}

export const DEFAULT_COLOR = "#0b5394";
/** The demo's own province (fictional): name, colour. */
export const DEMO_BRAND = { id: "Pemerintah Provinsi Parahyangan", en: "Parahyangan Provincial Government", color: "#0b6e4f" } as const;
const LOGO_MAX_BYTES = 64 * 1024;
const LOGO_TYPES: Record<string, string> = { ".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp" };

/** A speech bubble with a tick: the neutral mark of a service without its own logo. */
const defaultLogo = (color: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="10" fill="#fff"/><path d="M10 12h28a3 3 0 0 1 3 3v15a3 3 0 0 1-3 3H22l-8 7v-7h-4a3 3 0 0 1-3-3V15a3 3 0 0 1 3-3z" fill="${color}"/><path d="m16 22 5 5 11-10" stroke="#fff" stroke-width="3.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
/** The demo province's emblem: a shield with a mountain (Parahyangan, "the abode of the gods"). */
const demoLogo = (color: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><path d="M24 2 44 8v16c0 12-9 19-20 22C13 43 4 36 4 24V8z" fill="#f2b705"/><path d="M24 6 40 11v13c0 10-7 16-16 18.6C15 40 8 34 8 24V11z" fill="#fff"/><path d="M10 31 19 18l5 6 4-5 10 12c-3 5-8 8-14 10-6-2-11-5-14-10z" fill="${color}"/><circle cx="31" cy="14" r="3" fill="#f2b705"/></svg>`;

/** Mixes a #rrggbb colour with black (amount < 0) or white (amount > 0). */
function mix(hex: string, amount: number): string {
  const target = amount < 0 ? 0 : 255;
  const a = Math.abs(amount);
  return `#${[0, 1, 2]
    .map((i) => {
      const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
      return Math.round(c + (target - c) * a)
        .toString(16)
        .padStart(2, "0");
    })
    .join("")}`;
}

/** A PNG of `size`×`size` RGBA pixels from a function of (x, y). */
function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const p = pixel(x, y);
      raw.set(p, y * (size * 4 + 1) + 1 + x * 4);
    }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** /favicon.ico: an ICO holding one 32×32 PNG, a rounded square of the brand colour with a white speech bubble. */
export function faviconIco(color: string): Buffer {
  const [r, g, b] = [0, 1, 2].map((i) => parseInt(color.slice(1 + 2 * i, 3 + 2 * i), 16)) as [number, number, number];
  const inRounded = (x: number, y: number, x0: number, y0: number, x1: number, y1: number, rad: number) => {
    const cx = Math.min(Math.max(x, x0 + rad), x1 - rad);
    const cy = Math.min(Math.max(y, y0 + rad), y1 - rad);
    return (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad;
  };
  const image = png(32, (px, py) => {
    const x = px + 0.5;
    const y = py + 0.5;
    if (!inRounded(x, y, 0, 0, 32, 32, 6)) return [0, 0, 0, 0];
    const bubble = inRounded(x, y, 6, 7, 26, 21, 3) || (x >= 9 && x <= 14 && y >= 20 && y <= 26 && x - 9 <= 26 - y);
    return bubble ? [255, 255, 255, 255] : [r, g, b, 255];
  });
  const header = Buffer.alloc(22);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(1, 4); // one image
  header.set([32, 32, 0, 0], 6); // width, height, colours, reserved
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(22, 18);
  return Buffer.concat([header, image]);
}

function readLogo(file: string): { type: string; body: Buffer } {
  const type = LOGO_TYPES[extname(file).toLowerCase()];
  if (!type) throw new Error(`PUBLIC_LOGO_FILE must be .svg, .png or .webp: ${file}`);
  if (statSync(file).size > LOGO_MAX_BYTES) throw new Error(`PUBLIC_LOGO_FILE is larger than ${LOGO_MAX_BYTES / 1024} kB: ${file}`);
  return { type, body: readFileSync(file) };
}

const brands = new WeakMap<Config, Brand>();

/** The brand of this deployment, computed once per config (createApp asks first, so a bad logo file fails at start-up). */
export function brandOf(config: Config): Brand {
  let brand = brands.get(config);
  if (brand) return brand;
  const b = config.brand;
  const demo = config.demoData && !b.provinceName;
  const color = b.color ?? (demo ? DEMO_BRAND.color : DEFAULT_COLOR);
  const province = b.provinceName ? { id: b.provinceName, en: b.provinceNameEn ?? b.provinceName } : demo ? { id: DEMO_BRAND.id, en: DEMO_BRAND.en } : null;
  const logo = b.logoFile ? readLogo(b.logoFile) : { type: "image/svg+xml", body: Buffer.from(demo ? demoLogo(color) : defaultLogo(color)) };
  const favicon = faviconIco(color);
  brand = {
    province,
    serviceName: b.serviceName,
    color,
    dark: mix(color, -0.3),
    tint: mix(color, 0.9),
    logo: storedAsset(logo.type, logo.body),
    favicon: storedAsset("image/x-icon", favicon),
    demo,
  };
  brands.set(config, brand);
  return brand;
}
