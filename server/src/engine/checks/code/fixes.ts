/**
 * The route checks' suggestions: apply the app's own auth middleware or rate limiter to a route that lacks it (as a
 * route argument in Express, Koa and Hono; as `@UseGuards(...)` in NestJS), importing it where the route is written;
 * in a NestJS app without a limiter, the throttler's guard and `@Throttle(...)`. They change what the app does at
 * runtime: suggestions only, never preferred. Fastify and Next.js routes get none (their hooks and middleware are
 * set up elsewhere than the route).
 */
import type { Fix, TextEdit } from '../../types';
import type { ImportNeed, Route } from '../../code/model';
import type { Mechanism } from '../../code/part';
import { decoratorEdit, importEdit, routeArgumentEdit } from '../../edit/code';
import { fixes } from '../../edit/fixes';

const NEST_COMMON = (name: string): ImportNeed => ({ from: '@nestjs/common', package: true, name, local: name });
const NEST_THROTTLER = (name: string): ImportNeed => ({ from: '@nestjs/throttler', package: true, name, local: name });
/** What `@Throttle()` allows when the suggestion writes it: five requests a minute, a login form's pace. */
const THROTTLE = '@Throttle({ default: { limit: 5, ttl: 60_000 } })';

/** The suggestion applying `mechanism` (the app's own, applied to other routes) to `route` (in a file of `text`), when it can be written there. */
export function applyMechanismFixes(route: Route, mechanism: Mechanism | undefined, text: string | undefined, what: string): Fix[] {
  const reuse = mechanism?.reuse;
  if (text === undefined || !mechanism || !reuse || (!reuse.import && reuse.writtenIn !== route.file)) return [];
  const needs = reuse.import ? [reuse.import] : [];
  return fixes(() => {
    let edit: TextEdit | undefined;
    if (route.framework === 'nestjs') {
      edit = decoratorEdit(route.file, text, route.range.start.line, [`@UseGuards(${reuse.text})`]);
      needs.push(NEST_COMMON('UseGuards'));
    } else if (route.framework === 'express' || route.framework === 'koa' || route.framework === 'hono') {
      edit = routeArgumentEdit(route.file, text, route.range, reuse.text);
    }
    if (!edit) return undefined;
    return { title: `Apply ${reuse.text} to ${route.key} (${what}, as the app does elsewhere)`, kind: 'suggestion', edits: [edit, ...importEdits(route.file, text, needs)] };
  });
}

/** In a NestJS app with no limiter: the throttler's guard on the route, with `@Throttle(...)` saying its limit. */
export function nestThrottleFixes(route: Route, text: string | undefined): Fix[] {
  if (text === undefined || route.framework !== 'nestjs') return [];
  return fixes(() => ({
    title: `Throttle ${route.key}: @UseGuards(ThrottlerGuard) and ${THROTTLE} (ThrottlerModule must be imported in the app's module)`,
    kind: 'suggestion',
    edits: [
      decoratorEdit(route.file, text, route.range.start.line, ['@UseGuards(ThrottlerGuard)', THROTTLE]),
      ...importEdits(route.file, text, [NEST_COMMON('UseGuards'), NEST_THROTTLER('ThrottlerGuard'), NEST_THROTTLER('Throttle')]),
    ],
  }));
}

/** The imports `needs` asks for in one file, each edit made against the original text (inserts at one place stay valid in any order). */
function importEdits(file: string, text: string, needs: readonly ImportNeed[]): TextEdit[] {
  return needs.flatMap((need) => importEdit(file, text, need));
}
