/**
 * Record models: the fields of each model the project defines, read from `schema.prisma` (model blocks), TypeORM
 * `@Entity` classes, Mongoose schemas (`new Schema({...})` and NestJS `@Schema()` classes, `select: false` included),
 * Sequelize `define`/`init`, Drizzle tables (`pgTable`, `mysqlTable`, `sqliteTable`), and else TS interfaces and type aliases written in the source. One pass over the top
 * level of each module; nothing is evaluated.
 */
import ts = require('typescript');
import type { Module, ModuleGraph } from '../modules';
import { locate } from '../modules';
import { propertyName, unwrap } from '../resolve';
import type { ModelField, RecordModel } from './model';

/** Suffixes of variable names that stand for a model: `usersRepository`, `userModel`, `UserEntity`. */
const HOLDER_SUFFIX = /(?:repository|repo|model|entity|schema|document|doc|table|collection)$/;

/** The key a model is found by: lower case, holder suffixes and a plural `s` dropped (`usersRepository` is `user`). */
export function modelKey(name: string): string {
  let key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const stripped = key.replace(HOLDER_SUFFIX, '');
  if (stripped) key = stripped;
  if (key.endsWith('ies') && key.length > 4) key = `${key.slice(0, -3)}y`;
  else if (key.endsWith('s') && !key.endsWith('ss') && key.length > 2) key = key.slice(0, -1);
  return key;
}

const RANK: Record<RecordModel['source'], number> = { prisma: 4, typeorm: 4, mongoose: 4, sequelize: 4, drizzle: 4, type: 1 };
const DRIZZLE_TABLES = new Set(['pgTable', 'mysqlTable', 'sqliteTable']);
/** What a text holds when one of its calls may define a model: `model`, `define`, `init`, a Drizzle table, or an escape. */
const MODEL_CALL_WORDS = ['model', 'define', 'init', 'Table', '\\u'];

export class ModelRegistry {
  private readonly byKey = new Map<string, RecordModel>();
  /** Keys by name: every data access of every handler looks its model up. */
  private readonly keys = new Map<string, string>();

  add(model: RecordModel): void {
    const key = modelKey(model.name);
    const known = this.byKey.get(key);
    if (!known || RANK[model.source] > RANK[known.source]) this.byKey.set(key, model);
  }

  find(name: string | undefined): RecordModel | undefined {
    if (!name) return undefined;
    let key = this.keys.get(name);
    if (key === undefined) this.keys.set(name, (key = modelKey(name)));
    return this.byKey.get(key);
  }

  /** Whether every name finds a model reading as in `other` (`json` writes a model as it reads). */
  readsAs(other: ModelRegistry, json: (model: RecordModel) => string | undefined): boolean {
    if (other.byKey.size !== this.byKey.size) return false;
    for (const [key, model] of this.byKey) {
      const theirs = other.byKey.get(key);
      if (!theirs || (theirs !== model && json(theirs) !== json(model))) return false;
    }
    return true;
  }
}

/** How a handler's analysis looks models up. */
export type ModelLookup = Pick<ModelRegistry, 'find'>;

/** Reads the models of `schema.prisma` files (their text by path relative to the root) and of the project's code. */
export function readModels(graph: ModuleGraph, prismaSchemas: ReadonlyMap<string, string>): ModelRegistry {
  const registry = new ModelRegistry();
  for (const [file, text] of prismaSchemas) for (const model of prismaModels(text, file)) registry.add(model);
  for (const module of graph.modules.values()) for (const model of codeModels(module)) registry.add(model);
  return registry;
}

