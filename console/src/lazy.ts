// The one way the console loads a screen on demand: operators never download the admin screens,
// the wall, the map or the reports until they open them.
import { lazy, type ComponentType } from "react";

type View = "list" | "show" | "edit" | "create";
type Views = Partial<Record<View, ComponentType>>;

/** A component of a module loaded when it is first shown. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const lazyComponent = <M, C extends ComponentType<any>>(load: () => Promise<M>, pick: (m: M) => C) => lazy(() => load().then((m) => ({ default: pick(m) })));

/** The views of a react-admin resource, each loaded when it is first shown (one module load serves them all). */
export function lazyResource<M, V extends View>(load: () => Promise<M>, pick: (m: M) => Views, views: readonly V[]): Record<V, ComponentType> {
  return Object.fromEntries(views.map((v) => [v, lazyComponent(load, (m) => pick(m)[v] as ComponentType)])) as unknown as Record<V, ComponentType>;
}

/**
 * Starts loading a module the user will probably open next, once the browser has nothing better
 * to do (or after two seconds at the latest); returns a cancel function for a React effect.
 */
export function prefetchWhenIdle(load: () => Promise<unknown>): () => void {
  const run = () => void load().catch(() => undefined); // a failed prefetch is retried when the screen is opened
  if (typeof requestIdleCallback === "function") {
    const handle = requestIdleCallback(run, { timeout: 2000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(run, 500);
  return () => clearTimeout(handle);
}
