/**
 * How far V8 lets the old generation grow past its live size before the next full collection
 * (`--heap-growing-percent`). V8's own factor goes up to 4x for a small heap that allocates fast; an
 * admission server allocates ~90 KB per review and promotes ~1 KB of it, so at saturation its old
 * generation climbed from ~25 MB live to ~100 MB before V8 collected it (peak RSS 150–200 MB). A bound
 * like Go's GOGC (Kyverno's default 100: the heap grows to twice its live size) keeps the peak near the
 * live size, for one more full collection every few seconds at saturation, mostly on V8's background
 * threads.
 *
 * The percent is a process-wide V8 flag; it is read at every collection, so setting it at startup works.
 * A value given to node itself (NODE_OPTIONS or the command line) wins.
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

const FLAG = /--heap[-_]growing[-_]percent(=|$)/;

/** The flag to set, or undefined when node was started with one or the percent is 0 (V8's own policy). */
export function heapGrowthFlag(percent: number, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  if (!Number.isInteger(percent) || percent <= 0) return undefined;
  if (execArgv.some((a) => FLAG.test(a))) return undefined;
  if (nodeOptions && nodeOptions.split(/\s+/).some((a) => FLAG.test(a))) return undefined;
  return `--heap-growing-percent=${percent}`;
}
