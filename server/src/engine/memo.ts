/**
 * Values derived once from an object of one analysis: its file set, a document, an operation, a source file. The
 * table is weak and its keys are rebuilt by every analysis, so an answer lives exactly as long as the analysis that
 * made it, and no answer is shared between two analyses. What a derivation read of watched objects counts as read by
 * every check that uses the answer (`reads.ts`).
 */
import { derivedOnce, factOf, isWatched } from './reads';

export function memoize<K extends object, A extends unknown[], V>(derive: (key: K, ...rest: A) => V): (key: K, ...rest: A) => V {
  const known = new WeakMap<K, { value: V; use(): void }>();
  return (key, ...rest) => {
    const kept = known.get(key);
    if (kept) {
      kept.use();
      return kept.value;
    }
    // the other arguments belong to the same analysis as the key, so they are the same on every call
    const made = derivedOnce(() => derive(key, ...rest));
    known.set(key, made);
    return made.value;
  };
}

/**
 * A fact of an object of one analysis, such as whether an operation is a login: memoized as `memoize` does, and of a
 * watched object read as one key compared by value after an edit (`factOf`). `name` is unique among facts.
 */
export function fact<K extends object, V>(name: string, derive: (key: K) => V): (key: K) => V {
  const plain = memoize(derive);
  return (key) => (isWatched(key) ? factOf(key, name, derive as (of: object) => V) : plain(key));
}
