/**
 * Value flow inside handlers: for every route whose handler the route table found, the data accesses it makes, what
 * reaches its response and its logs, and the models of its records (`handler.ts` evaluates, `data-access.ts` reads
 * database calls, `schemas.ts` reads record models). The facts are plain data on the route (`route.flow`); the
 * accessors below are what other parts read.
 */
import type { Framework, Route } from '../model';
import type { Module, ModuleGraph } from '../modules';
import type { FunctionNode, Resolver } from '../resolve';
import { HandlerAnalysis } from './handler';
import type { HandlerFlow, Origin, ReturnedShape } from './model';
import { readModels, type ModelRegistry } from './schemas';

export type { DataAccess, Filter, HandlerFlow, ModelField, ObjectSlot, Origin, RecordModel, RequestPart, ReturnedShape, SinkFact } from './model';

/** Where schema.prisma files usually are, relative to an app's folder. */
export const PRISMA_SCHEMA_PATHS = ['prisma/schema.prisma', 'schema.prisma'];

/** A global `ValidationPipe({ whitelist: true })` (or forbidNonWhitelisted) strips unknown body keys for every route. */
const WHITELIST = /ValidationPipe\(\s*\{[^}]*\b(?:whitelist|forbidNonWhitelisted)\s*:\s*true/;

export class FlowAnalysis {
  private readonly models: ModelRegistry;
  private readonly whitelisted: boolean;

  constructor(private readonly resolver: Resolver, graph: ModuleGraph, prismaSchemas: ReadonlyMap<string, string>) {
    this.models = readModels(graph, prismaSchemas);
    this.whitelisted = [...graph.modules.values()].some((m) => m.source.text.includes('ValidationPipe') && WHITELIST.test(m.source.text));
  }

  /** The facts of one handler; never throws (a failure leaves the route without facts). */
  handler(fn: FunctionNode, module: Module, framework: Framework): HandlerFlow | undefined {
    try {
      return new HandlerAnalysis(this.resolver, this.models, framework, this.whitelisted).run(fn, module);
    } catch {
      return undefined;
    }
  }
}

/** The flow facts of a route, when its handler could be read. */
export function routeFlow(route: Route): HandlerFlow | undefined {
  return route.flow;
}

/**
 * The shape a route returns: each value written to its response, with the records in it, whole or narrowed, and the
 * fields they carry (a whole record carries its model's fields but those never read or serialized).
 */
export function returnedShape(route: Route): ReturnedShape[] {
  const flow = route.flow;
  if (!flow) return [];
  return flow.sinks.filter((s) => s.kind === 'response').map((sink) => ({
    at: sink.at, label: sink.label,
    records: sink.origins.filter((o): o is Extract<Origin, { kind: 'record' }> => o.kind === 'record').map((o) => {
      const model = flow.models[o.access];
      const access = flow.accesses[o.access];
      const whole = !o.fields && !access.projection?.keep;
      const visible = (model?.fields ?? []).filter((f) => !f.hidden && !access.projection?.drop?.includes(f.name)).map((f) => f.name);
      return { ...(model ? { model: model.name } : access.model ? { model: access.model } : {}), whole, fields: o.fields ?? access.projection?.keep ?? visible };
    }),
  }));
}

