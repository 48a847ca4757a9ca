// The one way the console loads a screen on demand: operators never download the admin screens,
// the wall, the map or the reports until they open them.
import { createElement, lazy, useState, type ComponentType } from "react";

type View = "list" | "show" | "edit" | "create";
type Views = Partial<Record<View, ComponentType>>;

/** Modules that loaders made with loadOnce have loaded. */
const loaded = new WeakMap<() => Promise<unknown>, { module: unknown }>();

/**
 * A loader that loads its module once and remembers it, so that a screen whose code was already
 * fetched (preloaded with the session's first screen, or prefetched when idle) renders at once:
 * React does not suspend, so neither a fallback nor React's reveal delay for suspended content
 * (about 300 ms per boundary) comes between the data and the screen.
 */
export function loadOnce<M>(load: () => Promise<M>): () => Promise<M> {
  let pending: Promise<M> | undefined;
  const once = (): Promise<M> =>
    (pending ??= load().then(
      (m) => {
        loaded.set(once, { module: m });
        return m;
      },
      (err: unknown) => {
        pending = undefined; // a failed load is tried again next time
        throw err;
      },
    ));
  return once;
}

/** A component of a module loaded when it is first shown (at once when its loadOnce loader already has it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const lazyComponent = <M, C extends ComponentType<any>>(load: () => Promise<M>, pick: (m: M) => C): C => {
  const Lazy = lazy(() => load().then((m) => ({ default: pick(m) })));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Screen = (props: any) => {
    // Chosen once per mount: switching between the two later would remount the screen.
    const [ready] = useState(() => loaded.get(load));
    return createElement(ready ? pick(ready.module as M) : Lazy, props);
  };
  return Screen as unknown as C;
};

/** The views of a react-admin resource, each loaded when it is first shown (one module load serves them all). */
export function lazyResource<M, V extends View>(load: () => Promise<M>, pick: (m: M) => Views, views: readonly V[]): Record<V, ComponentType> {
  const once = loadOnce(load);
  return Object.fromEntries(views.map((v) => [v, lazyComponent(once, (m) => pick(m)[v] as ComponentType)])) as unknown as Record<V, ComponentType>;
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
