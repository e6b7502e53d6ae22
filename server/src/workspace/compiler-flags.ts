/**
 * V8's optimizing compiler as our runs want it. By default it inlines hard into every function that gets warm, on
 * threads of its own, and optimizes a function early, on what its first calls showed: a review's later work then
 * throws the code away and compiles it again. On a 4 MB spec that compiling took about as much CPU time as the review
 * itself (0.5 s of Stripe's 1.5 s on Node 20), and on a machine of 2 cores it competes with the review and its garbage
 * collector. Without inlining (and on Node 20, with functions optimized only once they have run about three times as
 * long), the review's own thread runs as fast as before and the process takes 12–40% less CPU time.
 *
 * The language server has the same settings: an edit runs code that opening the files did not (what the last
 * analysis read is taken again), and by default the first edits paid for recompiling it. On an app of 2,000 NestJS
 * routes (Node 20, in the process, interleaved runs) opening answered in about 340 ms instead of 440 and the first ten
 * edits in 16–19 ms (median) instead of 23–24; edits after sixty earlier ones took 12–13 ms against 11.
 *
 * A short run's young generation too: by default V8 grows it to 16 MB a semi-space as objects survive, and most of
 * what a review makes survives (parses, models, ASTs), so every growth is fresh memory touched for the first time and
 * copied through before it is promoted anyway. Kept at its first size (`--semi-space-growth-factor=1`, which V8 reads
 * as it runs, unlike the sizes), a cold review on Node 20 took 5–8% less wall time on NestJS and Express apps and on
 * the GitHub and Stripe specs, and about the same on Cloudflare's (interleaved runs); on Node 22 and 24, 1–3% less on
 * the NestJS app, within the noise, so it is not set there. Not for the language server: what an edit makes dies
 * young, and with the young generation kept small edits after sixty earlier ones took 14.6 ms against 12.2.
 *
 * On Node 22 (V8 12), a short run also waits for a function's 10,000th call, rather than its 3,000th, before TurboFan
 * optimizes it: Maglev's code serves meanwhile, and a review spends less of its time compiling code it then leaves.
 * Cloudflare's cold review took 7% less wall time (interleaved runs: best 520–531 ms against 558–584, checks 255–261
 * ms against 286–296); 20,000 calls did no better. On Node 24 (V8 13) it made no difference, so it is not set there.
 */

/** The compiler's flags by V8 major: they differ between V8 versions, and an unknown one is reported on stderr. */
const COMPILER_FLAGS: Record<string, readonly string[]> = {
  // Node 20
  11: ['--no-turbo-inlining', '--interrupt-budget=200000'],
  // Node 22 and 24: Maglev, V8's middle tier, optimizes warm functions first; TurboFan optimizing later took more of
  // the review's own time than it saved
  12: ['--no-turbo-inlining'],
  13: ['--no-turbo-inlining'],
};

/** The flags of a short run besides the compiler's, by V8 major: its young generation, and when TurboFan steps in. */
const SHORT_RUN_FLAGS: Record<string, readonly string[]> = {
  11: ['--semi-space-growth-factor=1'],
  12: ['--invocation-count-for-turbofan=10000'],
};

const majorOf = (version: string) => version.split('.')[0];

/** The flags for a run of a second or two (a review) on V8 `version` (`process.versions.v8`); none for a V8 they were not measured on. */
export function shortRunFlags(version: string): readonly string[] {
  const major = majorOf(version);
  return [...(COMPILER_FLAGS[major] ?? []), ...(SHORT_RUN_FLAGS[major] ?? [])];
}

/** The flags for the language server on V8 `version`; none for a V8 they were not measured on. */
export function serverFlags(version: string): readonly string[] {
  return COMPILER_FLAGS[majorOf(version)] ?? [];
}
