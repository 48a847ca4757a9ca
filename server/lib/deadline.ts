/**
 * Rejects when p has not settled after ms (p itself goes on; its result is then ignored). For
 * probes and scrapes that must answer even when the database hangs instead of failing.
 */
export function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined); // a late failure is not an unhandled rejection
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
