import { isNode, parseDocument } from 'yaml';

/** Where in the YAML/JSON text a validation issue's path (`nodes.wait_1.duration`, `branches[0].next`) points. */
export function issueRange(source: string, path: string): { from: number; to: number } {
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
  const lineEnd = source.indexOf('\n');
  return { from: 0, to: lineEnd > 0 ? lineEnd : Math.min(source.length, 1) };
}
