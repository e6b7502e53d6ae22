/**
 * Data access calls and what their arguments say: Prisma (`prisma.user.findUnique({ where, select, take, data })`),
 * TypeORM repositories and entities (`findOneBy`, `find({ where, select, take })`, `save`, `update`, `delete`),
 * Mongoose models (`findById`, `find(filter, projection).select().limit()`, `findByIdAndUpdate`, `create`),
 * Sequelize models (`findByPk`, `findAll({ where, attributes, limit })`, `update`, `destroy`), Knex
 * (`knex('users').where({...}).first()`), Drizzle (`db.select().from(users).where(eq(users.id, id)).limit(n)`) and
 * SQL through `pg`/`mysql2` (`pool.query('SELECT ... WHERE id = $1', [id])`). Which library a call belongs to is
 * read from its receiver: the model registry, NestJS injection decorators, `getRepository(Entity)`, and names.
 */
import ts = require('typescript');
import { locate } from '../modules';
import { propertyName, unwrap } from '../resolve';
import type { AccessLibrary, DataAccess, Filter, IncludedRelation, ObjectSlot, Origin } from './model';
import { decoratorCall, memberOf } from './schemas';
import { lastName, short, union, type Frame, type HandlerAnalysis, type Val } from './handler';

export interface AccessSite { analysis: HandlerAnalysis; frame: Frame; call: ts.CallExpression; method: string; receiver?: Val }

type Operation = DataAccess['operation'];
/** How a method reads its arguments: `options` (one object: where, select, take, data), `where` (a filter object), `id`, `filter` (Mongoose: filter, then projection or update). */
interface Op { operation: Operation; many?: boolean; args: 'options' | 'where' | 'id' | 'filter' | 'payload' | 'update' | 'none'; returnsRecord?: boolean }

const PRISMA: Record<string, Op> = {
  findUnique: { operation: 'read', args: 'options' }, findUniqueOrThrow: { operation: 'read', args: 'options' },
  findFirst: { operation: 'read', args: 'options' }, findFirstOrThrow: { operation: 'read', args: 'options' },
  findMany: { operation: 'read', many: true, args: 'options' },
  create: { operation: 'create', args: 'options' }, createMany: { operation: 'create', args: 'options', returnsRecord: false },
  createManyAndReturn: { operation: 'create', args: 'options', many: true },
  update: { operation: 'update', args: 'options' }, updateMany: { operation: 'update', args: 'options', returnsRecord: false },
  upsert: { operation: 'update', args: 'options' },
  delete: { operation: 'delete', args: 'options' }, deleteMany: { operation: 'delete', args: 'options', returnsRecord: false },
};
const TYPEORM: Record<string, Op> = {
  findOne: { operation: 'read', args: 'options' }, findOneOrFail: { operation: 'read', args: 'options' },
  findOneBy: { operation: 'read', args: 'where' }, findOneByOrFail: { operation: 'read', args: 'where' },
  find: { operation: 'read', many: true, args: 'options' }, findAndCount: { operation: 'read', many: true, args: 'options' },
  findBy: { operation: 'read', many: true, args: 'where' }, findAndCountBy: { operation: 'read', many: true, args: 'where' },
  save: { operation: 'create', args: 'payload' }, insert: { operation: 'create', args: 'payload', returnsRecord: false },
  preload: { operation: 'update', args: 'payload' },
  update: { operation: 'update', args: 'update', returnsRecord: false },
  delete: { operation: 'delete', args: 'id', returnsRecord: false }, softDelete: { operation: 'delete', args: 'id', returnsRecord: false },
  remove: { operation: 'delete', args: 'none', returnsRecord: false },
};
const MONGOOSE: Record<string, Op> = {
  findById: { operation: 'read', args: 'id' }, findOne: { operation: 'read', args: 'filter' }, find: { operation: 'read', many: true, args: 'filter' },
  findByIdAndUpdate: { operation: 'update', args: 'id' }, findOneAndUpdate: { operation: 'update', args: 'filter' },
  updateOne: { operation: 'update', args: 'filter', returnsRecord: false }, updateMany: { operation: 'update', args: 'filter', returnsRecord: false },
  findByIdAndDelete: { operation: 'delete', args: 'id' }, findByIdAndRemove: { operation: 'delete', args: 'id' },
  findOneAndDelete: { operation: 'delete', args: 'filter' }, deleteOne: { operation: 'delete', args: 'filter', returnsRecord: false },
  deleteMany: { operation: 'delete', args: 'filter', returnsRecord: false },
  create: { operation: 'create', args: 'payload' }, insertMany: { operation: 'create', args: 'payload' },
};
const SEQUELIZE: Record<string, Op> = {
  findByPk: { operation: 'read', args: 'id' }, findOne: { operation: 'read', args: 'options' },
  findAll: { operation: 'read', many: true, args: 'options' }, findAndCountAll: { operation: 'read', many: true, args: 'options' },
  create: { operation: 'create', args: 'payload' }, bulkCreate: { operation: 'create', args: 'payload' },
  update: { operation: 'update', args: 'payload', returnsRecord: false }, destroy: { operation: 'delete', args: 'options', returnsRecord: false },
};
const OPS: Partial<Record<AccessLibrary, Record<string, Op>>> = { prisma: PRISMA, typeorm: TYPEORM, mongoose: MONGOOSE, sequelize: SEQUELIZE };

