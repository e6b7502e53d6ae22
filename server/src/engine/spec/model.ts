import type { OperationRef } from '../types';
import type { FileSet, SpecNode } from './load';
import type { SourceFile } from './source';
import { recordedBuild } from '../reads';

export type OasVersion = '2.0' | '3.0' | '3.1';
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An object or an array: a document value that has a counterpart in the next analysis. */
export function isCollection(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** A value reached from another node; its JSON path is built only when asked for (most nodes of a walk never are). */
class ChildNode implements SpecNode {
  private fullPath?: (string | number)[];
  constructor(readonly file: SourceFile, readonly value: unknown, readonly parent: object, readonly key: string | number, readonly from: SpecNode) {}
  get path(): (string | number)[] { return (this.fullPath ??= [...this.from.path, this.key]); }
}

/** The key of the collection that holds `node` (`allOf` for an item of an `allOf`), without building its whole path. */
export function keyAbove(node: SpecNode): string | number | undefined {
  if (!(node instanceof ChildNode)) return node.path[node.path.length - 2];
  const { from } = node;
  return from.key ?? from.path[from.path.length - 1];
}

/** The child `key` of an object node (undefined when absent). */
export function child(node: SpecNode, key: string | number): SpecNode | undefined {
  const value = node.value;
  if (value === null || typeof value !== 'object') return undefined;
  const v = (value as Obj)[key as string];
  if (v === undefined) return undefined;
  return new ChildNode(node.file, v, value as object, key, node);
}

/** Entries of an object node as child nodes, in source order. */
export function entries(node: SpecNode | undefined): [string, SpecNode][] {
  if (!node || !isObject(node.value)) return [];
  // loops rather than map callbacks here and in `items`: every walk of the model goes through them
  const value = node.value;
  const keys = Object.keys(value);
  const list: [string, SpecNode][] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) list[i] = [keys[i], new ChildNode(node.file, value[keys[i]], value, keys[i], node)];
  return list;
}

/** Items of an array node as child nodes. */
export function items(node: SpecNode | undefined): SpecNode[] {
  if (!node || !Array.isArray(node.value)) return [];
  const value = node.value;
  const list: SpecNode[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) list[i] = new ChildNode(node.file, value[i], value, i, node);
  return list;
}

/** A place in a spec: a key, or the value under it. */
export interface Site { at: SpecNode; part?: 'key' | 'value' }

/** Whether `node` is written inside `owner` (same file, under its path), or is `owner`. */
export function within(node: SpecNode, owner: SpecNode): boolean {
  return node.file === owner.file && owner.path.length <= node.path.length && owner.path.every((k, i) => node.path[i] === k);
}

