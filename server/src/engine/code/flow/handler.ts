/**
 * Value flow inside one handler: an abstract evaluation of its code (parse trees only, no type checker) that says
 * where each value came from: the request (by part and field), a record a data access returned, or the
 * authenticated caller. It follows locals, destructuring, spreads, `await`, object and array literals, `.map`
 * callbacks, and the project's own functions and methods (NestJS services injected through constructors included)
 * up to `MAX_DEPTH` calls deep, within a step budget, so a huge or hostile handler ends early (`truncated`).
 * Data access calls become `DataAccess` facts (data-access.ts reads their arguments); values written to the
 * response or a log become sinks.
 */
import ts = require('typescript');
import type { Framework, Location } from '../model';
import { locate, type Module } from '../modules';
import { isFunctionNode, propertyName, unwrap, type FunctionNode, type Resolver } from '../resolve';
import { accessCall, chainCall, type AccessSite } from './data-access';
import type { DataAccess, HandlerFlow, Origin, RecordModel, RequestPart, SinkFact } from './model';
import { decoratorCall, type ModelLookup } from './schemas';

/** Calls followed into the project's own functions, from the handler down. */
const MAX_DEPTH = 3;
/** Expressions and statements one handler analysis visits at most. */
const MAX_STEPS = 20_000;

/** What a handler parameter or an object in the code stands for, beyond the data it carries. */
type Role = 'request' | 'response' | 'context' | 'state' | 'searchParams' | 'nextContext' | 'this';

/** An abstract value: where its data came from, what object it is, and what it is as a query or a number. */
export interface Val {
  origins: Origin[];
  role?: Role;
  /** A data access not awaited yet: chained calls (`.select()`, `.limit()`) refine it. */
  query?: number;
  /** A number written in the code, or a value clamped by `Math.min` with one. */
  bounded?: boolean;
  /** A Mongoose document built in the handler (`new User(body)`): the model it is saved to. */
  document?: string;
  /** An instance of a project class (a NestJS service, a repository wrapper): its methods can be followed. */
  instance?: { cls: ts.ClassLikeDeclaration; module: Module };
}

const EMPTY: Val = { origins: [] };

export interface Frame {
  module: Module;
  fn: FunctionNode;
  depth: number;
  /** Whether this is the handler itself: what it returns is the response (NestJS, Hono, Next.js, Fastify). */
  root: boolean;
  /** Parameters bound by the caller. */
  env: Map<ts.Node, Val>;
  /** Values of expressions and declarations already evaluated in this frame. */
  memo: Map<ts.Node, Val>;
  /** Origins added to a local after its declaration (`Object.assign(user, req.body)`, `x = ...`). */
  added: Map<ts.Node, Origin[]>;
  returns: Origin[];
  /** The class the function is a method of, for `this`. */
  cls?: { node: ts.ClassLikeDeclaration; module: Module };
}

const REQUEST_PARTS: Record<string, RequestPart> = {
  params: 'params', query: 'query', body: 'body', headers: 'headers', cookies: 'cookies', signedCookies: 'cookies',
};
/** The NestJS parameter decorators that bind a part of the request. */
const NEST_REQUEST_DECORATORS = new Map<string, RequestPart>([['Param', 'params'], ['Query', 'query'], ['Body', 'body'], ['Headers', 'headers'], ['Cookies', 'cookies']]);
/** Where the caller's id is below a handler's first parameter, when the auth before it leaves the caller there. */
const CALLER_ID_PATHS: Partial<Record<Framework, string>> = { express: 'user.id', fastify: 'user.id', koa: 'state.user.id' };
const CALLER_MEMBERS = new Set(['user', 'auth', 'currentUser', 'session', 'principal', 'account']);
const LOG_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'fatal', 'verbose', 'silly', 'http']);
const LOGGER_NAMES = /^(?:console|log|logger|_logger|pino|winston|bunyan|signale)$/i;
const RESPONSE_METHODS = new Set(['json', 'send', 'jsonp', 'end']);
const CHAINING_RESPONSE_METHODS = new Set(['status', 'code', 'set', 'header', 'type', 'cookie', 'clearCookie', 'append', 'vary', 'location', 'headers']);
const PASS_THROUGH_METHODS = new Set(['filter', 'slice', 'sort', 'reverse', 'concat', 'flat', 'find', 'at', 'toObject', 'toJSON', 'get', 'lean', 'exec', 'catch', 'finally']);
const PASS_THROUGH_FUNCTIONS = new Set(['String', 'Number', 'parseInt', 'parseFloat', 'BigInt', 'structuredClone', 'resolve', 'all', 'cloneDeep', 'clone', 'instanceToPlain', 'classToPlain', 'serialize']);
/** Functions that keep only some fields of what they are given. */
const NARROWING_FUNCTIONS = new Set(['pick', 'omit', 'plainToInstance', 'plainToClass', 'toDto', 'toResponse', 'sanitize', 'sanitizeUser', 'serializeUser', 'toPublic', 'present']);
/** Calls that decide whether the caller may act on an object. */
const AUTHORIZATION_CALL = /^(?:authori[sz]e|can|cannot|checkAccess|checkPermissions?|checkOwner(?:ship)?|assertCan|assertOwner|assertOwnership|ensureOwner(?:ship)?|ensureAccess|ensureCan|isOwner|isOwnedBy|verifyOwner(?:ship)?|enforce|permit|hasAccess|hasPermission|requireOwner(?:ship)?|canAccess|canEdit|canView|canDelete|canUpdate)$/i;
const POLICY_RECEIVER = /(?:policy|policies|ability|casl|acl|oso|cerbos|permit|authz|permissions)$/i;