/** Methods only one library has: the receiver need not be known. */
const OWN_METHODS: Record<string, AccessLibrary> = {
  findById: 'mongoose', findByIdAndUpdate: 'mongoose', findByIdAndDelete: 'mongoose', findByIdAndRemove: 'mongoose', findOneAndUpdate: 'mongoose', findOneAndDelete: 'mongoose',
  findByPk: 'sequelize', findAll: 'sequelize', findAndCountAll: 'sequelize', destroy: 'sequelize', bulkCreate: 'sequelize',
  findOneBy: 'typeorm', findBy: 'typeorm', findOneOrFail: 'typeorm', findOneByOrFail: 'typeorm', findAndCountBy: 'typeorm',
};
const PRISMA_CLIENT = /(?:^|\.)(?:prisma\w*|db|client|tx|prismaService)$/i;
const SQL_CLIENT = /^(?:pool|client|db|conn|connection|pg|mysql|database|sql|tx|trx)$/i;
const KNEX = /^(?:knex|db|database|trx)$/;
const DRIZZLE = /^(?:this\.)?(?:db|drizzle|database|tx)$/;
const SQL = /^\s*(select|insert|update|delete)\b/i;

/** A data access call starting at `site`, as a pending query, or undefined. */
export function accessCall(site: AccessSite): Val | undefined {
  const { call, method, frame, analysis } = site;
  const callee = unwrap(call.expression);
  const args = call.arguments;
  if (ts.isIdentifier(callee) && KNEX.test(callee.text) && args.length === 1 && ts.isStringLiteralLike(args[0])) {
    return record(site, { library: 'knex', model: args[0].text, operation: 'read', many: true }, true);
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const object = unwrap(callee.expression);
  const sqlClient = method === '$queryRawUnsafe' || ((method === 'query' || method === 'execute') && SQL_CLIENT.test(lastName(object)));
  if (sqlClient && args[0] && sqlText(args[0])) return sql(site, args[0], args[1]);
  if (['select', 'insert', 'update', 'delete'].includes(method) && DRIZZLE.test(short(object, frame.module.source, 200))) {
    const operation: Operation = method === 'select' ? 'read' : method === 'insert' ? 'create' : method === 'update' ? 'update' : 'delete';
    const table = method === 'select' ? undefined : args[0] && short(args[0], frame.module.source);
    const keep = method === 'select' && args[0] && ts.isObjectLiteralExpression(unwrap(args[0])) ? keysOf(unwrap(args[0]) as ts.ObjectLiteralExpression) : undefined;
    return record(site, { library: 'drizzle', model: table, operation, many: method === 'select', ...(keep ? { projection: { keep } } : {}) }, method === 'select');
  }
  // prisma.user.findUnique(...), db.query.users.findFirst(...) (Drizzle's relational queries read the same way)
  if (ts.isPropertyAccessExpression(object) && PRISMA[method] && PRISMA_CLIENT.test(short(object.expression, frame.module.source, 200))) {
    const drizzle = /\.query$/.test(short(object.expression, frame.module.source, 200)) && (method === 'findFirst' || method === 'findMany');
    return orm(site, drizzle ? 'drizzle' : 'prisma', object.name.text, PRISMA[method]);
  }
  // `doc.save()`: a Mongoose document (read, or built with `new Model(...)`) written back with what was assigned to it
  if (method === 'save' && args.length === 0 && site.receiver && (site.receiver.document || site.receiver.origins.some((o) => o.kind === 'record'))) {
    const read = site.receiver.origins.find((o) => o.kind === 'record');
    const model = site.receiver.document ?? (read?.kind === 'record' ? analysis.accesses[read.access].model : undefined);
    const val = record(site, { library: 'mongoose', model, operation: site.receiver.document ? 'create' : 'update', many: false }, true);
    analysis.accesses[val.query!].payload = { origins: site.receiver.origins.filter((o) => o.kind !== 'record'), at: locate(frame.module, object), fromReceiver: true };
    return val;
  }
  const receiver = receiverModel(object, site);
  const library = receiver.library ?? OWN_METHODS[method];
  const op = library && OPS[library]?.[method];
  if (!library || !op) return undefined;
  return orm(site, library, receiver.model ?? (ts.isIdentifier(object) ? object.text : ts.isPropertyAccessExpression(object) ? object.name.text : undefined), op);
}

/** Which library and model a receiver stands for: `this.usersRepository` injected with `@InjectRepository(User)`, `getRepository(User)`, `User`. */
function receiverModel(object: ts.Expression, site: AccessSite): { library?: AccessLibrary; model?: string } {
  const { frame, analysis } = site;
  if (ts.isCallExpression(object) && ts.isIdentifier(unwrap(object.expression)) || (ts.isCallExpression(object) && ts.isPropertyAccessExpression(object.expression))) {
    const name = ts.isPropertyAccessExpression(object.expression) ? object.expression.name.text : (object.expression as ts.Identifier).text;
    if (/^get(?:Mongo)?Repository$/.test(name) && object.arguments[0]) return { library: 'typeorm', model: short(object.arguments[0], frame.module.source) };
  }
  if (ts.isPropertyAccessExpression(object) && object.expression.kind === ts.SyntaxKind.ThisKeyword && frame.cls) {
    const name = object.name.text;
    for (const member of frame.cls.node.members) {
      if (!ts.isConstructorDeclaration(member)) continue;
      const param = member.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (param) return injected(param, frame.module.source) ?? byName(name);
    }
    return byName(name);
  }
  if (ts.isIdentifier(object)) {
    const model = analysis.models.find(object.text);
    if (model && model.source !== 'type' && model.source !== 'prisma') return { library: model.source, model: model.name };
    const declaration = analysis.resolver.declarationOf(object);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) {
      const init = unwrap(declaration.initializer);
      if (ts.isCallExpression(init)) {
        const from = receiverModel(init, site);
        if (from.library) return from;
      }
    }
    return byName(object.text);
  }
  return {};
}

