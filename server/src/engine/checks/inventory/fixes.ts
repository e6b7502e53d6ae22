/**
 * The inventory checks' fixes: write a route's operation into the spec that describes its code, in the document's
 * own style (its path template and parameter syntax, its security schemes, its 401/403 responses, `operationId`s when
 * its operations have them); remove an operation nothing implements.
 */
import type { Fix, TextEdit } from '../../types';
import type { Route } from '../../code/model';
import { linksOf } from '../../code/part';
import { endpointSegments, type Binding } from '../../correlate';
import { attempt } from '../../edit/fixes';
import { insertAtPath, insertEntry, removeEntry, type PlainValue } from '../../edit/edits';
import type { FileSet } from '../../spec/load';
import { child, entries, HTTP_METHODS, isObject, operationLabel, type ApiDocument, type Operation } from '../../spec/model';
import { authFailureResponses, conventionalSchemes } from '../auth/fixes';
import { words } from '../words';

/** The route's path as the spec writes it: below the binding's base, `{name}` parameters; undefined when it cannot be. */
function specPath(route: Route, binding: Binding): string | undefined {
  const segments = route.path.split('/').filter((s) => s !== '');
  const base = binding.base.split('/').filter((s) => s !== '');
  if (segments.includes('{?}') || !base.every((s, i) => segments[i] === s)) return undefined;
  return `/${segments.slice(base.length).join('/')}`;
}

/** The path item of `paths` that holds the same endpoint path (whatever its parameters' names), refs followed. */
function samePathItem(files: FileSet, doc: ApiDocument, path: string): { key: string; item: ReturnType<FileSet['deref']> } | undefined {
  const wanted = endpointSegments(path).join('/');
  for (const [key, node] of entries(child(doc.root, 'paths'))) {
    if (endpointSegments(key).join('/') === wanted) return { key, item: files.deref(node) };
  }
  return undefined;
}

/**
 * The path parameters of a path about to be written, in the document's style: a parameter in the same place of a
 * path the document already has (`/projects/{id}` for `/projects/{projectId}/archive`) lends its name and its schema;
 * any other is a string.
 */
function pathParameters(doc: ApiDocument, path: string): { codeName: string; name: string; value: PlainValue }[] {
  const segments = path.split('/').filter((s) => s !== '');
  const found: { codeName: string; name: string; value: PlainValue }[] = [];
  segments.forEach((segment, i) => {
    const param = /^\{([^}]+)\}$/.exec(segment);
    if (!param) return;
    const known = sameParameter(doc, segments.slice(0, i + 1));
    const name = known?.name ?? param[1];
    if (known) found.push({ codeName: param[1], name, value: known.value });
    else found.push({ codeName: param[1], name, value: doc.version === '2.0' ? { name, in: 'path', required: true, type: 'string' } : { name, in: 'path', required: true, schema: { type: 'string' } } });
  });
  return found;
}

/**
 * A path parameter written in the document's own file whose path begins like `prefix` (its last segment the
 * parameter): its name and a copy of its definition.
 */
function sameParameter(doc: ApiDocument, prefix: string[]): { name: string; value: PlainValue } | undefined {
  const wanted = endpointSegments(`/${prefix.join('/')}`);
  for (const op of doc.operations) {
    const segments = op.path.split('/').filter((s) => s !== '');
    if (segments.length < prefix.length) continue;
    if (endpointSegments(`/${segments.slice(0, prefix.length).join('/')}`).join('/') !== wanted.join('/')) continue;
    const name = /^\{([^}]+)\}$/.exec(segments[prefix.length - 1])?.[1];
    const parameter = op.parameters.find((p) => p.in === 'path' && p.name === name);
    if (name && parameter && parameter.node.file === doc.file) return { name, value: JSON.parse(JSON.stringify(parameter.node.value)) as PlainValue };
  }
  return undefined;
}

/** `getUsersById`-style ids when most of the document's operations have one. */
function operationId(doc: ApiDocument, method: string, path: string): string | undefined {
  const withIds = doc.operations.filter((op) => op.operationId !== undefined).length;
  if (withIds * 2 <= doc.operations.length) return undefined;
  const parts = path.split('/').filter((s) => s !== '').flatMap((segment) => {
    const param = /^\{(.+)\}$/.exec(segment);
    return param ? ['by', ...words(param[1])] : words(segment);
  });
  const id = [method, ...parts].map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join('');
  return doc.operations.some((op) => op.operationId === id) ? undefined : id;
}

