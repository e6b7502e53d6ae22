/**
 * Values derived once from an object of one analysis: its file set, a document, an operation, a source file. The
 * table is weak and its keys are rebuilt by every analysis, so an answer lives exactly as long as the analysis that
 * made it, and no answer is shared between two analyses.
 */
export function memoize<K extends object, A extends unknown[], V>(derive: (key: K, ...rest: A) => V): (key: K, ...rest: A) => V {
  const known = new WeakMap<K, V>();
  return (key, ...rest) => {
    if (known.has(key)) return known.get(key) as V;
    // the other arguments belong to the same analysis as the key, so they are the same on every call
    const value = derive(key, ...rest);
    known.set(key, value);
    return value;
  };
}