/** A receiver named like a repository (`usersRepo`) or a Mongoose model (`userModel`). */
function byName(name: string): { library?: AccessLibrary; model?: string } {
  if (/(?:Repository|Repo)$/.test(name)) return { library: 'typeorm', model: name.replace(/(?:Repository|Repo)$/, '') };
  if (/Model$/.test(name)) return { library: 'mongoose', model: name.replace(/Model$/, '') };
  return {};
}

/** `@InjectRepository(User) repo: Repository<User>` and `@InjectModel(User.name) model: Model<User>`. */
function injected(param: ts.ParameterDeclaration, source: ts.SourceFile): { library: AccessLibrary; model: string } | undefined {
  for (const decorator of ts.getDecorators(param) ?? []) {
    const d = decoratorCall(decorator);
    const arg = d?.args[0];
    if (!d || !arg) continue;
    const model = ts.isStringLiteralLike(arg) ? arg.text : short(arg, source).replace(/\.name$/, '');
    if (d.name === 'InjectRepository') return { library: 'typeorm', model };
    // @nestjs/sequelize injects the model class itself (`typeof User`), @nestjs/mongoose a `Model<User>`
    if (d.name === 'InjectModel') return { library: param.type && ts.isTypeQueryNode(param.type) ? 'sequelize' : 'mongoose', model };
  }
  const type = param.type;
  if (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeArguments?.[0]) {
    const model = short(type.typeArguments[0], source).replace(/Document$/, '');
    if (type.typeName.text === 'Repository') return { library: 'typeorm', model };
    if (type.typeName.text === 'Model') return { library: 'mongoose', model };
  }
  return undefined;
}

