/**
 * Chance comes into the core as a function the caller passes. These make it reproducible: a test,
 * a simulation or a replayed step seeded with the same value draws the same numbers.
 */

/** mulberry32: tiny, fast, and good enough to split traffic; not for secrets. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a, so a seed can come from text: `seededRandom(seedOf(`${runId}:${step}`))`. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Picks by weight with one draw in [0, 1); weights need not sum to 1 or 100. */
export function pickWeighted<T extends { readonly weight: number }>(items: readonly T[], draw: number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let threshold = draw * total;
  for (const item of items) {
    threshold -= item.weight;
    if (threshold < 0) return item;
  }
  const last = items.at(-1);
  if (!last) throw new Error('pickWeighted needs at least one item');
  return last;
}
