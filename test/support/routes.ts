import type { Express } from "express";

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[] | RegExp;
}

/** Every route registered on the app, as "method /full/path", by walking the router stacks. */
export function registeredRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const m of Object.keys(layer.route.methods).filter((x) => x !== "_all")) for (const p of paths) out.push(`${m} ${prefix}${p === "/" && prefix ? "" : p}`);
      } else if (layer.handle?.stack) {
        const raws = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
        for (const r of raws) walk(layer.handle.stack, prefix + (typeof r === "string" && r !== "/" ? r : ""));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  return [...new Set(out)];
}