/** Creates the access fact and the pending query that yields its records. */
function record(site: AccessSite, fact: Partial<DataAccess> & Pick<DataAccess, 'library' | 'operation' | 'many'>, returnsRecord: boolean): Val {
  const { analysis, frame, call } = site;
  const index = analysis.accesses.length;
  // `knex('users')` is named with its table, `prisma.user.findMany` by its callee
  const label = short(ts.isIdentifier(unwrap(call.expression)) ? call : call.expression, frame.module.source);
  const empty = call.arguments.length === 0 ? { emptyArgsAt: frame.module.source.getLineAndCharacterOfPosition(call.arguments.pos) } : {};
  analysis.accesses.push({ label, at: locate(frame.module, call), calleeAt: locate(frame.module, call.expression), ...empty, filters: [], inHandler: frame.depth === 0, guarded: false, ...fact });
  const origins: Origin[] = returnsRecord ? [{ kind: 'record', access: index, label, at: locate(frame.module, call) }] : [];
  return { origins, query: index };
}

function orm(site: AccessSite, library: AccessLibrary, model: string | undefined, op: Op): Val {
  const { call, frame, analysis } = site;
  const [first, second] = call.arguments;
  const val = record(site, { library, model, operation: op.operation, many: op.many === true }, op.returnsRecord !== false);
  const access = analysis.accesses[val.query!];
  const origins = (e: ts.Expression) => analysis.evaluate(e, frame).origins;
  switch (op.args) {
    case 'options':
      if (first) options(site, access, first);
      if (library === 'sequelize' && second) options(site, access, second);
      if (!first && library === 'prisma') access.options = undefined;
      break;
    case 'where':
      if (first) where(site, access, first);
      break;
    case 'id':
      if (first) {
        access.filters.push({ key: 'id', origins: origins(first) });
        if (library === 'mongoose' && op.operation === 'read' && ts.isPropertyAccessExpression(unwrap(call.expression))) {
          const callee = unwrap(call.expression) as ts.PropertyAccessExpression;
          access.byId = { name: locate(frame.module, callee.name), argument: locate(frame.module, first), argumentText: first.getText(frame.module.source) };
        }
      }
      if (second && op.operation === 'update') access.payload = { origins: origins(second), at: locate(frame.module, second) };
      if (library === 'sequelize' && second) options(site, access, second);
      break;
    case 'filter':
      if (first) where(site, access, first);
      if (second && op.operation === 'update') access.payload = { origins: origins(second), at: locate(frame.module, second) };
      else if (second && op.operation === 'read') projection(access, second);
      break;
    case 'payload':
      if (first) access.payload = { origins: origins(first), at: locate(frame.module, first) };
      if (library === 'sequelize' && second) {
        options(site, access, second);
        // `create(body, { fields: [...] })` writes only the fields listed
        if (memberOf(second, 'fields') && access.payload) access.payload.origins = narrowBody(access.payload.origins);
      }
      break;
    case 'update':
      if (first) idOrWhere(site, access, first);
      if (second) access.payload = { origins: origins(second), at: locate(frame.module, second) };
      break;
  }
  return val;
}

