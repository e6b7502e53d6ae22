/**
 * Value flow inside handlers: for every route whose handler the route table found, the data accesses it makes, what
 * reaches its response and its logs, and the models of its records (`handler.ts` evaluates, `data-access.ts` reads
 * database calls, `schemas.ts` reads record models). The facts are plain data on the route (`route.flow`), read
 * through `facts.ts`, which is free of TypeScript (the checks and the correlator use it without loading the compiler).
 */
import type ts from 'typescript';
import type { Framework } from '../model';
import type { Module, ModuleGraph } from '../modules';
import { sameReach, type ImportReach, type Reach } from '../reach';
import type { FunctionNode, Resolver } from '../resolve';
import { HandlerAnalysis } from './handler';
import type { HandlerFlow, RecordModel } from './model';
import { readModels, type ModelLookup, type ModelRegistry } from './schemas';

/** Where schema.prisma files usually are, relative to an app's folder. */
export const PRISMA_SCHEMA_PATHS = ['prisma/schema.prisma', 'schema.prisma'];

/** A global `ValidationPipe({ whitelist: true })` (or forbidNonWhitelisted) strips unknown body keys for every route. */
const WHITELIST = /ValidationPipe\(\s*\{[^}]*\b(?:whitelist|forbidNonWhitelisted)\s*:\s*true/;

/** Whether a file sets a whitelisting `ValidationPipe`, by parse: parses of unchanged files are kept, and their texts not scanned again. */
const WHITELISTS = new WeakMap<ts.SourceFile, boolean>();

function whitelists(source: ts.SourceFile): boolean {
  let found = WHITELISTS.get(source);
  if (found === undefined) WHITELISTS.set(source, (found = source.text.includes('ValidationPipe') && WHITELIST.test(source.text)));
  return found;
}

/** The facts of a handler with what they were read from: they hold while all of it reads the same. */
interface KeptFlow {
  flow: HandlerFlow | undefined;
  framework: Framework;
  whitelisted: boolean;
  /** Its module's import closure: the files a handler's analysis may reach. */
  reachable: Reach;
  /** The record models the analysis looked up, by name, as JSON. */
  models: ReadonlyMap<string, string | undefined>;
  /** The latest registry these lookups are known to read the same in: while registries read alike, none is looked up again. */
  registry: ModelRegistry;
}

/**
 * Facts kept by handler function node: parses are kept between analyses, so a handler whose file, import closure and
 * models read as before (an edit elsewhere in the app) is not analysed again.
 */
const KEPT = new WeakMap<FunctionNode, KeptFlow>();

export class FlowAnalysis {
  private readonly models: ModelRegistry;
  private readonly whitelisted: boolean;
  private readonly read = new Map<FunctionNode, HandlerFlow | undefined>();
  /** Whether an earlier analysis's registry reads as this one's, by registry: most handlers were kept with the last one. */
  private readonly alike = new Map<ModelRegistry, boolean>();

  /** `reach`: the import closures of the graph's modules (the routing's, which has those of the route modules). */
  constructor(private readonly resolver: Resolver, graph: ModuleGraph, prismaSchemas: ReadonlyMap<string, string>, private readonly reach: ImportReach) {
    this.models = readModels(graph, prismaSchemas);
    this.whitelisted = [...graph.modules.values()].some((m) => whitelists(m.source));
  }

  /**
   * The facts of one handler, read once however many routes it serves (a router mounted in several places), and
   * kept across analyses while what they were read from is unchanged; never throws (a failure leaves the route
   * without facts).
   */
  handler(fn: FunctionNode, module: Module, framework: Framework): HandlerFlow | undefined {
    if (this.read.has(fn)) return this.read.get(fn);
    const reachable = this.reach.of(module);
    const kept = KEPT.get(fn);
    if (kept && kept.framework === framework && kept.whitelisted === this.whitelisted && sameReach(kept.reachable, reachable) && this.sameModels(kept)) {
      this.read.set(fn, kept.flow);
      return kept.flow;
    }
    const models = new Map<string, string | undefined>();
    const recording: ModelLookup = {
      find: (name) => {
        const model = this.models.find(name);
        if (name !== undefined) models.set(name, modelJson(model));
        return model;
      },
    };
    let flow: HandlerFlow | undefined;
    try {
      flow = new HandlerAnalysis(this.resolver, recording, framework, this.whitelisted).run(fn, module);
    } catch {
      flow = undefined;
    }
    this.read.set(fn, flow);
    KEPT.set(fn, { flow, framework, whitelisted: this.whitelisted, reachable, models, registry: this.models });
    return flow;
  }

  /** Whether the models a handler's analysis looked up read as they did; if so, they are known to read so in this registry. */
  private sameModels(kept: KeptFlow): boolean {
    if (kept.registry === this.models) return true;
    let alike = this.alike.get(kept.registry);
    if (alike === undefined) this.alike.set(kept.registry, (alike = this.models.readsAs(kept.registry, modelJson)));
    if (!alike) for (const [name, model] of kept.models) if (modelJson(this.models.find(name)) !== model) return false;
    kept.registry = this.models;
    return true;
  }
}

/** Models as JSON, written once per model object (the models of unchanged files are the same objects). */
const MODEL_JSON = new WeakMap<RecordModel, string>();

function modelJson(model: RecordModel | undefined): string | undefined {
  if (!model) return undefined;
  let json = MODEL_JSON.get(model);
  if (json === undefined) MODEL_JSON.set(model, (json = JSON.stringify(model)));
  return json;
}
