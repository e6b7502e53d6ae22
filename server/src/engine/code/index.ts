/**
 * Route facts from code: every route of an Express, Koa, Hono, Fastify, NestJS or Next.js app, its full path, and
 * the chain in effect.
 *
 * How the parts fit: `modules.ts` reads the files through the reader and parses each once (`ts.createSourceFile`,
 * never a Program or the type checker), with imports, exports and calls; `resolve.ts` answers what an expression is
 * bound to across files; `classify.ts` says what a middleware does (auth, rate-limit, other, unknown) and why;
 * `routing.ts` holds the framework-neutral model (routers, their ordered `use`/route/mount entries, routers passed
 * into functions) and builds each route's chain from the apps down; `templates.ts` turns paths into OpenAPI
 * templates and matches middleware paths. Each file in `frameworks/` teaches one framework: how its apps and routers
 * are created, what their methods return, and what a registration means; frameworks whose routes are not calls
 * (NestJS decorators, Next.js files) read them in `collect`. A new framework adds one file there and one entry in
 * `EXTRACTORS`. The analysis never throws: broken input becomes a problem.
 */
import type { Derivations } from '../frontend';
import type { CancellationSignal, FileReader, Problem } from '../types';
import { Classifier } from './classify';
import { express } from './frameworks/express';
import { fastify } from './frameworks/fastify';
import { hono } from './frameworks/hono';
import { koa } from './frameworks/koa';
import { nestjs } from './frameworks/nestjs';
import { next } from './frameworks/next';
import type { Route, RouteOptions } from './model';
import { DEFAULT_MAX_CODE_FILE_SIZE, loadModules } from './modules';
import { Resolver } from './resolve';
import { Routing, type FrameworkExtractor } from './routing';
import { FlowAnalysis, PRISMA_SCHEMA_PATHS } from './flow';
import type { HandlerFlow } from './flow/model';

export type { ChainLink, Framework, Handler, ImportNeed, LinkKind, LinkScope, Location, Reuse, Route, RouteOptions } from './model';
export { DEFAULT_MAX_CODE_FILE_SIZE } from './modules';

export const EXTRACTORS: readonly FrameworkExtractor[] = [express, koa, hono, fastify, nestjs, next];

export interface RouteRequest {
  /** Absolute project root, with '/'. */
  root: string;
  /** Absolute paths of the entry files: routes are read from these and every project file they import. */
  files: readonly string[];
  reader: FileReader;
  options?: RouteOptions;
  cancel?: CancellationSignal;
  /** Parses kept between analyses: a file whose text is unchanged is not parsed again. */
  cache?: Derivations;
}

export interface RouteAnalysis {
  /** Sorted by file, then position. */
  routes: Route[];
  problems: Problem[];
  /** Every file read, relative to the root. */
  inputs: string[];
}

export async function analyzeRoutes(request: RouteRequest): Promise<RouteAnalysis> {
  try {
    const options = request.options ?? {};
    const graph = await loadModules({ root: request.root, files: request.files, reader: request.reader, maxFileSize: options.maxFileSize, cancel: request.cancel, cache: request.cache });
    const problems = [...graph.problems];
    const report = (problem: Problem) => { problems.push(problem); };
    const resolver = new Resolver(graph);
    const routing = new Routing(resolver, new Classifier(resolver, options, report), EXTRACTORS, report);
    if (request.cancel?.cancelled) return { routes: [], problems, inputs: graph.inputs };
    routing.collect(graph, request.cancel);
    if (request.cancel?.cancelled) return { routes: [], problems, inputs: graph.inputs };
    const built = routing.routes().sort(compareRoutes);
    const prismaSchemas = await readPrismaSchemas(request, graph.inputs);
    const flows = new FlowAnalysis(resolver, graph, prismaSchemas, routing.reach!);
    const flowOf = new Map<Route, HandlerFlow>();
    for (const [route, code] of routing.handlerCodes) {
      if (request.cancel?.cancelled) return { routes: [], problems, inputs: graph.inputs };
      const flow = flows.handler(code.fn, code.module, route.framework);
      if (flow) flowOf.set(route, flow);
    }
    const routes = built.map((route) => routing.withFlow(route, flowOf.get(route)));
    routing.keepRoutes();
    graph.inputs.push(...prismaSchemas.keys());
    return { routes, problems, inputs: graph.inputs };
  } catch (error) {
    const message = String((error as Error)?.message ?? error).split('\n')[0];
    return { routes: [], problems: [{ file: '', severity: 'error', code: 'code-analysis-failed', message: `Route analysis failed: ${message}` }], inputs: [] };
  }
}

/**
 * The `schema.prisma` files of the project: at the usual places below the root and below each folder of an entry
 * file up to the root (an app's `prisma/` folder), by path relative to the root.
 */
const MAX_SCHEMA_FOLDERS = 200;

async function readPrismaSchemas(request: RouteRequest, inputs: readonly string[]): Promise<Map<string, string>> {
  const root = request.root.replace(/\/+$/, '');
  const folders = new Set<string>(['']);
  for (const file of inputs) {
    // the folders above the file, deepest first, up to one already known: the folders above that one are known too
    for (let end = file.lastIndexOf('/'); end > 0; end = file.lastIndexOf('/', end - 1)) {
      const folder = file.slice(0, end);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  const schemas = new Map<string, string>();
  // the folders nearest the root first (a schema sits at an app's top), each depth in the order met
  const depths = new Map([...folders].map((folder) => [folder, folder.split('/').length]));
  for (const folder of [...folders].sort((a, b) => depths.get(a)! - depths.get(b)!).slice(0, MAX_SCHEMA_FOLDERS)) {
    for (const name of PRISMA_SCHEMA_PATHS) {
      const rel = folder ? `${folder}/${name}` : name;
      try {
        const text = await request.reader.read(`${root}/${rel}`, { maxBytes: request.options?.maxFileSize ?? DEFAULT_MAX_CODE_FILE_SIZE });
        if (typeof text === 'string') schemas.set(rel, text);
      } catch {
        // an unreadable schema leaves the models to the code
      }
    }
  }
  return schemas;
}

function compareRoutes(a: Route, b: Route): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1
    : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.method < b.method ? -1 : a.method > b.method ? 1 : 0);
}