function idOrWhere(site: AccessSite, access: DataAccess, e: ts.Expression): void {
  if (ts.isObjectLiteralExpression(unwrap(e))) where(site, access, e);
  else access.filters.push({ key: 'id', origins: site.analysis.evaluate(e, site.frame).origins });
}

function narrowBody(origins: Origin[]): Origin[] {
  return origins.map((o) => (o.kind === 'request' && o.part === 'body' && o.field === undefined ? { ...o, field: '(fields)' } : o));
}

function slot(object: ts.ObjectLiteralExpression, site: AccessSite): ObjectSlot {
  const { frame } = site;
  const source = frame.module.source;
  const last = object.properties[object.properties.length - 1];
  const at = source.getLineAndCharacterOfPosition(last ? last.end : object.getStart(source) + 1);
  return { at, comma: last !== undefined, keys: keysOf(object) };
}

function keysOf(object: ts.ObjectLiteralExpression): string[] {
  return object.properties.map((p) => (p.name ? propertyName(p.name) : undefined)).filter((n): n is string => n !== undefined);
}

/** One options object: `where`, `select`/`omit`/`attributes`, `take`/`limit`, `data`. */
function options(site: AccessSite, access: DataAccess, e: ts.Expression): void {
  const { analysis, frame } = site;
  const object = unwrap(e);
  if (!ts.isObjectLiteralExpression(object)) {
    // TypeORM's older `findOne(id)`, or options built elsewhere
    access.filters.push({ key: access.library === 'typeorm' ? 'id' : '(options)', origins: analysis.evaluate(object, frame).origins });
    return;
  }
  access.options = slot(object, site);
  const w = memberOf(object, 'where');
  if (w) where(site, access, w);
  for (const key of ['select', 'omit', 'attributes', 'columns']) {
    const value = memberOf(object, key);
    if (value) projection(access, value, key === 'omit');
  }
  if (access.library === 'prisma' || access.library === 'typeorm') {
    const asked = ['include', 'select', 'relations'].flatMap((key) => {
      const value = memberOf(object, key);
      return value ? relationsAsked(site, value) : [];
    });
    if (asked.length > 0) access.includes = asked;
  }
  for (const key of ['take', 'limit', 'first']) {
    const value = memberOf(object, key);
    if (value) limit(site, access, value);
  }
  const data = memberOf(object, 'data') ?? memberOf(object, 'update');
  if (data) access.payload = { origins: analysis.evaluate(data, frame).origins, at: locate(frame.module, data) };
  const create = memberOf(object, 'create');
  if (create && !access.payload) access.payload = { origins: analysis.evaluate(create, frame).origins, at: locate(frame.module, create) };
}

/**
 * The relations an `include`, `select` or `relations` value may ask for: each key set to `true` or to an object
 * (`owner: { select: { name: true } }` keeps `name`), each name of a `relations` array. Which of them are relations
 * is known only from the model, once it is looked up.
 */
function relationsAsked(site: AccessSite, e: ts.Expression): IncludedRelation[] {
  const value = unwrap(e);
  const module = site.frame.module;
  if (ts.isArrayLiteralExpression(value)) {
    return value.elements.filter(ts.isStringLiteralLike).map((s) => ({ field: s.text.split('.')[0], at: locate(module, s) }));
  }
  if (!ts.isObjectLiteralExpression(value)) return [];
  const asked: IncludedRelation[] = [];
  for (const p of value.properties) {
    const field = p.name ? propertyName(p.name) : undefined;
    const v = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
    if (!field || !v) continue;
    if (v.kind === ts.SyntaxKind.TrueKeyword) asked.push({ field, at: locate(module, v), plain: true });
    else if (ts.isObjectLiteralExpression(v)) {
      const select = memberOf(v, 'select');
      const keep = select && ts.isObjectLiteralExpression(unwrap(select)) ? truthyKeys(unwrap(select) as ts.ObjectLiteralExpression) : undefined;
      asked.push({ field, at: locate(module, v), ...(keep ? { keep } : {}) });
    }
  }
  return asked;
}

