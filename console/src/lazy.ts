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
