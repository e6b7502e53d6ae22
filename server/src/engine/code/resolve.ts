/**
 * A small symbol resolver over the module graph, without the type checker: what an expression at a call site is
 * bound to. It follows local bindings, imports across files and re-exports, members of namespaces and object
 * literals, CommonJS `require`/`module.exports`, and calls (an external function's result stays external; a project
 * function's result is what it returns). Every walk is bounded, so cycles end.
 */
import ts = require('typescript');
import type { Location } from './model';
import { locate, type Module, type ModuleGraph, type ModuleRef } from './modules';

export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

export type Value =
  /** Project code that is not a reference: a function, class, literal, object, or a call of something unseen. */
  | { kind: 'node'; module: Module; node: ts.Node }
  /**
   * Something from a package: `path` is the export then members and calls (`()`), e.g. `jsonwebtoken` `verify`,
   * `express` `default () get`. `site` is the call or `new` that produced it, in project code.
   */
  | { kind: 'external'; specifier: string; path: string[]; site?: { module: Module; node: ts.CallExpression | ts.NewExpression } }
  /** A project module's exports (`import * as ns`, `require('./x')` of an ES module). */
  | { kind: 'namespace'; module: Module }
  /** A function parameter: its value depends on the caller. */
  | { kind: 'param'; module: Module; param: ts.ParameterDeclaration }
  /** An import that cannot be followed: a missing or skipped file, or `require` of a computed path (`reason` says which). */
  | { kind: 'unresolved'; module: Module; site: ts.Node; reason: string }
  /** A global, a computed member, or a chain too long to follow. */
  | { kind: 'unknown'; reason: string };

/** Steps one query may take: enough for real re-export chains, and the end of any cycle. */
const MAX_STEPS = 48;

const GLOBAL: Value = { kind: 'unknown', reason: 'not defined in the project' };
const TOO_DEEP: Value = { kind: 'unknown', reason: 'its definition could not be followed (a cycle or a very long chain)' };

/** Wrappers that leave their expression's value as it is: `(x)`, `x as T`, `x satisfies T`, `x!`, `<T>x`. */
const WRAPPER_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.AsExpression, ts.SyntaxKind.SatisfiesExpression,
  ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.TypeAssertionExpression,
]);

/** The expression inside any wrappers. (These tests run for nearly every node read: one lookup of the kind each.) */
export function unwrap(node: ts.Expression): ts.Expression {
  let e = node;
  while (WRAPPER_KINDS.has(e.kind)) e = (e as ts.ParenthesizedExpression | ts.AsExpression | ts.SatisfiesExpression | ts.NonNullExpression | ts.TypeAssertion).expression;
  return e;
}

const FUNCTION_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration,
]);

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return FUNCTION_KINDS.has(node.kind);
}

/** The name of a property as written, when it is constant. */
export function propertyName(name: ts.PropertyName | ts.MemberName | ts.BindingName): string | undefined {
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

/** The external path without call markers and without a leading `default` before a member. */
export function exportNames(path: readonly string[]): string[] {
  const names = path.filter((p) => p !== '()');
  return names.length > 1 && names[0] === 'default' ? names.slice(1) : names;
}

/**
 * Where the code at `found` is declared: its own name, its variable's or property's, or for a function a factory
 * returns, the factory's. Undefined when the code is written inside `applied` (inline at the call site).
 */
export function declarationSite(found: { module: Module; node: ts.Node }, applied: ts.Node): Location | undefined {
  const { node } = found;
  if (node.getSourceFile() === applied.getSourceFile() && node.pos >= applied.pos && node.end <= applied.end) return undefined;
  for (let n: ts.Node = node; !ts.isSourceFile(n); n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n) || ts.isMethodDeclaration(n) || ts.isVariableDeclaration(n)
      || ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n)) && n.name) {
      return locate(found.module, n.name);
    }
    if (ts.isExportAssignment(n) || ts.isSourceFile(n.parent)) break;
  }
  return locate(found.module, node);
}

/**
 * The names each scope declares, by scope node: syntax alone decides them, so they are kept as long as the parsed file
 * is (parses are kept between analyses: an edit costs the scopes of the edited file only).
 */
const SCOPES = new WeakMap<ts.Node, ReadonlyMap<string, ts.Node>>();
/** The declaration each identifier refers to in its file (null: none, a global), kept like the scopes. */
const DECLARATIONS = new WeakMap<ts.Identifier, ts.Node | null>();