/** Mongoose's `.populate('owner')`, `('owner author')`, `('owner', 'name -email')`, `({ path, select })` or an array of them. */
function populated(site: AccessSite, args: readonly ts.Expression[]): IncludedRelation[] {
  const module = site.frame.module;
  const narrowed = (select: ts.Expression | undefined): Pick<IncludedRelation, 'keep' | 'drop'> => {
    const names = select && ts.isStringLiteralLike(unwrap(select)) ? (unwrap(select) as ts.StringLiteralLike).text.split(/[\s,]+/).filter(Boolean) : [];
    const keep = names.filter((n) => !n.startsWith('-'));
    const drop = names.filter((n) => n.startsWith('-')).map((n) => n.slice(1));
    return { ...(keep.length > 0 ? { keep } : {}), ...(drop.length > 0 ? { drop } : {}) };
  };
  const one = (e: ts.Expression, select?: ts.Expression): IncludedRelation[] => {
    const value = unwrap(e);
    if (ts.isStringLiteralLike(value)) return value.text.split(/\s+/).filter(Boolean).map((field) => ({ field, at: locate(module, value), ...narrowed(select) }));
    if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((item) => one(item));
    const path = memberOf(value, 'path');
    return path && ts.isStringLiteralLike(path) ? [{ field: path.text, at: locate(module, value), ...narrowed(memberOf(value, 'select')) }] : [];
  };
  return args[0] ? one(args[0], args[1]) : [];
}

/** The keys of an object literal not set to `false` or `0`. */
function truthyKeys(object: ts.ObjectLiteralExpression): string[] {
  return object.properties.flatMap((p) => {
    const key = p.name ? propertyName(p.name) : undefined;
    const v = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
    const falsy = v && (v.kind === ts.SyntaxKind.FalseKeyword || (ts.isNumericLiteral(v) && v.text === '0'));
    return key && !falsy ? [key] : [];
  });
}

/** A filter: an object literal (each key a condition), or an expression whose origins stand for the whole filter. */
function where(site: AccessSite, access: DataAccess, e: ts.Expression): void {
  const { analysis, frame } = site;
  const object = unwrap(e);
  if (ts.isArrayLiteralExpression(object)) {
    for (const element of object.elements) where(site, access, element);
    return;
  }
  if (!ts.isObjectLiteralExpression(object)) {
    const call = ts.isCallExpression(object) ? object : undefined;
    if (call && access.library === 'drizzle') return drizzleWhere(site, access, call);
    access.filters.push({ key: '(filter)', origins: analysis.evaluate(object, frame).origins });
    return;
  }
  if (!access.where) access.where = slot(object, site);
  for (const p of object.properties) {
    const key = p.name ? propertyName(p.name) : undefined;
    const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : ts.isSpreadAssignment(p) ? p.expression : undefined;
    if (!value) continue;
    const inner = unwrap(value);
    if (key && /^(?:AND|OR|NOT|\$and|\$or)$/.test(key)) { where(site, access, inner); continue; }
    access.filters.push({ key: key ?? '(spread)', origins: nestedOrigins(site, inner) });
  }
}

/** The origins of a condition's value, nested objects included (`owner: { id: user.id }`, `{ equals: id }`). */
function nestedOrigins(site: AccessSite, e: ts.Expression): Origin[] {
  if (ts.isObjectLiteralExpression(e)) {
    return union(...e.properties.map((p) => ({ origins: ts.isPropertyAssignment(p) ? nestedOrigins(site, unwrap(p.initializer)) : ts.isShorthandPropertyAssignment(p) ? site.analysis.evaluate(p.name, site.frame).origins : [] }))).origins;
  }
  return site.analysis.evaluate(e, site.frame).origins;
}

/** Drizzle: `eq(users.id, id)`, `and(eq(...), eq(...))`. */
function drizzleWhere(site: AccessSite, access: DataAccess, call: ts.CallExpression): void {
  const name = short(call.expression, site.frame.module.source);
  if (name === 'and' || name === 'or') {
    for (const arg of call.arguments) if (ts.isCallExpression(unwrap(arg))) drizzleWhere(site, access, unwrap(arg) as ts.CallExpression);
    return;
  }
  const [column, value] = call.arguments;
  if (!column || !value) return;
  const col = unwrap(column);
  access.filters.push({ key: ts.isPropertyAccessExpression(col) ? col.name.text : short(col, site.frame.module.source), origins: site.analysis.evaluate(value, site.frame).origins });
}