/** Whether the document's root requires a credential of every operation that does not say otherwise. */
function rootRequiresAuth(doc: ApiDocument): boolean {
  const root = child(doc.root, 'security');
  return Array.isArray(root?.value) && root.value.length > 0 && root.value.every((alt) => isObject(alt) && Object.keys(alt).length > 0);
}

/**
 * Adds the route's operation to the spec: the method under its path (a path item that exists is extended), path
 * parameters unless the path item declares them, `security` as the code enforces it (nothing when the root's
 * requirement already says so; `security: []` when the code enforces none under a root requirement), and a success
 * response, with 401 and 403 when it is protected. A suggestion: the author completes the description.
 */
export function addOperationFix(files: FileSet, route: Route, binding: Binding): Fix[] {
  const fix = attempt(() => {
    const doc = binding.document;
    const method = route.method.toLowerCase();
    const path = specPath(route, binding);
    if (path === undefined || !(HTTP_METHODS as readonly string[]).includes(method)) return undefined;
    const existing = samePathItem(files, doc, path);
    if (existing && (!existing.item || !isObject(existing.item.value) || method in existing.item.value)) return undefined;
    let writtenPath = existing?.key ?? path;
    const declaredParameters = existing?.item && isObject(existing.item.value) && existing.item.value.parameters !== undefined;
    const parameters = pathParameters(doc, writtenPath);
    if (!existing) writtenPath = parameters.reduce((path, p) => path.replace(`{${p.codeName}}`, `{${p.name}}`), writtenPath);
    const id = operationId(doc, method, writtenPath);
    const operation: { [key: string]: PlainValue } = id ? { operationId: id } : {};
    if (parameters.length > 0 && !declaredParameters) operation.parameters = parameters.map((p) => p.value);
    const protectedInCode = linksOf(route, 'auth').length > 0;
    const file = existing?.item?.file ?? doc.file;
    if (protectedInCode && !rootRequiresAuth(doc)) {
      const schemes = conventionalSchemes(doc);
      if (schemes) operation.security = [Object.fromEntries(schemes.map((name) => [name, []]))];
    } else if (!protectedInCode && rootRequiresAuth(doc)) operation.security = [];
    operation.responses = {
      [method === 'post' ? '201' : method === 'delete' ? '204' : '200']: { description: 'Success' },
      ...(protectedInCode ? authFailureResponses(doc, file) : {}),
    };
    const paths = child(doc.root, 'paths');
    let edit: TextEdit | undefined;
    if (existing?.item) edit = insertEntry(existing.item.file, existing.item.value as object, method, operation);
    else if (paths && isObject(paths.value)) edit = insertEntry(doc.file, paths.value, writtenPath, { [method]: operation });
    else edit = insertAtPath(doc.file, ['paths', writtenPath], { [method]: operation });
    if (!edit) return undefined;
    return { title: `Document ${method.toUpperCase()} ${writtenPath} in ${doc.file.relPath}`, kind: 'suggestion', edits: [edit] };
  });
  return fix ? [fix] : [];
}

/** Removes an operation nothing implements (its path too, when it is the path's only operation). */
export function removeOperationFix(op: Operation): Fix[] {
  const fix = attempt(() => {
    const pathItem = op.pathItem;
    const others = HTTP_METHODS.filter((m) => m !== op.method && isObject(pathItem.value) && pathItem.value[m] !== undefined);
    const paths = child(op.document.root, 'paths');
    const whole = others.length === 0 && pathItem.file === op.document.file && paths !== undefined && isObject(paths.value)
      && Object.keys(pathItem.value as object).every((key) => key === op.method || key === 'parameters' || key === 'summary' || key === 'description');
    const edit = whole ? removeEntry(op.document.file, paths!.value as object, op.path) : removeEntry(op.node.file, pathItem.value as object, op.method);
    return { title: `Remove ${operationLabel(op)} from ${op.document.file.relPath} (nothing implements it)`, kind: 'suggestion', edits: [edit] };
  });
  return fix ? [fix] : [];
}
