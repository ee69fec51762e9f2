import { isNode, parseDocument } from 'yaml';

/**
 * Where in the YAML/JSON text a validation issue's path (`nodes.wait_1.duration`, `branches[0].next`)
 * points; for a syntax error, which has no path, the line its message names ("line 3, column 1").
 */
export function issueRange(source: string, path: string, message = ''): { from: number; to: number } {
  const doc = parseDocument(source, { keepSourceTokens: false });
  const segments = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  // The deepest part of the path that exists: a missing field is reported on its parent.
  for (let n = segments.length; n > 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true);
    if (isNode(node) && node.range) return { from: node.range[0], to: Math.max(node.range[1], node.range[0] + 1) };
  }
  const named = /line (\d+), column (\d+)/.exec(message);
  const lineStart = named ? startOfLine(source, Number(named[1])) : 0;
  const from = Math.min(source.length, lineStart + (named ? Number(named[2]) - 1 : 0));
  const lineEnd = source.indexOf('\n', from);
  return { from, to: lineEnd > from ? lineEnd : Math.min(source.length, from + 1) };
}

/** The offset where 1-based line `line` starts (the end of the text past its last line). */
function startOfLine(source: string, line: number): number {
  let at = 0;
  for (let n = 1; n < line; n += 1) {
    const next = source.indexOf('\n', at);
    if (next < 0) return source.length;
    at = next + 1;
  }
  return at;
}
