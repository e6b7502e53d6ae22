/**
 * The correlation as plain data, for an editor to navigate by: each operation of a paired document with the routes
 * that implement it, and each route of paired code with the operations it implements.
 */
import type { Route } from '../code/model';
import { jsonPointer } from '../identity';
import { child, isObject, type Operation } from '../spec/model';
import type { Range } from '../types';
import type { Correlation } from './index';

/** Where an operation is written: its method key, and the key of its path in the document's `paths`. */
export interface OperationPlace {
  method: string;
  path: string;
  /** Relative to the root. */
  file: string;
  /** The method key (`get`). */
  range: Range;
  /** The JSON pointer of the operation (`/paths/~1users/get`). */
  anchor: string;
  /** The path's key in `paths` of the document (`/users/{id}`), in `pathFile`. */
  pathRange?: Range;
  pathFile: string;
}

export interface EndpointLinks {
  /** Each operation of a document paired with code, with the routes that implement it (none: nothing does). */
  operations: { operation: OperationPlace; routes: Route[] }[];
  /** Each route of code paired with a document, with the operations it implements (none: a shadow route). */
  routes: { route: Route; operations: OperationPlace[] }[];
}

function place(op: Operation): OperationPlace {
  const { node } = op;
  const range = node.parent !== undefined && node.key !== undefined ? node.file.rangeOf(node.parent, node.key, 'key') : node.file.rangeAtPath(node.path, 'key');
  const paths = child(op.document.root, 'paths');
  const pathRange = paths && isObject(paths.value) ? op.document.file.rangeOf(paths.value, op.path, 'key') : undefined;
  return {
    method: op.method.toUpperCase(), path: op.path, file: node.file.relPath, range, anchor: jsonPointer(node.path),
    ...(pathRange ? { pathRange } : {}), pathFile: op.document.file.relPath,
  };
}

export function endpointLinks(correlation: Correlation): EndpointLinks {
  const places = new Map<Operation, OperationPlace>();
  const placeOf = (op: Operation) => {
    let found = places.get(op);
    if (!found) places.set(op, (found = place(op)));
    return found;
  };
  const byOperation = new Map<Operation, Route[]>();
  const byRoute = new Map<Route, OperationPlace[]>();
  for (const binding of correlation.bindings) {
    for (const op of binding.document.operations) if (!byOperation.has(op)) byOperation.set(op, []);
    for (const route of binding.routes) if (!byRoute.has(route)) byRoute.set(route, []);
  }
  for (const { operation, route } of correlation.pairs) {
    byOperation.get(operation)!.push(route);
    byRoute.get(route)!.push(placeOf(operation));
  }
  return {
    operations: [...byOperation].map(([op, routes]) => ({ operation: placeOf(op), routes })),
    routes: [...byRoute].map(([route, operations]) => ({ route, operations })),
  };
}
