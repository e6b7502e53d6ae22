/** Seeded randomness for tests that generate their cases: the same seed gives the same cases, so a failure replays. */

export type Random = () => number;

/** A small seeded generator (mulberry32). */
export function random(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, or undefined when there are none. */
export const pick = <T>(rng: Random, items: readonly T[]): T | undefined => (items.length === 0 ? undefined : items[Math.floor(rng() * items.length)]);