/** A projection: Prisma/TypeORM `select` objects or arrays, Sequelize `attributes`, Mongoose projection strings and objects. */
function projection(access: DataAccess, e: ts.Expression, omit = false): void {
  const value = unwrap(e);
  if (ts.isStringLiteralLike(value)) {
    const names = value.text.split(/[\s,]+/).filter(Boolean);
    const drop = names.filter((n) => n.startsWith('-')).map((n) => n.slice(1));
    const keep = names.filter((n) => !n.startsWith('-') && !n.startsWith('+') && n !== '*');
    access.projection = { ...(keep.length > 0 ? { keep } : {}), ...(drop.length > 0 ? { drop } : {}) };
    return;
  }
  if (ts.isArrayLiteralExpression(value)) {
    access.projection = { keep: value.elements.filter(ts.isStringLiteralLike).map((s) => s.text) };
    return;
  }
  if (ts.isObjectLiteralExpression(value)) {
    const exclude = memberOf(value, 'exclude');
    if (exclude && ts.isArrayLiteralExpression(exclude)) {
      access.projection = { drop: exclude.elements.filter(ts.isStringLiteralLike).map((s) => s.text) };
      return;
    }
    const on: string[] = [];
    const off: string[] = [];
    for (const p of value.properties) {
      const key = p.name ? propertyName(p.name) : undefined;
      if (!key) continue;
      const v = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
      const falsy = v && (v.kind === ts.SyntaxKind.FalseKeyword || (ts.isNumericLiteral(v) && v.text === '0'));
      (falsy ? off : on).push(key);
    }
    access.projection = omit ? { drop: on } : on.length > 0 ? { keep: on } : { drop: off };
  }
}

function limit(site: AccessSite, access: DataAccess, e: ts.Expression): void {
  const val = site.analysis.evaluate(e, site.frame);
  access.limit = { bounded: val.bounded === true || !val.origins.some((o) => o.kind === 'request'), origins: val.origins, at: locate(site.frame.module, e) };
}

/** A method chained on a pending query: `.select()`, `.limit()`, `.where()`, `.first()`, Knex writes, Drizzle's `from`/`values`/`set`. */
export function chainCall(site: AccessSite, index: number): Val | undefined {
  const { analysis, frame, call, method, receiver } = site;
  const access = analysis.accesses[index];
  const [first, second] = call.arguments;
  const keep = (): Val => receiver!;
  switch (method) {
    case 'select':
      if (first) {
        if (access.library === 'knex' && call.arguments.length > 0) {
          const cols = call.arguments.filter(ts.isStringLiteralLike).map((s) => s.text);
          if (!cols.includes('*')) access.projection = { keep: cols };
        } else projection(access, first);
      }
      return keep();
    case 'limit': case 'take': case 'top':
      if (first) limit(site, access, first);
      return keep();
    case 'where': case 'andWhere': case 'whereIn':
      if (first && second && ts.isStringLiteralLike(first)) access.filters.push({ key: first.text, origins: analysis.evaluate(call.arguments[call.arguments.length - 1], frame).origins });
      else if (first) where(site, access, first);
      return keep();
    case 'first': case 'findOne':
      access.many = false;
      return keep();
    case 'from':
      if (first) access.model = short(first, frame.module.source);
      return keep();
    case 'values': case 'set': case 'insert': case 'update':
      if (method === 'insert') access.operation = 'create';
      if (method === 'update') access.operation = 'update';
      if (first) access.payload = { origins: analysis.evaluate(first, frame).origins, at: locate(frame.module, first) };
      return keep();
    case 'del': case 'delete':
      access.operation = 'delete';
      return keep();
    case 'populate': {
      const asked = populated(site, call.arguments);
      if (asked.length > 0) access.includes = [...(access.includes ?? []), ...asked];
      return keep();
    }
    case 'sort': case 'orderBy': case 'skip': case 'offset': case 'returning': case 'lean': case 'exec':
    case 'innerJoin': case 'leftJoin': case 'groupBy': case 'paginate':
      for (const arg of call.arguments) analysis.evaluate(arg, frame);
      return method === 'exec' ? { origins: receiver!.origins } : keep();
  }
  return undefined;
}

