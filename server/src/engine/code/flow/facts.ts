/**
 * Reading the flow facts of routes: plain data, free of TypeScript, so that the checks, the correlator and the
 * editor can read them without loading the compiler.
 */
import type { Route } from '../model';
import type { HandlerFlow, Origin, ReturnedShape, SinkFact } from './model';

export type { DataAccess, Filter, HandlerFlow, IncludedRelation, ModelField, ObjectSlot, Origin, RecordModel, RequestPart, ReturnedShape, SinkFact } from './model';

/** The flow facts of a route, when its handler could be read. */
export function routeFlow(route: Route): HandlerFlow | undefined {
  return route.flow;
}

/**
 * The shape a route returns: each value written to its response, with the records in it, whole or narrowed, and the
 * fields they carry (a whole record carries its model's fields but those never read or serialized).
 */
export function returnedShape(route: Route): ReturnedShape[] {
  const flow = route.flow;
  if (!flow) return [];
  return flow.sinks.filter((s) => s.kind === 'response').map((sink) => {
    const records = sink.origins.filter((o): o is Extract<Origin, { kind: 'record' }> => o.kind === 'record');
    const shape: ReturnedShape = {
      at: sink.at, label: sink.label, text: sink.text,
      records: records.map((o) => {
        const model = flow.models[o.access];
        const access = flow.accesses[o.access];
        const whole = !o.fields && !access.projection?.keep;
        return { ...(model ? { model: model.name } : access.model ? { model: access.model } : {}), whole, fields: o.fields ?? access.projection?.keep ?? visibleFields(flow, o.access) };
      }),
    };
    const keys = sentKeys(flow, sink);
    return keys ? { ...shape, keys } : shape;
  });
}

/** The fields a query returns of its model's when it projects none: neither hidden ones nor relations. */
function visibleFields(flow: HandlerFlow, access: number, withRelations = true): string[] {
  const drop = flow.accesses[access].projection?.drop;
  return (flow.models[access]?.fields ?? []).filter((f) => !f.hidden && (withRelations || !f.relation) && !drop?.includes(f.name)).map((f) => f.name);
}

/** A literal written in place (`{ user }`, `[a, b]`): its keys are its own, not those of the records in it. */
const LITERAL = /^\s*[[{]/;

function sentKeys(flow: HandlerFlow, sink: SinkFact): ReturnedShape['keys'] {
  if (sink.origins.length === 0 || LITERAL.test(sink.text)) return undefined;
  const accesses = new Set(sink.origins.map((o) => (o.kind === 'record' && !o.fields ? o.access : -1)));
  if (accesses.size !== 1 || accesses.has(-1)) return undefined;
  const [index] = accesses;
  const access = flow.accesses[index];
  const model = flow.models[index];
  const fields = access.projection?.keep ?? (model ? visibleFields(flow, index, false) : undefined);
  if (!fields || fields.length === 0) return undefined;
  return { fields, many: access.many, ...(model ? { model: model.name } : access.model ? { model: access.model } : {}) };
}
