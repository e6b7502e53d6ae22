/**
 * Reading the flow facts of routes: plain data, free of TypeScript, so that the checks, the correlator and the
 * editor can read them without loading the compiler.
 */
import type { Route } from '../model';
import type { HandlerFlow, Origin, ReturnedShape } from './model';

export type { DataAccess, Filter, HandlerFlow, ModelField, ObjectSlot, Origin, RecordModel, RequestPart, ReturnedShape, SinkFact } from './model';

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
  return flow.sinks.filter((s) => s.kind === 'response').map((sink) => ({
    at: sink.at, label: sink.label,
    records: sink.origins.filter((o): o is Extract<Origin, { kind: 'record' }> => o.kind === 'record').map((o) => {
      const model = flow.models[o.access];
      const access = flow.accesses[o.access];
      const whole = !o.fields && !access.projection?.keep;
      const visible = (model?.fields ?? []).filter((f) => !f.hidden && !access.projection?.drop?.includes(f.name)).map((f) => f.name);
      return { ...(model ? { model: model.name } : access.model ? { model: access.model } : {}), whole, fields: o.fields ?? access.projection?.keep ?? visible };
    }),
  }));
}