/** The text of a SQL query argument, with `${}` substitutions written as `$T<n>`. */
function sqlText(e: ts.Expression): string | undefined {
  const value = unwrap(e);
  const text = ts.isStringLiteralLike(value) ? value.text
    : ts.isTemplateExpression(value) ? value.head.text + value.templateSpans.map((s, i) => `$T${i}${s.literal.text}`).join('') : undefined;
  return text !== undefined && SQL.test(text) ? text : undefined;
}

/** `pool.query('SELECT * FROM users WHERE id = $1', [id])`: the table, projection, conditions and limit of the query. */
function sql(site: AccessSite, query: ts.Expression, values: ts.Expression | undefined): Val | undefined {
  const { analysis, frame } = site;
  const text = sqlText(query);
  if (!text) return undefined;
  const verb = SQL.exec(text)![1].toLowerCase();
  const operation: Operation = verb === 'select' ? 'read' : verb === 'insert' ? 'create' : verb as Operation;
  const table = (verb === 'insert' ? /\binto\s+["`]?(\w+)/i : verb === 'update' ? /^\s*update\s+["`]?(\w+)/i : /\bfrom\s+["`]?(\w+)/i).exec(text)?.[1];
  const template = unwrap(query);
  const list = values && ts.isArrayLiteralExpression(unwrap(values)) ? (unwrap(values) as ts.ArrayLiteralExpression).elements : [];
  let position = 0;
  const placeholder = (token: string): ts.Expression | undefined => {
    if (token.startsWith('$T') && ts.isTemplateExpression(template)) return template.templateSpans[Number(token.slice(2))]?.expression;
    if (token.startsWith('$')) return list[Number(token.slice(1)) - 1];
    return list[position++];
  };
  const filters: Filter[] = [];
  const clause = /\bwhere\b([\s\S]*?)(?:\border\s+by\b|\blimit\b|\bgroup\s+by\b|\breturning\b|$)/i.exec(text)?.[1] ?? '';
  for (const m of clause.matchAll(/(\w+)\s*=\s*(\$T?\d+|\?)/g)) {
    const value = placeholder(m[2]);
    filters.push({ key: m[1], origins: value ? analysis.evaluate(value, frame).origins : [] });
  }
  const limitMatch = /\blimit\s+(\d+|\$T?\d+|\?)/i.exec(text);
  const columns = verb === 'select' ? /^\s*select\s+([\s\S]*?)\s+from\b/i.exec(text)?.[1] : undefined;
  const whole = columns === undefined || /(^|[\s,.])\*/.test(columns);
  const val = record(site, {
    library: 'sql', model: table, operation, many: verb === 'select' && !filters.some((f) => /^(?:id|_id)$/i.test(f.key)) && !/\blimit\s+1\b/i.test(text), filters,
    ...(columns !== undefined && !whole ? { projection: { keep: columns.split(',').map((c) => c.trim().split(/\s+/).pop()!.replace(/^\w+\./, '')) } } : {}),
  }, verb === 'select' || /\breturning\s+\*/i.test(text));
  const access = analysis.accesses[val.query!];
  if (limitMatch) {
    const value = /^\d+$/.test(limitMatch[1]) ? undefined : placeholder(limitMatch[1]);
    const limitVal = value ? analysis.evaluate(value, frame) : { origins: [], bounded: true };
    access.limit = { bounded: limitVal.bounded === true || !limitVal.origins.some((o) => o.kind === 'request'), origins: limitVal.origins, at: locate(frame.module, value ?? query) };
  }
  return val;
}
