// A node:test reporter for scripts/test.mjs: one JSON line per event it needs (enqueue, dequeue,
// complete, pass, fail, summary), so the runner can prove that every enqueued test completed.
export default async function* testEvents(source) {
  for await (const event of source) {
    const d = event.data ?? {};
    switch (event.type) {
      case "test:enqueue":
      case "test:dequeue":
      case "test:complete":
        yield JSON.stringify({ type: event.type, name: d.name, nesting: d.nesting, line: d.line, column: d.column }) + "\n";
        break;
      case "test:pass":
      case "test:fail":
        yield JSON.stringify({
          type: event.type, name: d.name, nesting: d.nesting, line: d.line, column: d.column,
          suite: d.details?.type === "suite", skip: d.skip !== undefined && d.skip !== false, todo: d.todo !== undefined && d.todo !== false,
        }) + "\n";
        break;
      case "test:summary":
        // Node 22+ emits one summary per file and, when run with --test, one for the whole run.
        if (d.file !== undefined) yield JSON.stringify({ type: event.type, counts: d.counts }) + "\n";
        break;
      default:
    }
  }
}
