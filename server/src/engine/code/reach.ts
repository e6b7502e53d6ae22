/**
 * What a module's facts may depend on: the files its import closure reaches. Bindings are followed through imports
 * only, so what is read about a module's code (a handler's value flow, whether a call registers anything) holds
 * while every file of its closure reads as before: the same parse (parses of unchanged texts are kept between
 * analyses), the same resolved imports, or the same reason for not being analysed. The other way round, the modules
 * whose imports reach a framework's package are the only ones that can make a router.
 */
import type ts from 'typescript';
import type { Module, ModuleGraph } from './modules';

/** One file of a closure: its parse and where its imports lead, or why it was not analysed. */
interface Reached { source?: ts.SourceFile; refs: string; skipped?: string }

/** A module's import closure, itself included, by path. */
export type Reach = ReadonlyMap<string, Reached>;

/** Where each module's imports lead, as compared (a module is taken again by the next analysis only while they lead there). */
const REFS = new WeakMap<Module, string>();

/**
 * The closure of each module when an analysis last asked, by module (a module of an unchanged file whose imports lead
 * where they led is the very object of the analysis before): taken again while every file of it reads the same.
 */
const LAST_CLOSURE = new WeakMap<Module, Reach>();

/** The import closures of one analysis's modules, each computed once. */
export class ImportReach {
  private readonly closures = new Map<Module, Reach>();

  constructor(private readonly graph: ModuleGraph) {}

  /** The files `module` may reach through its imports, itself included. */
  of(module: Module): Reach {
    let reach = this.closures.get(module);
    if (reach) return reach;
    const last = LAST_CLOSURE.get(module);
    // the very closure, when it holds: what was kept with it compares at a glance
    reach = last && this.readsAsThen(last) ? last : this.closure(module);
    LAST_CLOSURE.set(module, reach);
    this.closures.set(module, reach);
    return reach;
  }

  /**
   * Whether every file of a closure reads in this analysis as it did then: the same parse and imports, or the same
   * reason it was not analysed. Then the walk from its module meets the same files: it is this analysis's closure too.
   */
  private readsAsThen(reach: Reach): boolean {
    for (const [path, was] of reach) {
      const now = this.graph.modules.get(path);
      if (now ? now.source !== was.source || refsOf(now) !== was.refs : was.source !== undefined || (this.graph.skipped.get(path) ?? '') !== was.skipped) return false;
    }
    return true;
  }

  private closure(module: Module): Reach {
    const found = new Map<string, Reached>();
    const visit = (path: string): void => {
      if (found.has(path)) return;
      const reached = this.graph.modules.get(path);
      if (!reached) {
        found.set(path, { refs: '', skipped: this.graph.skipped.get(path) ?? '' });
        return;
      }
      found.set(path, { source: reached.source, refs: refsOf(reached) });
      for (const ref of reached.refs.values()) if (ref.kind === 'file') visit(ref.path);
    };
    visit(module.path);
    return found;
  }
}

function refsOf(module: Module): string {
  let refs = REFS.get(module);
  if (refs === undefined) REFS.set(module, (refs = JSON.stringify([...module.refs])));
  return refs;
}

/**
 * Closures found to read as an earlier one, by the later one: the routes and handlers of one file compare the same
 * two closures, thousands of times per analysis.
 */
const SAME_AS = new WeakMap<Reach, Reach>();

/** Whether two closures read the same. */
export function sameReach(a: Reach, b: Reach): boolean {
  if (a === b || SAME_AS.get(b) === a) return true;
  if (a.size !== b.size) return false;
  for (const [path, was] of a) {
    const now = b.get(path);
    if (!now || now.source !== was.source || now.refs !== was.refs || now.skipped !== was.skipped) return false;
  }
  SAME_AS.set(b, a);
  return true;
}

/** The files whose entries two closures of one module differ in (present in one only, or read differently). */
export function changedFiles(before: Reach, now: Reach): Set<string> {
  const changed = new Set<string>();
  for (const [path, was] of before) {
    const is = now.get(path);
    if (!is || is.source !== was.source || is.refs !== was.refs || is.skipped !== was.skipped) changed.add(path);
  }
  for (const path of now.keys()) if (!before.has(path)) changed.add(path);
  return changed;
}

/** The modules that import one of `packages`, or import (through project files, cycles included) one that does. */
export function modulesReaching(graph: ModuleGraph, packages: ReadonlySet<string>): Set<Module> {
  const importers = new Map<string, Module[]>();
  const reaching = new Set<Module>();
  for (const module of graph.modules.values()) {
    for (const ref of module.refs.values()) {
      if (ref.kind === 'package' && packages.has(ref.specifier)) reaching.add(module);
      else if (ref.kind === 'file') {
        const list = importers.get(ref.path);
        if (list) list.push(module);
        else importers.set(ref.path, [module]);
      }
    }
  }
  const queue = [...reaching];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.pop()!.path) ?? []) {
      if (!reaching.has(importer)) {
        reaching.add(importer);
        queue.push(importer);
      }
    }
  }
  return reaching;
}