/** `model User { id Int @id ... }` blocks of a Prisma schema. */
export function prismaModels(text: string, file: string): RecordModel[] {
  const models: RecordModel[] = [];
  const lines = text.split(/\r?\n/);
  let current: RecordModel | undefined;
  for (let line = 0; line < lines.length; line++) {
    const code = lines[line].replace(/\/\/.*$/, '').trim();
    const open = /^model\s+(\w+)\s*\{$/.exec(code);
    if (open) {
      const character = lines[line].indexOf(open[1]);
      current = { name: open[1], source: 'prisma', fields: [], at: { file, range: { start: { line, character }, end: { line, character: character + open[1].length } } } };
      models.push(current);
      continue;
    }
    if (!current) continue;
    if (code.startsWith('}')) { current = undefined; continue; }
    const field = /^(\w+)\s+([\w.]+)(\[\])?\??/.exec(code);
    if (!field || code.startsWith('@@')) continue;
    const character = lines[line].indexOf(field[1]);
    current.fields.push({ name: field[1], type: field[2] + (field[3] ?? ''), at: { file, range: { start: { line, character }, end: { line, character: character + field[1].length } } } });
  }
  const names = new Set(models.map((m) => m.name));
  for (const model of models) for (const f of model.fields) if (names.has(f.type!.replace(/\[\]$/, ''))) f.relation = true;
  return models;
}

function decoratorsOf(node: ts.Node): ts.Decorator[] {
  return (ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined)?.slice() ?? [];
}

/** The name of a decorator (`Column` for `@Column({...})`), with its first argument. */
export function decoratorCall(decorator: ts.Decorator): { name: string; args: readonly ts.Expression[] } | undefined {
  const e = decorator.expression;
  const callee = ts.isCallExpression(e) ? e.expression : e;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name ? { name, args: ts.isCallExpression(e) ? e.arguments : [] } : undefined;
}

/** Whether an options object literal says `select: false`. */
function selectFalse(options: ts.Expression | undefined): boolean {
  if (!options) return false;
  const e = unwrap(options);
  if (!ts.isObjectLiteralExpression(e)) return false;
  return e.properties.some((p) => ts.isPropertyAssignment(p) && propertyName(p.name) === 'select' && p.initializer.kind === ts.SyntaxKind.FalseKeyword);
}

/** The model a Mongoose field definition references: `{ type: ObjectId, ref: 'User' }`, in an array, or `ref: User.name`. */
function referenced(definition: ts.Expression | undefined, depth = 0): string | undefined {
  if (!definition || depth > 2) return undefined;
  const e = unwrap(definition);
  if (ts.isArrayLiteralExpression(e)) return e.elements[0] && referenced(e.elements[0], depth + 1);
  const ref = memberOf(e, 'ref');
  if (ref && ts.isStringLiteralLike(ref)) return ref.text;
  if (ref && ts.isPropertyAccessExpression(ref) && ref.name.text === 'name' && ts.isIdentifier(ref.expression)) return ref.expression.text;
  const type = memberOf(e, 'type');
  return type && ts.isArrayLiteralExpression(type) ? referenced(type, depth + 1) : undefined;
}

function typeText(type: ts.TypeNode | undefined, source: ts.SourceFile): string | undefined {
  return type ? type.getText(source).replace(/\s+/g, ' ').slice(0, 80) : undefined;
}

/**
 * The models a module declares, in order, kept as long as its parse is (parses are kept between analyses: an edit
 * reads the models of the edited file only, and the others stay the same objects).
 */
const CODE_MODELS = new WeakMap<ts.SourceFile, RecordModel[]>();

function codeModels(module: Module): RecordModel[] {
  let models = CODE_MODELS.get(module.source);
  if (!models) CODE_MODELS.set(module.source, (models = readCodeModels(module)));
  return models;
}

function readCodeModels(module: Module): RecordModel[] {
  const source = module.source;
  const models: RecordModel[] = [];
  for (const statement of source.statements) {
    const declaration = ts.isExportAssignment(statement) ? statement.expression : statement;
    if (ts.isClassDeclaration(declaration) && declaration.name) {
      const decorators = decoratorsOf(declaration).map(decoratorCall);
      const orm = decorators.some((d) => d?.name === 'Entity') ? 'typeorm' : decorators.some((d) => d?.name === 'Schema') ? 'mongoose' : undefined;
      if (orm) models.push(classModel(module, declaration, orm));
    } else if ((ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration))) {
      const members = ts.isInterfaceDeclaration(declaration) ? declaration.members : ts.isTypeLiteralNode(declaration.type) ? declaration.type.members : undefined;
      if (!members) continue;
      const fields: ModelField[] = [];
      for (const member of members) {
        const name = ts.isPropertySignature(member) && propertyName(member.name);
        if (name) fields.push({ name, type: typeText(member.type, source), at: locate(module, member.name) });
      }
      models.push({ name: declaration.name.text, source: 'type', fields, at: locate(module, declaration.name) });
    }
  }
  // the calls that define models are named by these words, written as they are in the text (or with escapes)
  if (!MODEL_CALL_WORDS.some((word) => source.text.includes(word))) return models;
  for (const call of module.calls) {
    const callee = unwrap(call.expression);
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    const [first, second] = call.arguments;
    if (method === 'model' && first && ts.isStringLiteralLike(first) && second) {
      // mongoose.model('User', UserSchema)
      const fields = mongooseFields(module, second);
      if (fields) models.push({ name: first.text, source: 'mongoose', fields, at: locate(module, first) });
    } else if (method && DRIZZLE_TABLES.has(method) && first && ts.isStringLiteralLike(first) && second && ts.isObjectLiteralExpression(unwrap(second))) {
      // pgTable('users', { id: serial('id'), passwordHash: text('password_hash') })
      models.push({ name: first.text, source: 'drizzle', fields: objectFields(module, unwrap(second) as ts.ObjectLiteralExpression), at: locate(module, first) });
    } else if (method === 'define' && first && ts.isStringLiteralLike(first) && second && ts.isObjectLiteralExpression(unwrap(second))) {
      // sequelize.define('User', { ... }, options)
      models.push({ name: first.text, source: 'sequelize', fields: objectFields(module, unwrap(second) as ts.ObjectLiteralExpression, call.arguments[2]), at: locate(module, first) });
    } else if (method === 'init' && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && first && ts.isObjectLiteralExpression(unwrap(first))) {
      // class User extends Model {}; User.init({ ... }, { sequelize })
      models.push({ name: callee.expression.text, source: 'sequelize', fields: objectFields(module, unwrap(first) as ts.ObjectLiteralExpression, second), at: locate(module, callee.expression) });
    }
  }
  return models;
}

