/** Small helpers for reading and printing benchmark results. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en');
export const fmtRate = (n: number) => `${fmtInt(n)}/s`;
export const fmtMb = (bytes: number) => `${fmtInt(bytes / 2 ** 20)} MB`;
export const fmtSec = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const fmtRatio = (n: number) => n.toFixed(2);

export function log(line = ''): void {
  process.stderr.write(`${line}\n`);
}

export interface Row {
  what: string;
  value: string;
  detail?: string;
  /** undefined: no target; otherwise whether the target is met, shown with its text. */
  target?: { met: boolean; text: string };
}

/** A plain-text table on stdout (progress goes to stderr, so `> file` keeps only the results). */
export function printTable(title: string, rows: readonly Row[]): void {
  const w0 = Math.max(...rows.map((r) => r.what.length));
  const w1 = Math.max(...rows.map((r) => r.value.length));
  const w2 = Math.max(0, ...rows.map((r) => (r.target ? r.target.text.length + 5 : 0)));
  const lines = rows.map((r) => {
    const target = r.target ? `${r.target.met ? 'PASS' : 'MISS'} ${r.target.text}` : '';
    return `  ${r.what.padEnd(w0)}  ${r.value.padStart(w1)}  ${target.padEnd(w2)}  ${r.detail ?? ''}`.trimEnd();
  });
  const width = Math.max(title.length, ...lines.map((l) => l.length));
  console.log(`\n${title}\n${'─'.repeat(width)}\n${lines.join('\n')}\n`);
}

/** A positive whole number from a flag, with the flag named when it is not one. */
export function intFlag(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

/** A positive number from a flag (undefined when it is not given), with the flag named when it is not one. */
export function positiveFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}