/** The text of a node, shortened for messages. */
export function short(node: ts.Node, source: ts.SourceFile, max = 60): string {
  const text = node.getText(source).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The name an expression ends with: `Math` for `Math`, `logger` for `this.logger`; '' for anything else. */
export function lastName(e: ts.Expression): string {
  const x = unwrap(e);
  return ts.isIdentifier(x) ? x.text : ts.isPropertyAccessExpression(x) ? x.name.text : '';
}

export function union(...vals: Val[]): Val {
  const origins: Origin[] = [];
  for (const v of vals) for (const o of v.origins) if (!origins.includes(o)) origins.push(o);
  return { origins };
}

export class HandlerAnalysis {
  readonly accesses: DataAccess[] = [];
  readonly sinks: SinkFact[] = [];
  readsCaller = false;
  callerIdText?: string;
  bodyFields?: string[];
  bodyValidated = false;
  truncated = false;
  private defaultCallerText?: string;
  private steps = 0;
  /** Functions being evaluated: a recursive call is not followed again. */
  private readonly active = new Set<ts.Node>();
  /** Whether an authorization call or policy check guards what the handler does. */
  private authorized = false;

  constructor(
    readonly resolver: Resolver,
    readonly models: ModelLookup,
    readonly framework: Framework,
    /** Whether the project strips unknown body keys for every route (a global `ValidationPipe({ whitelist: true })`). */
    readonly whitelisted: boolean,
  ) {}

  /** Analyses the handler function and returns its facts. */
  run(fn: FunctionNode, module: Module): HandlerFlow {
    const frame = this.frame(fn, module, 0, new Map());
    this.bindHandlerParameters(frame);
    this.visitBody(frame);
    if (this.authorized) for (const access of this.accesses) access.guarded = true;
    const models = this.accesses.map((a) => this.models.find(a.model));
    this.accesses.forEach((access, i) => this.relate(access, models[i]));
    return {
      accesses: this.accesses, sinks: this.sinks, models,
      readsCaller: this.readsCaller, bodyValidated: this.bodyValidated,
      ...(this.callerIdText ?? this.defaultCallerText ? { callerIdText: this.callerIdText ?? this.defaultCallerText } : {}),
      ...(this.bodyFields ? { bodyFields: this.bodyFields } : {}),
      ...(this.truncated ? { truncated: true } : {}),
    };
  }

  /** Keeps of what a query asks to include only its model's relations, each with the related model. */
  private relate(access: DataAccess, model: RecordModel | undefined): void {
    if (!access.includes) return;
    const included = access.includes.flatMap((asked) => {
      const field = model?.fields.find((f) => (f.relation || f.ref) && f.name === asked.field);
      if (!field) return [];
      const related = this.models.find(field.ref ?? field.type?.replace(/\[\]$|\?$/g, ''));
      return [related ? { ...asked, model: related } : asked];
    });
    if (included.length > 0) access.includes = included;
    else delete access.includes;
  }

  private frame(fn: FunctionNode, module: Module, depth: number, env: Map<ts.Node, Val>): Frame {
    // every frame has the same fields, `cls` too (undefined outside a class): the evaluation reads frames all the time
    const cls = fn.parent && ts.isClassLike(fn.parent) ? { node: fn.parent, module } : undefined;
    return { module, fn, depth, root: depth === 0, env, memo: new Map(), added: new Map(), returns: [], cls };
  }

  private tick(): boolean {
    if (++this.steps > MAX_STEPS) { this.truncated = true; return false; }
    return true;
  }

  at(frame: Frame, node: ts.Node): Location { return locate(frame.module, node); }

  // ---------------------------------------------------------------------------------------------------------------
  // Handler parameters, per framework

  private bindHandlerParameters(frame: Frame): void {
    const params = frame.fn.parameters;
    const first = params[0] && ts.isIdentifier(params[0].name) ? params[0].name.text : undefined;
    // how the handler's code would name the caller's id, where the auth before it leaves the caller
    const callerPath = CALLER_ID_PATHS[this.framework];
    if (first && callerPath) this.defaultCallerText = `${first}.${callerPath}`;
    const bind = (i: number, val: Val) => { if (params[i]) frame.env.set(params[i], val); };
    switch (this.framework) {
      case 'express': case 'fastify': bind(0, { origins: [], role: 'request' }); bind(1, { origins: [], role: 'response' }); break;
      case 'koa': case 'hono': bind(0, { origins: [], role: 'context' }); break;
      case 'nextjs': {
        // pages/api handlers take (req, res); App Router handlers (request, { params })
        const second = params[1] && ts.isIdentifier(params[1].name) && /^(?:res|response)$/.test(params[1].name.text);
        bind(0, { origins: [], role: 'request' });
        bind(1, { origins: [], role: second ? 'response' : 'nextContext' });
        break;
      }
      case 'nestjs': params.forEach((p, i) => bind(i, this.nestParameter(frame, p))); break;
    }
  }

  /** A NestJS handler parameter by its decorator: `@Param('id')`, `@Body()`, `@Req()`, `@CurrentUser()`. */
  private nestParameter(frame: Frame, param: ts.ParameterDeclaration): Val {
    for (const decorator of ts.getDecorators(param) ?? []) {
      const d = decoratorCall(decorator);
      if (!d) continue;
      const key = d.args[0] && ts.isStringLiteralLike(d.args[0]) ? d.args[0].text : undefined;
      const part = NEST_REQUEST_DECORATORS.get(d.name);
      if (part) {
        if (part === 'body' && !key) this.bodyType(frame, param);
        const validated = part === 'body' && (this.whitelisted || d.args.some((a) => /whitelist\s*:\s*true/.test(a.getText(frame.module.source))));
        if (validated) this.bodyValidated = true;
        return { origins: [this.requestOrigin(frame, param.name, part, key, `@${d.name}(${key ? `'${key}'` : ''}) ${short(param.name, frame.module.source)}`)] };
      }
      if (d.name === 'Req' || d.name === 'Request') return { origins: [], role: 'request' };
      if (d.name === 'Res' || d.name === 'Response') return { origins: [], role: 'response' };
      if (/user|session|principal|account|caller|auth/i.test(d.name)) {
        this.readsCaller = true;
        return { origins: [{ kind: 'caller', at: this.at(frame, param.name), label: `@${d.name}() ${short(param.name, frame.module.source)}` }] };
      }
    }
    return EMPTY;
  }

  /** The fields the body's declared class or type lists (a NestJS DTO). */
  private bodyType(frame: Frame, param: ts.ParameterDeclaration): void {
    const type = param.type;
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return;
    const value = this.resolver.definition(type.typeName, frame.module);
    if (value.kind === 'node' && (ts.isClassLike(value.node) || ts.isInterfaceDeclaration(value.node))) {
      const members: readonly (ts.ClassElement | ts.TypeElement)[] = value.node.members;
      this.bodyFields = members.filter((m) => ts.isPropertyDeclaration(m) || ts.isPropertySignature(m))
        .map((m) => propertyName(m.name!)).filter((n): n is string => n !== undefined);
    }
  }

  requestOrigin(frame: Frame, node: ts.Node, part: RequestPart, field: string | undefined, label: string): Origin {
    return { kind: 'request', part, ...(field !== undefined ? { field } : {}), at: this.at(frame, node), label };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statements

  private visitBody(frame: Frame): void {
    const body = frame.fn.body;
    if (!body) return;
    if (!ts.isBlock(body)) {
      const val = this.evaluate(body, frame);
      this.returned(frame, body, val);
      return;
    }
    this.active.add(frame.fn);
    this.visit(body, frame);
    this.active.delete(frame.fn);
  }

  /** Visits statements in order, evaluating every expression once (one dispatch on the kind of common statements). */
  visit(node: ts.Node, frame: Frame): void {
    if (!this.tick()) return;
    switch (node.kind) {
      case ts.SyntaxKind.ReturnStatement: {
        const { expression } = node as ts.ReturnStatement;
        if (expression) this.returned(frame, expression, this.evaluate(expression, frame));
        return;
      }
      case ts.SyntaxKind.VariableDeclaration: this.declared(node as ts.VariableDeclaration, frame); return;
      case ts.SyntaxKind.ExpressionStatement: this.evaluate((node as ts.ExpressionStatement).expression, frame); return;
      case ts.SyntaxKind.ThrowStatement: return;
      case ts.SyntaxKind.IfStatement: this.ownershipCheck((node as ts.IfStatement).expression, frame); break;
      case ts.SyntaxKind.Block: case ts.SyntaxKind.VariableStatement: case ts.SyntaxKind.VariableDeclarationList: break;
      default:
        if (isFunctionNode(node) || ts.isClassLike(node)) return;
        if (ts.isExpression(node)) {
          if (ts.isConditionalExpression(node)) this.ownershipCheck(node.condition, frame);
          this.evaluate(node, frame);
          return;
        }
    }
    node.forEachChild((child) => { this.visit(child, frame); });
  }

  private returned(frame: Frame, expr: ts.Expression, val: Val): void {
    frame.returns.push(...val.origins.filter((o) => !frame.returns.includes(o)));
    const returnsResponse = this.framework === 'nestjs' || this.framework === 'hono' || this.framework === 'nextjs' || this.framework === 'fastify';
    if (frame.root && returnsResponse && !this.isResponseCall(expr)) this.sink(frame, 'response', 'return', expr, val);
  }

  /** `return res.json(x)`, `return c.json(x)`, `return NextResponse.json(x)`: the call itself is the sink. */
  private isResponseCall(expr: ts.Expression): boolean {
    const e = unwrap(expr);
    const inner = ts.isAwaitExpression(e) ? unwrap(e.expression) : e;
    return ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && (RESPONSE_METHODS.has(inner.expression.name.text) || ['text', 'body'].includes(inner.expression.name.text));
  }

  sink(frame: Frame, kind: SinkFact['kind'], label: string, expr: ts.Expression, val: Val): void {
    if (val.origins.length === 0 && kind === 'log') return;
    this.sinks.push({ kind, label, at: this.at(frame, expr), text: short(expr, frame.module.source, 200), origins: val.origins });
  }

  /** `if (order.userId !== req.user.id)`: a comparison of a record's field with the caller guards the record's access. */
  private ownershipCheck(condition: ts.Expression, frame: Frame): void {
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
        const sides = [this.evaluate(node.left, frame), this.evaluate(node.right, frame)];
        const caller = sides.some((s) => s.origins.some((o) => o.kind === 'caller'));
        if (caller) for (const side of sides) for (const o of side.origins) if (o.kind === 'record') this.accesses[o.access].guarded = true;
        return;
      }
      if (isFunctionNode(node)) return;
      node.forEachChild(visit);
    };
    visit(condition);
  }

  private declared(declaration: ts.VariableDeclaration, frame: Frame): Val {
    const known = frame.memo.get(declaration);
    if (known) return known;
    frame.memo.set(declaration, EMPTY);
    // `for (const item of list)`: each item is what the list holds
    const loop = declaration.parent.parent;
    const from = declaration.initializer ?? (ts.isForOfStatement(loop) ? loop.expression : undefined);
    const val = from ? this.evaluate(from, frame) : EMPTY;
    frame.memo.set(declaration, val);
    return val;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expressions

  evaluate(expr: ts.Expression, frame: Frame): Val {
    const known = frame.memo.get(expr);
    if (known) return known;
    if (!this.tick()) return EMPTY;
    frame.memo.set(expr, EMPTY);
    const val = this.compute(expr, frame);
    frame.memo.set(expr, val);
    return val;
  }

  /** One dispatch on the node's kind (this runs for every expression of every handler). */
  private compute(expr: ts.Expression, frame: Frame): Val {
    const e = unwrap(expr);
    if (e !== expr) return this.evaluate(e, frame);
    switch (e.kind) {
      case ts.SyntaxKind.AwaitExpression: {
        const val = this.evaluate((e as ts.AwaitExpression).expression, frame);
        return val.query !== undefined ? { origins: val.origins } : val;
      }
      case ts.SyntaxKind.Identifier: return this.identifier(e as ts.Identifier, frame);
      case ts.SyntaxKind.ThisKeyword: return { origins: [], role: 'this' };
      case ts.SyntaxKind.NumericLiteral: return { origins: [], bounded: true };
      case ts.SyntaxKind.PropertyAccessExpression: {
        const access = e as ts.PropertyAccessExpression;
        return this.member(this.evaluate(access.expression, frame), access.name.text, e, frame);
      }
      case ts.SyntaxKind.ElementAccessExpression: {
        const access = e as ts.ElementAccessExpression;
        const base = this.evaluate(access.expression, frame);
        return ts.isStringLiteralLike(access.argumentExpression) ? this.member(base, access.argumentExpression.text, e, frame) : base;
      }
      case ts.SyntaxKind.CallExpression: return this.call(e as ts.CallExpression, frame);
      case ts.SyntaxKind.NewExpression: return this.construct(e as ts.NewExpression, frame);
      case ts.SyntaxKind.ObjectLiteralExpression: {
        const parts: Val[] = [];
        for (const p of (e as ts.ObjectLiteralExpression).properties) {
          if (ts.isSpreadAssignment(p)) parts.push(this.evaluate(p.expression, frame));
          else if (ts.isPropertyAssignment(p)) parts.push(this.evaluate(p.initializer, frame));
          else if (ts.isShorthandPropertyAssignment(p)) parts.push(this.evaluate(p.name, frame));
        }
        return union(...parts);
      }
      case ts.SyntaxKind.ArrayLiteralExpression:
        return union(...(e as ts.ArrayLiteralExpression).elements.map((x) => this.evaluate(ts.isSpreadElement(x) ? x.expression : x, frame)));
      case ts.SyntaxKind.ConditionalExpression: {
        const conditional = e as ts.ConditionalExpression;
        this.ownershipCheck(conditional.condition, frame);
        return union(this.evaluate(conditional.whenTrue, frame), this.evaluate(conditional.whenFalse, frame));
      }
      case ts.SyntaxKind.BinaryExpression: return this.binary(e as ts.BinaryExpression, frame);
      case ts.SyntaxKind.TemplateExpression: return union(...(e as ts.TemplateExpression).templateSpans.map((s) => this.evaluate(s.expression, frame)));
      case ts.SyntaxKind.SpreadElement: return this.evaluate((e as ts.SpreadElement).expression, frame);
      case ts.SyntaxKind.PrefixUnaryExpression: case ts.SyntaxKind.TypeOfExpression: case ts.SyntaxKind.VoidExpression: case ts.SyntaxKind.DeleteExpression:
        e.forEachChild((c) => { if (ts.isExpression(c)) this.evaluate(c, frame); });
        return EMPTY;
      default: return EMPTY;
    }
  }

  private binary(e: ts.BinaryExpression, frame: Frame): Val {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) {
      const val = this.evaluate(e.right, frame);
      this.assigned(e.left, val, frame);
      return val;
    }
    const left = this.evaluate(e.left, frame);
    const right = this.evaluate(e.right, frame);
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
      return { ...union(left, right), ...(left.bounded || right.bounded ? { bounded: left.bounded && right.bounded } : {}) };
    }
    if (op === ts.SyntaxKind.PlusToken) return union(left, right);
    return EMPTY;
  }

  /** `ctx.body = x` answers (Koa); `x = y` adds what `y` holds to the local `x`. */
  private assigned(target: ts.Expression, val: Val, frame: Frame): void {
    const t = unwrap(target);
    if (ts.isPropertyAccessExpression(t) && t.name.text === 'body' && this.evaluate(t.expression, frame).role === 'context' && this.framework === 'koa') {
      this.sink(frame, 'response', 'ctx.body', (t.parent as ts.BinaryExpression).right, val);
      return;
    }
    if (ts.isIdentifier(t)) this.add(t, val.origins, frame);
  }

  private add(identifier: ts.Identifier, origins: Origin[], frame: Frame): void {
    const declaration = this.resolver.declarationOf(identifier);
    if (!declaration) return;
    const list = frame.added.get(declaration) ?? [];
    for (const o of origins) if (!list.includes(o)) list.push(o);
    frame.added.set(declaration, list);
  }

  private identifier(id: ts.Identifier, frame: Frame): Val {
    const declaration = this.resolver.declarationOf(id);
    if (!declaration) return EMPTY;
    const base = this.bound(declaration, frame);
    const added = frame.added.get(declaration);
    return added ? { ...base, origins: union(base, { origins: added }).origins } : base;
  }

  /** What a declaration holds in this frame: a bound parameter, a local's value, or a destructured member. */
  private bound(declaration: ts.Node, frame: Frame): Val {
    if (ts.isParameter(declaration)) return frame.env.get(declaration) ?? EMPTY;
    if (ts.isVariableDeclaration(declaration)) {
      const inFrame = declaration.pos >= frame.fn.pos && declaration.end <= frame.fn.end;
      return inFrame ? this.declared(declaration, frame) : EMPTY;
    }
    if (ts.isBindingElement(declaration)) {
      const path: string[] = [];
      let node: ts.Node = declaration;
      while (ts.isBindingElement(node)) {
        const pattern = node.parent;
        const name = ts.isObjectBindingPattern(pattern) ? propertyName(node.propertyName ?? node.name) : undefined;
        if (ts.isObjectBindingPattern(pattern) && name === undefined) return EMPTY;
        // `const { id, ...rest } = user`: the rest is what is left, narrowed
        if (node.dotDotDotToken) path.push('...');
        else if (name !== undefined) path.push(name);
        node = pattern.parent;
      }
      let val = ts.isParameter(node) ? frame.env.get(node) ?? EMPTY : ts.isVariableDeclaration(node) ? this.bound(node, frame) : EMPTY;
      for (const name of path.reverse()) val = name === '...' ? this.rest(val, declaration, frame) : this.member(val, name, declaration.name, frame);
      return val;
    }
    return EMPTY;
  }

  /** `const { passwordHash, ...safe } = user`: the rest holds the record without the fields taken out. */
  private rest(val: Val, element: ts.BindingElement, frame: Frame): Val {
    const pattern = element.parent as ts.ObjectBindingPattern;
    const taken = pattern.elements.filter((x) => x !== element).map((x) => propertyName(x.propertyName ?? x.name)).filter((n): n is string => !!n);
    return {
      origins: val.origins.map((o) => (o.kind === 'record' && !o.fields ? { ...o, fields: [`all but ${taken.join(', ')}`], label: short(element.name, frame.module.source) } : o)),
    };
  }

  /** `base.name`. */
  member(base: Val, name: string, node: ts.Node, frame: Frame): Val {
    if (!base.role && base.origins.length === 0) return EMPTY;
    // the label is written only when an origin takes it (most members are of `this` or of plain values)
    let written: string | undefined;
    const text = () => (written ??= short(node, frame.module.source));
    switch (base.role) {
      case 'request': {
        const part = REQUEST_PARTS[name];
        if (part) return { origins: [this.requestOrigin(frame, node, part, undefined, text())] };
        if (CALLER_MEMBERS.has(name)) return this.caller(frame, node, text());
        if (name === 'nextUrl') return { origins: [], role: 'request' };
        if (name === 'searchParams') return { origins: [], role: 'searchParams' };
        return EMPTY;
      }
      case 'context':
        if (name === 'request' || name === 'req') return { origins: [], role: 'request' };
        if (name === 'params' || name === 'query' || name === 'headers' || name === 'cookies') return { origins: [this.requestOrigin(frame, node, REQUEST_PARTS[name], undefined, text())] };
        if (name === 'state') return { origins: [], role: 'state' };
        if (name === 'var') return { origins: [], role: 'state' };
        return EMPTY;
      case 'response': return name === 'locals' ? { origins: [], role: 'state' } : EMPTY;
      case 'state': return CALLER_MEMBERS.has(name) || name === 'jwtPayload' ? this.caller(frame, node, text()) : EMPTY;
      case 'nextContext': return name === 'params' ? { origins: [this.requestOrigin(frame, node, 'params', undefined, text())] } : EMPTY;
      case 'this': return this.thisMember(name, frame);
    }
    // a count, not the records
    if (base.instance || name === 'length') return EMPTY;
    // `pg` answers `{ rows }`: the records themselves
    if (name === 'rows' && base.origins.some((o) => o.kind === 'record' && this.accesses[o.access].library === 'sql')) return { origins: base.origins };
    return {
      origins: base.origins.map((o): Origin => {
        if (o.kind === 'request') return o.field === undefined ? { ...o, field: name, at: this.at(frame, node), label: text() } : o;
        if (o.kind === 'record') return o.fields ? o : { ...o, fields: [name], label: text(), at: this.at(frame, node) };
        if (o.kind === 'caller') return o.field === undefined ? { ...o, field: name, label: text() } : o;
        return o;
      }),
      ...(base.query !== undefined ? { query: base.query } : {}),
    };
  }

  caller(frame: Frame, node: ts.Node, text: string): Val {
    this.readsCaller = true;
    if (frame.depth === 0 && !this.callerIdText) this.callerIdText = `${text}.id`;
    return { origins: [{ kind: 'caller', at: this.at(frame, node), label: text }] };
  }

  /** `this.name` in a class: an injected service (by its declared type) or repository; the receiver of data access. */
  private thisMember(name: string, frame: Frame): Val {
    const cls = frame.cls;
    if (!cls) return EMPTY;
    for (const member of cls.node.members) {
      const params = ts.isConstructorDeclaration(member) ? member.parameters : [];
      for (const p of params) if (ts.isIdentifier(p.name) && p.name.text === name) return this.typed(p.type, cls.module);
      if (ts.isPropertyDeclaration(member) && member.name && propertyName(member.name) === name) {
        if (member.initializer && ts.isNewExpression(member.initializer)) return this.construct(member.initializer, { ...frame, module: cls.module });
        return this.typed(member.type, cls.module);
      }
    }
    return EMPTY;
  }

  /** An instance of the project class a type names. */
  private typed(type: ts.TypeNode | undefined, module: Module): Val {
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return EMPTY;
    const value = this.resolver.definition(type.typeName, module);
    return value.kind === 'node' && ts.isClassLike(value.node) ? { origins: [], instance: { cls: value.node, module: value.module } } : EMPTY;
  }

  private construct(e: ts.NewExpression, frame: Frame): Val {
    const args = (e.arguments ?? []).map((a) => this.evaluate(a, frame));
    const value = this.resolver.value(e.expression, frame.module);
    if (value.kind === 'node' && ts.isClassLike(value.node)) {
      const name = value.node.name?.text ?? '';
      // a DTO or view built from a record keeps only its own fields
      if (/(?:dto|response|view|presenter|resource|serializer)$/i.test(name)) return { origins: args.flatMap((a) => a.origins.map((o) => (o.kind === 'record' && !o.fields ? { ...o, fields: [name] } : o))) };
      return { ...union(...args), instance: { cls: value.node, module: value.module } };
    }
    // `new User(req.body)` (a Mongoose document): it carries what it is built from
    const model = ts.isIdentifier(e.expression) ? this.models.find(e.expression.text) : undefined;
    return { ...union(...args), ...(model?.source === 'mongoose' ? { document: model.name } : {}) };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Calls

  private call(e: ts.CallExpression, frame: Frame): Val {
    const callee = unwrap(e.expression);
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    const receiver = ts.isPropertyAccessExpression(callee) ? this.evaluate(callee.expression, frame) : undefined;
    const site: AccessSite = { analysis: this, frame, call: e, method: method ?? '', receiver };

    if (receiver && method) {
      const special = this.roleCall(site, receiver, method);
      if (special) return special;
      if (receiver.query !== undefined) {
        const chained = chainCall(site, receiver.query);
        if (chained) return chained;
      }
      if (this.isLogger(callee as ts.PropertyAccessExpression, receiver, method)) {
        for (const arg of e.arguments) this.sink(frame, 'log', short(callee, frame.module.source), arg, this.evaluate(arg, frame));
        return EMPTY;
      }
    }
    const access = accessCall(site);
    if (access) return access;
    if ((method && AUTHORIZATION_CALL.test(method)) || (ts.isPropertyAccessExpression(callee) && POLICY_RECEIVER.test(lastName(callee.expression)))) {
      this.authorized = true;
      for (const a of e.arguments) this.evaluate(a, frame);
      return EMPTY;
    }
    const args = () => e.arguments.map((a) => this.evaluate(a, frame));
    if (method === 'min' && ts.isPropertyAccessExpression(callee) && lastName(callee.expression) === 'Math') {
      const vals = args();
      return { ...union(...vals), bounded: vals.some((v) => v.bounded) };
    }
    if (method === 'assign' && ts.isPropertyAccessExpression(callee) && lastName(callee.expression) === 'Object') {
      const vals = args();
      const target = e.arguments[0] && unwrap(e.arguments[0]);
      if (target && ts.isIdentifier(target)) this.add(target, union(...vals.slice(1)).origins, frame);
      return union(...vals);
    }
    if (method && NARROWING_FUNCTIONS.has(method)) {
      const vals = args();
      const fields = e.arguments.slice(1).flatMap((a) => (ts.isArrayLiteralExpression(unwrap(a)) ? (unwrap(a) as ts.ArrayLiteralExpression).elements : [a])).filter(ts.isStringLiteralLike).map((s) => s.text);
      const label = short(e, frame.module.source);
      return { origins: vals.flatMap((v) => v.origins.map((o): Origin => (o.kind === 'record' || (o.kind === 'request' && o.part === 'body') ? (o.kind === 'record' ? { ...o, fields: fields.length > 0 ? fields : [method], label } : { ...o, field: `(${method})`, label }) : o))) };
    }
    // `.map(cb)`, `.then(cb)`, `.forEach(cb)`: the callback runs on what the receiver holds
    if ((method === 'map' || method === 'then' || method === 'forEach') && receiver && e.arguments[0]) return this.mapped(receiver, e.arguments[0], frame);
    const followed = this.follow(e, callee, receiver, frame);
    if (followed) return followed;
    if (method && receiver && PASS_THROUGH_METHODS.has(method)) { args(); return receiver.query !== undefined ? receiver : { origins: receiver.origins }; }
    const json = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'JSON';
    if (method && (PASS_THROUGH_FUNCTIONS.has(method) || json)) return union(...args());
    const vals = args();
    // a validating parse of the body keeps only the fields its schema lists (zod strips unknown keys, joi's stripUnknown)
    if (method && /^(?:parse|parseAsync|safeParse|validate|validateAsync|validateSync)$/.test(method)) {
      const label = short(e, frame.module.source);
      return { origins: vals.flatMap((v) => v.origins.map((o) => (o.kind === 'request' && o.part === 'body' && o.field === undefined ? { ...o, field: '(validated)', label } : o))) };
    }
    for (const arg of e.arguments) if (isFunctionNode(unwrap(arg))) this.visitCallback(unwrap(arg) as FunctionNode, frame);
    return EMPTY;
  }

  /** Calls on the request, the response and the context objects. */
  private roleCall(site: AccessSite, receiver: Val, method: string): Val | undefined {
    const { frame, call: e } = site;
    const first = e.arguments[0];
    const key = first && ts.isStringLiteralLike(first) ? first.text : undefined;
    if (!receiver.role && !(method === 'json' && first)) return undefined;
    let written: string | undefined;
    const text = () => (written ??= short(e, frame.module.source));
    switch (receiver.role) {
      case 'request':
        if (method === 'get' || method === 'header') return { origins: [this.requestOrigin(frame, e, 'headers', key?.toLowerCase(), text())] };
        if (method === 'param') return { origins: [this.requestOrigin(frame, e, 'params', key, text())] };
        if (method === 'query' || method === 'queries') return { origins: [this.requestOrigin(frame, e, 'query', key, text())] };
        if (method === 'json' || method === 'parseBody' || method === 'formData' || method === 'text') return { origins: [this.requestOrigin(frame, e, 'body', undefined, text())] };
        if (method === 'valid') {
          this.bodyValidated = true;
          return { origins: [this.requestOrigin(frame, e, 'body', '(validated)', text())] };
        }
        return undefined;
      case 'searchParams':
        return method === 'get' || method === 'getAll' ? { origins: [this.requestOrigin(frame, e, 'query', key, text())] } : undefined;
      case 'response':
        if (RESPONSE_METHODS.has(method) && first) {
          this.sink(frame, 'response', short(e.expression, frame.module.source), first, this.evaluate(first, frame));
          return EMPTY;
        }
        return CHAINING_RESPONSE_METHODS.has(method) ? receiver : undefined;
      case 'context':
        if (method === 'get' && key !== undefined) return /user|jwt|payload|session|auth|principal|account/i.test(key) ? this.caller(frame, e, text()) : EMPTY;
        if ((method === 'json' || method === 'body') && first) {
          this.sink(frame, 'response', short(e.expression, frame.module.source), first, this.evaluate(first, frame));
          return EMPTY;
        }
        return undefined;
    }
    // Next.js: `NextResponse.json(x)`, `Response.json(x)`
    const callee = e.expression as ts.PropertyAccessExpression;
    if (method === 'json' && first && /^(?:NextResponse|Response)$/.test(lastName(callee.expression))) {
      this.sink(frame, 'response', short(callee, frame.module.source), first, this.evaluate(first, frame));
      return EMPTY;
    }
    return undefined;
  }

  private isLogger(callee: ts.PropertyAccessExpression, receiver: Val, method: string): boolean {
    if (!LOG_METHODS.has(method) || receiver.role) return false;
    return LOGGER_NAMES.test(lastName(callee.expression));
  }

  /** `records.map((r) => ({ id: r.id }))`: the callback's result, with its parameter bound to an element. */
  mapped(receiver: Val, callback: ts.Expression, frame: Frame): Val {
    const fn = unwrap(callback);
    if (!isFunctionNode(fn) || !fn.body) {
      // `users.map(toPublicUser)`: a named mapping function narrows
      const value = this.resolver.value(fn, frame.module);
      if (value.kind === 'node' && isFunctionNode(value.node) && value.node.parameters[0]) {
        return this.invoke(value.node, value.module, [receiver], frame) ?? EMPTY;
      }
      return { origins: receiver.origins.map((o) => (o.kind === 'record' && !o.fields ? { ...o, fields: [short(fn, frame.module.source)] } : o)) };
    }
    const env = new Map(frame.env);
    if (fn.parameters[0]) env.set(fn.parameters[0], { origins: receiver.origins });
    const inner: Frame = { ...frame, fn, root: false, env, memo: new Map(), returns: [] };
    this.visitBody(inner);
    return { origins: inner.returns };
  }

  /** A callback passed to a call the analysis does not know (`$transaction(async (tx) => ...)`): its code still runs. */
  private visitCallback(fn: FunctionNode, frame: Frame): void {
    const inner: Frame = { ...frame, fn, root: false, env: new Map(frame.env), memo: new Map(), returns: [] };
    if (fn.body) this.visit(fn.body, inner);
  }

  /** A call of the project's own function or method: its returned value, with the arguments bound to its parameters. */
  private follow(e: ts.CallExpression, callee: ts.Expression, receiver: Val | undefined, frame: Frame): Val | undefined {
    let target: { fn: FunctionNode; module: Module } | undefined;
    if (receiver && ts.isPropertyAccessExpression(callee) && (receiver.instance || receiver.role === 'this')) {
      const cls = receiver.instance ?? (frame.cls ? { cls: frame.cls.node, module: frame.cls.module } : undefined);
      const method = cls?.cls.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.name && propertyName(m.name) === callee.name.text);
      if (cls && method) target = { fn: method, module: cls.module };
    } else {
      const value = this.resolver.value(callee, frame.module);
      if (value.kind === 'node' && isFunctionNode(value.node)) target = { fn: value.node, module: value.module };
    }
    if (!target) return undefined;
    const args = e.arguments.map((a) => this.evaluate(a, frame));
    return this.invoke(target.fn, target.module, args, frame) ?? union(...args);
  }

  private invoke(fn: FunctionNode, module: Module, args: Val[], frame: Frame): Val | undefined {
    if (frame.depth >= MAX_DEPTH || this.active.has(fn) || !fn.body) return undefined;
    const env = new Map<ts.Node, Val>();
    fn.parameters.forEach((p, i) => env.set(p, args[i] ?? EMPTY));
    const inner = this.frame(fn, module, frame.depth + 1, env);
    this.visitBody(inner);
    return { origins: inner.returns };
  }
}