/** TypeORM's relation decorators: the related records are loaded only when a query asks for them. */
const TYPEORM_RELATIONS = new Set(['OneToOne', 'OneToMany', 'ManyToOne', 'ManyToMany']);

/** A TypeORM entity or a NestJS Mongoose `@Schema()` class: its decorated properties. */
function classModel(module: Module, cls: ts.ClassDeclaration, source: 'typeorm' | 'mongoose'): RecordModel {
  const fields: ModelField[] = [];
  let serializes = false;
  for (const member of cls.members) {
    const name = member.name && propertyName(member.name);
    if (!name) continue;
    if (ts.isMethodDeclaration(member) && name === 'toJSON') serializes = true;
    if (!ts.isPropertyDeclaration(member)) continue;
    const decorators = decoratorsOf(member).map(decoratorCall).filter((d) => d !== undefined);
    const hidden = decorators.some((d) => d.name === 'Exclude' || ((d.name === 'Column' || d.name === 'Prop') && selectFalse(d.args[d.args.length - 1])));
    const relation = decorators.some((d) => TYPEORM_RELATIONS.has(d.name));
    const prop = decorators.find((d) => d.name === 'Prop');
    const ref = prop && referenced(prop.args[0]);
    fields.push({
      name, type: typeText(member.type, module.source), at: locate(module, member.name),
      ...(hidden ? { hidden } : {}), ...(relation ? { relation } : {}), ...(ref ? { ref } : {}),
    });
  }
  return { name: cls.name!.text, source, fields, at: locate(module, cls.name!), ...(serializes ? { serializes } : {}) };
}

/** The fields of `new Schema({ ... })`, the schema expression or a variable holding it. */
function mongooseFields(module: Module, schema: ts.Expression): ModelField[] | undefined {
  let e = unwrap(schema);
  if (ts.isIdentifier(e)) {
    const declaration = findVariable(module, e.text);
    if (!declaration?.initializer) return undefined;
    e = unwrap(declaration.initializer);
  }
  if (ts.isNewExpression(e) && e.arguments?.[0] && ts.isObjectLiteralExpression(unwrap(e.arguments[0]))) {
    return objectFields(module, unwrap(e.arguments[0]) as ts.ObjectLiteralExpression);
  }
  return undefined;
}

function findVariable(module: Module, name: string): ts.VariableDeclaration | undefined {
  for (const statement of module.source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d;
  }
  return undefined;
}

/**
 * The keys of a field definition object (Mongoose, Sequelize): `select: false` in a field's options hides it, and
 * Sequelize's `defaultScope: { attributes: { exclude: [...] } }` in the model options hides those listed.
 */
function objectFields(module: Module, object: ts.ObjectLiteralExpression, options?: ts.Expression): ModelField[] {
  const excluded = new Set(excludedAttributes(options));
  const fields: ModelField[] = [];
  for (const property of object.properties) {
    const name = property.name && propertyName(property.name);
    if (!name) continue;
    const definition = ts.isPropertyAssignment(property) ? property.initializer : undefined;
    const hidden = excluded.has(name) || selectFalse(definition);
    const ref = referenced(definition);
    fields.push({ name, at: locate(module, property.name!), ...(hidden ? { hidden } : {}), ...(ref ? { ref } : {}) });
  }
  return fields;
}

function excludedAttributes(options: ts.Expression | undefined): string[] {
  const scope = options && memberOf(unwrap(options), 'defaultScope');
  const attributes = scope && memberOf(scope, 'attributes');
  const exclude = attributes && memberOf(attributes, 'exclude');
  return exclude && ts.isArrayLiteralExpression(exclude) ? exclude.elements.filter(ts.isStringLiteralLike).map((s) => s.text) : [];
}

/** The value of a key of an object literal, as written. */
export function memberOf(object: ts.Expression, key: string): ts.Expression | undefined {
  const e = unwrap(object);
  if (!ts.isObjectLiteralExpression(e)) return undefined;
  for (const p of e.properties) {
    if (!p.name || propertyName(p.name) !== key) continue;
    if (ts.isPropertyAssignment(p)) return unwrap(p.initializer);
    if (ts.isShorthandPropertyAssignment(p)) return p.name;
  }
  return undefined;
}
