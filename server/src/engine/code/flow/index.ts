/**
 * Value flow inside handlers: for every route whose handler the route table found, the data accesses it makes, what
 * reaches its response and its logs, and the models of its records (`handler.ts` evaluates, `data-access.ts` reads
 * database calls, `schemas.ts` reads record models). The facts are plain data on the route (`route.flow`), read
 * through `facts.ts`, which is free of TypeScript (the checks and the correlator use it without loading the compiler).
 */
import type { Framework } from '../model';
import type { Module, ModuleGraph } from '../modules';
import type { FunctionNode, Resolver } from '../resolve';
import { HandlerAnalysis } from './handler';
import type { HandlerFlow } from './model';
import { readModels, type ModelRegistry } from './schemas';


/** Where schema.prisma files usually are, relative to an app's folder. */
export const PRISMA_SCHEMA_PATHS = ['prisma/schema.prisma', 'schema.prisma'];

/** A global `ValidationPipe({ whitelist: true })` (or forbidNonWhitelisted) strips unknown body keys for every route. */
const WHITELIST = /ValidationPipe\(\s*\{[^}]*\b(?:whitelist|forbidNonWhitelisted)\s*:\s*true/;

export class FlowAnalysis {
  private readonly models: ModelRegistry;
  private readonly whitelisted: boolean;
  private readonly read = new Map<FunctionNode, HandlerFlow | undefined>();

  constructor(private readonly resolver: Resolver, graph: ModuleGraph, prismaSchemas: ReadonlyMap<string, string>) {
    this.models = readModels(graph, prismaSchemas);
    this.whitelisted = [...graph.modules.values()].some((m) => m.source.text.includes('ValidationPipe') && WHITELIST.test(m.source.text));
  }

  /**
   * The facts of one handler, read once however many routes it serves (a router mounted in several places); never
   * throws (a failure leaves the route without facts).
   */
  handler(fn: FunctionNode, module: Module, framework: Framework): HandlerFlow | undefined {
    if (this.read.has(fn)) return this.read.get(fn);
    let flow: HandlerFlow | undefined;
    try {
      flow = new HandlerAnalysis(this.resolver, this.models, framework, this.whitelisted).run(fn, module);
    } catch {
      flow = undefined;
    }
    this.read.set(fn, flow);
    return flow;
  }
}