/** The string under `key` of an object node, if it is one. */
export function stringValue(node: SpecNode | undefined, key: string): string | undefined {
  if (!node || !isObject(node.value)) return undefined;
  const v = node.value[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The first key of an object node that `pattern` matches and whose value `accepts` (any value by default): an
 * extension such as `x-rate-limit`. Keys are read one by one: on parsed objects V8 builds the key/value pairs of
 * `Object.entries` several times slower than it lists the keys.
 */
export function keyMatching(node: SpecNode | undefined, pattern: RegExp, accepts: (value: unknown) => boolean = () => true): string | undefined {
  if (!node || !isObject(node.value)) return undefined;
  const value = node.value;
  for (const key in value) if (pattern.test(key) && accepts(value[key])) return key;
  return undefined;
}

export interface Content { mediaType: string; schema?: SpecNode }

export interface Parameter {
  /** The parameter object, refs followed. */
  node: SpecNode;
  name: string;
  in: string;
  required: boolean;
  /** Its schema (3.x `schema`); for 2.0 non-body parameters, the parameter itself (type, format, maxLength live there). */
  schema?: SpecNode;
}

export interface RequestBody { node: SpecNode; contents: Content[] }

export interface Response {
  status: string;
  /** The response object, refs followed. */
  node: SpecNode;
  /** Where the status code is written, in the responses map of the operation. */
  site: SpecNode;
  /** Header objects by lower-cased name, refs followed. */
  headers: Map<string, SpecNode>;
  contents: Content[];
}

export interface SecurityAlternative { node: SpecNode; schemes: { name: string; scopes: string[]; node: SpecNode }[] }

export interface EffectiveSecurity {
  /** Where the effective requirement is written: on the operation, at the root, or nowhere. */
  source: 'operation' | 'root' | 'none';
  node?: SpecNode;
  alternatives: SecurityAlternative[];
  /** True when some alternative requires nothing (`{}`), or the list is empty: the caller may be anonymous. */
  anonymous: boolean;
}

export interface Operation {
  document: ApiDocument;
  method: string;
  path: string;
  operationId?: string;
  /** The operation object; `parent` is the path item and `key` the method. */
  node: SpecNode;
  pathItem: SpecNode;
  parameters: Parameter[];
  requestBody?: RequestBody;
  responses: Response[];
  responsesNode?: SpecNode;
  security: EffectiveSecurity;
}

export interface ApiDocument {
  file: SourceFile;
  version: OasVersion;
  root: SpecNode;
  operations: Operation[];
  /** Security scheme objects by name, refs followed. */
  securitySchemes: Map<string, SpecNode>;
  /** The map that declares the schemes (components.securitySchemes or securityDefinitions). */
  securitySchemesNode?: SpecNode;
}

export function operationRef(op: Operation): OperationRef { return { method: op.method.toUpperCase(), path: op.path }; }
export function operationLabel(op: Operation): string { return `${op.method.toUpperCase()} ${op.path}`; }

/** A server object and the operations served by it (those that do not list servers of their own or of their path). */
export interface Server { node: SpecNode; operations: Operation[] }

/**
 * The server objects of an OpenAPI 3 document: its root `servers`, then those of each path item and operation (refs
 * followed), each list once. OpenAPI 2.0 has none (its `host` and `schemes` describe the one server).
 */
export function servers(doc: ApiDocument): Server[] {
  const lists = new Map<unknown, { list: SpecNode; operations: Operation[] }>();
  const serving = (owner: SpecNode) => {
    const list = child(owner, 'servers');
    if (!list || !Array.isArray(list.value)) return undefined;
    if (!lists.has(list.value)) lists.set(list.value, { list, operations: [] });
    return lists.get(list.value)!;
  };
  const root = serving(doc.root);
  for (const op of doc.operations) {
    // the nearest list applies: the operation's own, else its path item's, else the root's
    const own = serving(op.node);
    const path = serving(op.pathItem);
    (own ?? path ?? root)?.operations.push(op);
  }
  return [...lists.values()].flatMap(({ list, operations }) => items(list).map((node) => ({ node, operations })));
}

/** Template parameters of a path, e.g. `/users/{id}` gives ['id']. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/**
 * The responses that carry the success body: every 2xx (or 2XX); `default` only when the operation declares no
 * 2xx, because next to explicit successes `default` describes the errors.
 */
export function successResponses(op: Operation): Response[] {
  const ok = op.responses.filter((r) => /^2(?:\d\d|XX)$/i.test(r.status));
  return ok.length > 0 ? ok : op.responses.filter((r) => r.status === 'default');
}

/** `application/json`, `application/problem+json`, `application/vnd.github.v3+json; charset=utf-8`. */
export function isJsonMediaType(mediaType: string): boolean {
  return /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(mediaType.trim());
}

/** The OpenAPI version a parsed value declares, or undefined when it is not an OpenAPI document. */
export function detectVersion(value: unknown): OasVersion | undefined {
  if (!isObject(value)) return undefined;
  if (String(value.swagger) === '2.0') return '2.0';
  const v = value.openapi;
  if (typeof v === 'string') {
    if (v.startsWith('3.0')) return '3.0';
    if (v.startsWith('3.1')) return '3.1';
  }
  return undefined;
}

/** Builds the operation model of one OpenAPI document: path-item and operation parameters merged, refs followed. */
export function buildDocument(files: FileSet, file: SourceFile, version: OasVersion): ApiDocument {
  // what each operation read is recorded apart: after an edit, the model is compared only where it may differ
  return recordedBuild(() => buildOperations(files, file, version));
}

function buildOperations(files: FileSet, file: SourceFile, version: OasVersion): ApiDocument {
  const root: SpecNode = { file, value: file.value, path: [] };
  const doc: ApiDocument = { file, version, root, operations: [], securitySchemes: new Map() };
  const components = version === '2.0' ? undefined : child(root, 'components');
  const schemes = version === '2.0' ? child(root, 'securityDefinitions') : components && child(components, 'securitySchemes');
  if (schemes) {
    doc.securitySchemesNode = schemes;
    for (const [name, node] of entries(schemes)) {
      const scheme = files.deref(node);
      if (scheme && isObject(scheme.value)) doc.securitySchemes.set(name, scheme);
    }
  }
  const rootSecurity = child(root, 'security');
  for (const [path, itemSite] of entries(child(root, 'paths'))) {
    if (path.startsWith('x-')) continue;
    const pathItem = files.deref(itemSite);
    if (!pathItem || !isObject(pathItem.value)) continue;
    const shared = items(child(pathItem, 'parameters'));
    for (const method of HTTP_METHODS) {
      const opNode = child(pathItem, method);
      const opValue = opNode?.value;
      if (!opNode || !isObject(opValue)) continue;
      doc.operations.push(recordedBuild(() => {
        const op: Operation = {
          document: doc, method, path, node: opNode, pathItem,
          operationId: typeof opValue.operationId === 'string' ? opValue.operationId : undefined,
          parameters: [], responses: [],
          security: effectiveSecurity(child(opNode, 'security'), rootSecurity),
        };
        collectParameters(files, op, shared, items(child(opNode, 'parameters')), version);
        if (version !== '2.0') {
          const body = child(opNode, 'requestBody');
          const resolved = body && files.deref(body);
          if (resolved) op.requestBody = { node: resolved, contents: contents(files, resolved) };
        }
        collectResponses(files, op, version);
        return op;
      }));
    }
  }
  return doc;
}

function collectParameters(files: FileSet, op: Operation, shared: SpecNode[], own: SpecNode[], version: OasVersion): void {
  const byKey = new Map<string, Parameter>();
  const bodyParams: Parameter[] = [];
  for (const site of [...shared, ...own]) {
    const node = files.deref(site);
    if (!node || !isObject(node.value)) continue;
    const name = String(node.value.name ?? '');
    const location = String(node.value.in ?? '');
    const param: Parameter = { node, name, in: location, required: node.value.required === true || location === 'path' };
    if (version === '2.0') param.schema = location === 'body' ? deref(files, child(node, 'schema')) : node;
    else param.schema = deref(files, child(node, 'schema'));
    // operation-level parameters override path-level ones with the same name and location
    byKey.set(`${location}\0${name}`, param);
    if (location === 'body' || location === 'formData') bodyParams.push(param);
  }
  op.parameters = [...byKey.values()].filter((p) => p.in !== 'body' && p.in !== 'formData');
  if (version === '2.0' && bodyParams.length > 0) {
    const body = bodyParams.find((p) => p.in === 'body');
    const consumes = mediaTypes(op, 'consumes');
    if (body) op.requestBody = { node: body.node, contents: consumes.map((mediaType) => ({ mediaType, schema: body.schema })) };
    else op.requestBody = { node: bodyParams[0].node, contents: [] };
  }
}

/** 2.0 `consumes`/`produces`, operation over root, JSON by default. */
function mediaTypes(op: Operation, key: 'consumes' | 'produces'): string[] {
  const own = (op.node.value as Obj)[key];
  const global = (op.document.root.value as Obj)[key];
  const list = Array.isArray(own) ? own : Array.isArray(global) ? global : ['application/json'];
  return list.length > 0 ? list.map(String) : ['application/json'];
}

function deref(files: FileSet, node: SpecNode | undefined): SpecNode | undefined { return node && files.deref(node); }

function contents(files: FileSet, owner: SpecNode): Content[] {
  return entries(child(owner, 'content')).map(([mediaType, media]) => {
    const m = files.deref(media);
    return { mediaType, schema: m ? deref(files, child(m, 'schema')) : undefined };
  });
}

function collectResponses(files: FileSet, op: Operation, version: OasVersion): void {
  const responses = child(op.node, 'responses');
  op.responsesNode = responses;
  for (const [status, site] of entries(responses)) {
    if (status.startsWith('x-')) continue;
    const node = files.deref(site);
    if (!node || !isObject(node.value)) continue;
    const headers = new Map<string, SpecNode>();
    for (const [name, header] of entries(child(node, 'headers'))) {
      const h = files.deref(header);
      if (h) headers.set(name.toLowerCase(), h);
    }
    let list: Content[];
    if (version === '2.0') {
      const schema = deref(files, child(node, 'schema'));
      list = schema ? mediaTypes(op, 'produces').map((mediaType) => ({ mediaType, schema })) : [];
    } else list = contents(files, node);
    op.responses.push({ status, node, site, headers, contents: list });
  }
}

function effectiveSecurity(own: SpecNode | undefined, root: SpecNode | undefined): EffectiveSecurity {
  const node = own && Array.isArray(own.value) ? own : root && Array.isArray(root.value) ? root : undefined;
  if (!node) return { source: 'none', alternatives: [], anonymous: true };
  const alternatives = items(node).filter((n) => isObject(n.value)).map((alt) => ({
    node: alt,
    schemes: entries(alt).map(([name, scopes]) => ({
      name, node: scopes, scopes: Array.isArray(scopes.value) ? scopes.value.map(String) : [],
    })),
  }));
  return {
    source: node === own ? 'operation' : 'root',
    node,
    alternatives,
    anonymous: alternatives.length === 0 || alternatives.some((a) => a.schemes.length === 0),
  };
}
