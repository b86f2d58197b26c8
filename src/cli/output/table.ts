/**
 * The CLI's result tables, drawn like Kyverno's (lensesio/tableprinter with `│` and `─` borders,
 * upper-case headers, left-aligned cells).
 */
import pc from 'picocolors';

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g;

export function stripAnsi(s: string): string {
  return s.replace(ansi, '');
}

function width(s: string): number {
  return [...stripAnsi(s)].length;
}

/** Renders a table. `rows` cells may contain colour codes. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>, opts: { color?: boolean } = {}): string {
  const cols = headers.length;
  const widths = headers.map((h) => width(h));
  const cellLines = rows.map((r) => r.map((c) => String(c ?? '').split('\n')));
  for (const r of cellLines) {
    for (let i = 0; i < cols; i++) for (const line of r[i] ?? ['']) widths[i] = Math.max(widths[i] ?? 0, width(line));
  }
  const sep = '│' + widths.map((w) => '─'.repeat(w + 2)).join('│') + '│';
  const line = (cells: readonly string[]): string =>
    '│' + cells.map((c, i) => ` ${c}${' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c)))} `).join('│') + '│';
  const out: string[] = [sep];
  const head = headers.map((h) => (opts.color ? pc.green(h) : h));
  out.push(line(head));
  out.push(sep);
  for (const r of cellLines) {
    const height = Math.max(1, ...r.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(r.map((c) => c[k] ?? '')));
  }
  out.push(sep);
  return out.join('\n');
}

export interface Colors {
  enabled: boolean;
  cyan(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

export function colors(enabled: boolean): Colors {
  const c = pc.createColors(enabled);
  return {
    enabled,
    cyan: (s) => c.bold(c.cyan(s)),
    green: (s) => c.bold(c.green(s)),
    red: (s) => c.bold(c.red(s)),
    yellow: (s) => c.bold(c.yellow(s)),
  };
}
