/** A unified diff of two texts by line, for people: `-` lines go, `+` lines come, two lines of context. */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Above this many line pairs the diff gives up on alignment and shows a whole replacement. */
const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string, context = 2): string {
  if (before === after) return '';
  const ops = diffOps(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  const out: string[] = [];
  let i = 0;
  while (i < changed.length) {
    // A hunk runs while changes are within two contexts of each other.
    const first = changed[i] as number;
    let last = first;
    while (i + 1 < changed.length && (changed[i + 1] as number) - last <= 2 * context + 1)
      last = changed[++i] as number;
    i += 1;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length, last + context + 1);
    const [a, b] = startLines(ops, from);
    const slice = ops.slice(from, to);
    const aCount = slice.filter((op) => op.kind !== '+').length;
    const bCount = slice.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${a + 1},${aCount} +${b + 1},${bCount} @@`);
    for (const op of slice) out.push(`${op.kind}${op.line}`);
  }
  return out.join('\n');
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function startLines(ops: readonly Op[], upTo: number): [number, number] {
  let a = 0;
  let b = 0;
  for (const op of ops.slice(0, upTo)) {
    if (op.kind !== '+') a += 1;
    if (op.kind !== '-') b += 1;
  }
  return [a, b];
}

/** Longest common subsequence by dynamic programming: journeys are hundreds of lines, not millions. */
function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string });
      i += 1;
      j += 1;
    } else if ((lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number)) {
      ops.push({ kind: '-', line: a[i++] as string });
    } else ops.push({ kind: '+', line: b[j++] as string });
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] as string });
  while (j < b.length) ops.push({ kind: '+', line: b[j++] as string });
  return ops;
}