/** Nodes that open a scope: files, blocks, functions, constructors, accessors, loops and catch clauses. */
const SCOPE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.SourceFile, ts.SyntaxKind.Block, ts.SyntaxKind.ModuleBlock, ts.SyntaxKind.CaseBlock, ...FUNCTION_KINDS,
  ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.ForInStatement, ts.SyntaxKind.CatchClause,
]);

/** What most scopes declare (a block of plain statements, a function without parameters): one map for all of them. */
const NO_NAMES: ReadonlyMap<string, ts.Node> = new Map();

/** The names a scope node declares for the code inside it: the first declaration of a name wins. */
function declaredNames(node: ts.Node): ReadonlyMap<string, ts.Node> {
  let names: Map<string, ts.Node> | undefined;
  const bind = (name: ts.BindingName, declaration: ts.Node): void => {
    if (ts.isIdentifier(name)) {
      names ??= new Map();
      if (!names.has(name.text)) names.set(name.text, declaration);
    } else for (const element of name.elements) if (ts.isBindingElement(element)) bind(element.name, element);
  };
  const declareList = (list: ts.VariableDeclarationList) => { for (const d of list.declarations) bind(d.name, d); };
  const statements = ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) ? node.statements
    : ts.isCaseBlock(node) ? node.clauses.flatMap((c) => [...c.statements]) : [];
  for (const statement of statements) {
    if (ts.isVariableStatement(statement)) declareList(statement.declarationList);
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) bind(statement.name, statement);
    else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) bind(clause.name, clause);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) bind(bindings.name, bindings);
      else if (bindings) for (const element of bindings.elements) bind(element.name, element);
    } else if (ts.isImportEqualsDeclaration(statement)) bind(statement.name, statement);
  }
  if (isFunctionNode(node) || ts.isConstructorDeclaration(node) || ts.isAccessor(node)) {
    for (const parameter of node.parameters) bind(parameter.name, parameter);
    if (ts.isFunctionExpression(node) && node.name) bind(node.name, node);
  } else if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
    declareList(node.initializer);
  } else if (ts.isCatchClause(node) && node.variableDeclaration) bind(node.variableDeclaration.name, node.variableDeclaration);
  return names ?? NO_NAMES;
}

export class Resolver {
  private readonly values = new Map<ts.Node, Value>();

  constructor(readonly graph: ModuleGraph) {}

  /** What `expr` evaluates to, following bindings and calls. */
  value(expr: ts.Expression, module: Module): Value {
    const cached = this.values.get(expr);
    if (cached) return cached;
    const value = this.evaluate(expr, module, { steps: 0 });
    this.values.set(expr, value);
    return value;
  }

  /** What `expr` refers to, following bindings but not calls: the call itself is the answer for a call. */
  definition(expr: ts.Expression, module: Module): Value {
    return this.define(expr, module, { steps: 0 });
  }

  /** The value of an export of a project module. */
  exportOf(module: Module, name: string): Value {
    return this.exported(module, name, { steps: 0 }, new Set());
  }

  /** The expression a function returns (its first `return`, or an arrow's expression body). */
  returned(fn: FunctionNode): ts.Expression | undefined {
    if (!fn.body) return undefined;
    if (!ts.isBlock(fn.body)) return fn.body;
    let found: ts.Expression | undefined;
    const visit = (node: ts.Node): void => {
      if (found || isFunctionNode(node) || ts.isClassLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) found = node.expression;
      else node.forEachChild(visit);
    };
    fn.body.forEachChild(visit);
    return found;
  }

  /** The declaration an identifier is bound to in its scope: a variable, function, class, parameter or import. */
  declarationOf(identifier: ts.Identifier): ts.Node | undefined {
    let found = DECLARATIONS.get(identifier);
    if (found === undefined) {
      found = null;
      // every ancestor of every identifier looked up is tested: one lookup of the kind each
      for (let node: ts.Node | undefined = identifier.parent; node && !found; node = node.parent) {
        if (SCOPE_KINDS.has(node.kind)) found = this.scopeOf(node).get(identifier.text) ?? null;
      }
      DECLARATIONS.set(identifier, found);
    }
    return found ?? undefined;
  }

