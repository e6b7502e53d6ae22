/**
 * V8's optimizing compiler as a review of a second or two wants it. By default it inlines hard into every function
 * that gets warm, on threads of its own: on a 4 MB spec that compiling took about as much CPU time as the review
 * itself (0.5 s of Stripe's 1.5 s on Node 20), and on a machine of 2 cores it competes with the review and its garbage
 * collector. Without inlining (and on Node 20, with functions optimized only once they have run about three times as
 * long), the review's own thread runs as fast as before and the process takes 12–40% less CPU time.
 *
 * And its young generation: by default V8 grows it to 16 MB a semi-space as objects survive, and most of what a review
 * makes survives (parses, models, ASTs), so every growth is fresh memory touched for the first time and copied through
 * before it is promoted anyway. Kept at its first size (`--semi-space-growth-factor=1`, which V8 reads as it runs,
 * unlike the sizes), a cold review on Node 20 took 5–8% less wall time on NestJS and Express apps and on the GitHub
 * and Stripe specs, and about the same on Cloudflare's (interleaved runs); on Node 22 and 24, 1–3% less on the NestJS
 * app, within the noise, so it is not set there.
 */

/** The flags by V8 major: they differ between V8 versions, and an unknown one is reported on stderr. */
const SHORT_RUN_FLAGS: Record<string, readonly string[]> = {
  // Node 20
  11: ['--no-turbo-inlining', '--interrupt-budget=200000', '--semi-space-growth-factor=1'],
  // Node 22 and 24: Maglev, V8's middle tier, optimizes warm functions first; TurboFan optimizing later took more of
  // the review's own time than it saved
  12: ['--no-turbo-inlining'],
  13: ['--no-turbo-inlining'],
};

/** The flags for a short run on V8 `version` (`process.versions.v8`); none for a V8 they were not measured on. */
export function shortRunFlags(version: string): readonly string[] {
  return SHORT_RUN_FLAGS[version.split('.')[0]] ?? [];
}
