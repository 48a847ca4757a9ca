// react-admin's default list exporter, as ra-core imports it, but loaded on the first export:
// the CSV converter is no part of the first screen. Swapped in by console/vite.config.ts.
// react-admin calls it as (data, callback).
type Callback = (err: Error | null, csv: string) => void;

export default function jsonExport(data: unknown, callback: Callback): void {
  // @ts-expect-error jsonexport ships no types
  import("jsonexport/dist/index.js").then(
    (m: { default: (data: unknown, callback: Callback) => void }) => m.default(data, callback),
    (err: Error) => callback(err, ""),
  );
}