  private evaluate(expr: ts.Expression, module: Module, budget: { steps: number }): Value {
    if (++budget.steps > MAX_STEPS) return TOO_DEEP;
    const e = unwrap(expr);
    if (ts.isAwaitExpression(e)) return this.evaluate(e.expression, module, budget);
    const found = this.define(e, module, budget);
    if (found.kind !== 'node' || !(ts.isCallExpression(found.node) || ts.isNewExpression(found.node))) return found;
    const call = found.node;
    const callee = this.evaluate(call.expression, found.module, budget);
    if (callee.kind === 'external') return { kind: 'external', specifier: callee.specifier, path: [...callee.path, '()'], site: { module: found.module, node: call } };
    if (callee.kind === 'unresolved') return callee;
    if (callee.kind === 'node' && ts.isCallExpression(call) && isFunctionNode(callee.node)) {
      const result = this.returned(callee.node);
      if (result) return this.evaluate(result, callee.module, budget);
    }
    return found;
  }

  private define(expr: ts.Expression, module: Module, budget: { steps: number }): Value {
    if (++budget.steps > MAX_STEPS) return TOO_DEEP;
    const e = unwrap(expr);
    if (ts.isIdentifier(e)) {
      const declaration = this.declarationOf(e);
      if (!declaration) return e.text === 'exports' ? { kind: 'namespace', module } : GLOBAL;
      return this.declared(declaration, module, budget);
    }
    if (ts.isPropertyAccessExpression(e) || (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression))) {
      const name = ts.isPropertyAccessExpression(e) ? e.name.text : (e.argumentExpression as ts.StringLiteralLike).text;
      if (ts.isIdentifier(e.expression) && e.expression.text === 'module' && name === 'exports' && !this.declarationOf(e.expression)) {
        return { kind: 'namespace', module };
      }
      return this.member(this.evaluate(e.expression, module, budget), name, budget);
    }
    if (ts.isCallExpression(e) && module.requires.has(e)) {
      const specifier = module.requires.get(e);
      if (e.expression.kind === ts.SyntaxKind.ImportKeyword) return { kind: 'unknown', reason: 'loaded with import()' };
      if (specifier === undefined) return { kind: 'unresolved', module, site: e, reason: 'A require() of a computed path cannot be followed' };
      return this.imported(module, { specifier, name: 'module', site: e.arguments[0] }, budget);
    }
    return { kind: 'node', module, node: e };
  }

  /** The value of what a declaration binds. */
  private declared(declaration: ts.Node, module: Module, budget: { steps: number }): Value {
    const binding = module.imports.get(declaration);
    if (binding) return this.imported(module, binding, budget);
    if (ts.isVariableDeclaration(declaration)) {
      return declaration.initializer && ts.isIdentifier(declaration.name) ? this.define(declaration.initializer, module, budget)
        : { kind: 'unknown', reason: 'declared without a value' };
    }
    if (ts.isBindingElement(declaration)) return this.destructured(declaration, module, budget);
    if (ts.isParameter(declaration)) return { kind: 'param', module, param: declaration };
    return { kind: 'node', module, node: declaration };
  }

  /** `const { a: { b } } = init` binds `b` to `init.a.b`. */
  private destructured(element: ts.BindingElement, module: Module, budget: { steps: number }): Value {
    const path: string[] = [];
    let node: ts.Node = element;
    while (ts.isBindingElement(node)) {
      const pattern: ts.Node = node.parent;
      if (!ts.isObjectBindingPattern(pattern)) return { kind: 'unknown', reason: 'taken from an array' };
      const name = propertyName(node.propertyName ?? node.name);
      if (name === undefined) return { kind: 'unknown', reason: 'a computed member' };
      path.unshift(name);
      node = pattern.parent;
    }
    let value: Value;
    if (ts.isVariableDeclaration(node) && node.initializer) value = this.evaluate(node.initializer, module, budget);
    else if (ts.isParameter(node)) value = { kind: 'param', module, param: node };
    else return { kind: 'unknown', reason: 'declared without a value' };
    for (const name of path) value = this.member(value, name, budget);
    return value;
  }

  private imported(module: Module, binding: { specifier: string; name: string; site: ts.Node }, budget: { steps: number }): Value {
    const ref: ModuleRef | undefined = module.refs.get(binding.specifier);
    if (!ref || ref.kind === 'missing') return { kind: 'unresolved', module, site: binding.site, reason: `No file matches '${binding.specifier}'` };
    if (ref.kind === 'asset') return { kind: 'unknown', reason: `'${binding.specifier}' is not code` };
    if (ref.kind === 'package') {
      return { kind: 'external', specifier: ref.specifier, path: binding.name === '*' || binding.name === 'module' ? [] : [binding.name] };
    }
    const target = this.graph.modules.get(ref.path);
    if (!target) {
      const why = this.graph.skipped.get(ref.path) ?? 'it was not read';
      return { kind: 'unresolved', module, site: binding.site, reason: `'${binding.specifier}' leads to ${this.graph.relative(ref.path)}, which is not analysed (${why})` };
    }
    if (binding.name === '*') return { kind: 'namespace', module: target };
    if (binding.name === 'module') return target.exportAssignment ? this.define(target.exportAssignment, target, budget) : { kind: 'namespace', module: target };
    return this.exported(target, binding.name, budget, new Set());
  }

  private exported(module: Module, name: string, budget: { steps: number }, searched: Set<Module>): Value {
    if (++budget.steps > MAX_STEPS) return TOO_DEEP;
    const binding = module.exports.get(name);
    if (binding?.kind === 'local') {
      return ts.isExpression(binding.node) ? this.define(binding.node, module, budget) : this.declared(binding.node, module, budget);
    }
    if (binding?.kind === 'reexport') return this.imported(module, binding, budget);
    if (module.exportAssignment) {
      // CommonJS interop: the default import is `module.exports`, a named import one of its members
      if (name === 'default') return this.define(module.exportAssignment, module, budget);
      const member = this.member(this.evaluate(module.exportAssignment, module, budget), name, budget);
      if (member.kind !== 'unknown') return member;
    }
    if (name === 'default' && module.exports.size > 0 && module.starExports.length === 0) return { kind: 'namespace', module };
    searched.add(module);
    for (const star of module.starExports) {
      const ref = module.refs.get(star.specifier);
      const target = ref?.kind === 'file' ? this.graph.modules.get(ref.path) : undefined;
      if (!target || searched.has(target)) continue;
      const found = this.exported(target, name, budget, searched);
      if (found.kind !== 'unknown' || found === TOO_DEEP) return found;
    }
    return { kind: 'unknown', reason: `${module.relPath} does not export '${name}'` };
  }

  /** `base.name`. */
  private member(base: Value, name: string, budget: { steps: number }): Value {
    switch (base.kind) {
      case 'namespace': return this.exported(base.module, name, budget, new Set());
      case 'external': return { kind: 'external', specifier: base.specifier, path: [...base.path, name] };
      case 'unresolved': return base;
      case 'param': return { kind: 'unknown', reason: 'a member of a parameter' };
      case 'unknown': return base;
    }
    const { node, module } = base;
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!property.name || propertyName(property.name) !== name) continue;
        if (ts.isPropertyAssignment(property)) return this.define(property.initializer, module, budget);
        if (ts.isShorthandPropertyAssignment(property)) return this.define(property.name, module, budget);
        return { kind: 'node', module, node: property };
      }
      return { kind: 'unknown', reason: `no member '${name}'` };
    }
    let cls: ts.Node = node;
    let classModule = module;
    if (ts.isNewExpression(node)) {
      const constructed = this.evaluate(node.expression, module, budget);
      if (constructed.kind !== 'node') return { kind: 'unknown', reason: `a member of an instance` };
      cls = constructed.node;
      classModule = constructed.module;
    }
    if (ts.isClassLike(cls)) {
      for (const m of cls.members) {
        if (!m.name || propertyName(m.name) !== name) continue;
        if (ts.isPropertyDeclaration(m)) return m.initializer ? this.define(m.initializer, classModule, budget) : { kind: 'unknown', reason: 'declared without a value' };
        return { kind: 'node', module: classModule, node: m };
      }
    }
    return { kind: 'unknown', reason: `a member of ${ts.isClassLike(cls) ? 'a class' : 'a value'} the analysis does not follow` };
  }

  /** The names a scope node (of `SCOPE_KINDS`) declares for the code inside it, computed once per scope. */
  private scopeOf(node: ts.Node): ReadonlyMap<string, ts.Node> {
    let names = SCOPES.get(node);
    if (!names) SCOPES.set(node, (names = declaredNames(node)));
    return names;
  }
}
