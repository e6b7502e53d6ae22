/**
 * What happens to values inside a route's handler, as plain data: where the request's data and the database's
 * records go (data access, the response, the logs), the models those records have, and where a change would go.
 * Free of TypeScript: the checks, the edit layer and the correlator read these facts.
 */
import type { Position } from '../../types';
import type { Location } from '../model';

/** Where a value came from: a part of the request, a record from data access, or the authenticated caller. */
export type Origin =
  /** `field` is set when one field of the part was taken (`req.params.id`), absent for the whole part (`req.body`). */
  | { kind: 'request'; part: RequestPart; field?: string; at: Location; label: string }
  /**
   * A record (or list of records) a data access returned: `access` indexes `HandlerFlow.accesses`. `fields` lists the
   * fields it was narrowed to (`pick`, a projection, a mapping), absent while it is whole.
   */
  | { kind: 'record'; access: number; fields?: string[]; label: string; at: Location }
  /** The authenticated caller or one of its fields (`req.user.id`, `@CurrentUser() user`, `c.get('jwtPayload')`). */
  | { kind: 'caller'; field?: string; at: Location; label: string };

export type RequestPart = 'params' | 'query' | 'body' | 'headers' | 'cookies';

export type AccessLibrary = 'prisma' | 'typeorm' | 'mongoose' | 'sequelize' | 'knex' | 'drizzle' | 'sql';

/** One condition of a lookup: the column or key compared, and where its value came from. */
export interface Filter { key: string; origins: Origin[] }

/** A place where a key may be added to an object literal written in the code (the lookup's `where`, the call's options). */
export interface ObjectSlot {
  /** Where to insert: after the last property, or just inside `{` when it is empty. */
  at: Position;
  /** Whether a comma must come before the new property. */
  comma: boolean;
  /** The keys written there. */
  keys: string[];
}

/** A call of a database library: what it reads or changes, how, and under which conditions. */
export interface DataAccess {
  library: AccessLibrary;
  /** As written: `prisma.user.findUnique`, `User.findById`, `usersRepository.findOneBy`, `pool.query`. */
  label: string;
  /** The call that starts the query (chained modifiers such as `.select()`, `.limit()` follow it). */
  at: Location;
  /** Its callee (`prisma.user.findUnique`): where a finding about the lookup points. */
  calleeAt: Location;
  /** Inside the parentheses of a call written without arguments (`findMany()`), where options can be added. */
  emptyArgsAt?: Position;
  /** The model's name as the code names it (`user`, `User`, `users` for a table), when it is known. */
  model?: string;
  operation: 'read' | 'create' | 'update' | 'delete';
  /** Whether it returns a list of records. */
  many: boolean;
  filters: Filter[];
  /** The fields a projection keeps (`select`, `attributes`, `.select('a b')`), or drops (`exclude`). */
  projection?: { keep?: string[]; drop?: string[] };
  /** The related records the query returns inside each record (`include: { owner: true }`, TypeORM `relations`). */
  includes?: IncludedRelation[];
  /** The limit on the records returned: absent when there is none. */
  limit?: { bounded: boolean; origins: Origin[]; at: Location };
  /**
   * The data written by a create or update, with the place of its expression; `fromReceiver` when it is the document
   * the call is made on (`doc.save()`), not an argument.
   */
  payload?: { origins: Origin[]; at: Location; fromReceiver?: boolean };
  /** The options object of the call (Prisma's argument, TypeORM's find options), where keys can be added. */
  options?: ObjectSlot;
  /** The filter object literal (Prisma's `where`, `findOneBy({ ... })`, Mongoose's filter), where conditions can be added. */
  where?: ObjectSlot;
  /** A Mongoose `findById(id)` call: its callee name and argument, to rewrite as a filtered `findOne`. */
  byId?: { name: Location; argument: Location; argumentText: string };
  /** Whether the access is written in the handler's own function (its request and caller are in scope there). */
  inHandler: boolean;
  /** The ownership checks and authorization calls that guard the record it returns (`if (order.userId !== req.user.id)`). */
  guarded: boolean;
}

/**
 * A relation a query returns with its records: Prisma's `include: { owner: true }` or a relation named in `select`,
 * TypeORM's `relations: ['owner']`, Mongoose's `.populate('owner')`. Only relations (or references) of the record's
 * model are kept, with the related model when known.
 */
export interface IncludedRelation {
  /** The relation's field: `owner`. */
  field: string;
  /** The related records' fields it keeps (`owner: { select: { name: true } }`) or drops (`.populate('owner', '-password')`). */
  keep?: string[];
  drop?: string[];
  /** The value that asks for it (`true`, `{ select: ... }`, the `'owner'` of `relations`), where a narrowing goes. */
  at: Location;
  /** Asked for with a plain `true`, which a narrowing can replace. */
  plain?: boolean;
  /** The related records' model, when known. */
  model?: RecordModel;
}

/** A value that reaches a sink: the response or a log. */
export interface SinkFact {
  kind: 'response' | 'log';
  /** As written: `res.json`, `return`, `console.log`, `this.logger.info`. */
  label: string;
  /** The expression written to the sink. */
  at: Location;
  /** The source text of that expression (short), for suggestions. */
  text: string;
  origins: Origin[];
}

/** A field of a record model. */
export interface ModelField {
  name: string;
  /** Never read by default (`select: false` in Mongoose or TypeORM) or dropped when serialized (`@Exclude()`). */
  hidden?: boolean;
  /** A link to other records (a Prisma relation, a TypeORM `@ManyToOne`...): returned only when the query includes it. */
  relation?: boolean;
  /** The field's type as written (`String`, `Int`, `string`, another model's name). */
  type?: string;
  /** The model a Mongoose reference names (`ref: 'User'`): its records replace the ids where a query populates it. */
  ref?: string;
  at?: Location;
}

/** The shape of a record: from `schema.prisma`, a TypeORM, Mongoose, Sequelize or Drizzle definition, or a TS type. */
export interface RecordModel {
  name: string;
  source: 'prisma' | 'typeorm' | 'mongoose' | 'sequelize' | 'drizzle' | 'type';
  fields: ModelField[];
  at?: Location;
  /** The model serializes itself (a `toJSON` method, or a serializer that drops fields). */
  serializes?: boolean;
}

/** What the flow analysis knows about one handler. */
export interface HandlerFlow {
  accesses: DataAccess[];
  sinks: SinkFact[];
  /** The models of the accesses, by access index (absent when unknown). */
  models: (RecordModel | undefined)[];
  /** Whether the handler (or what it calls) reads the authenticated caller. */
  readsCaller: boolean;
  /** Text that names the caller's id where the handler's request is in scope (`req.user.id`), for suggestions. */
  callerIdText?: string;
  /**
   * Whether a validating schema strips unknown keys from the body before it is used (`ValidationPipe({ whitelist:
   * true })`, zod, joi `stripUnknown`), with the DTO's declared fields when the body is typed by a class.
   */
  bodyValidated: boolean;
  /** The fields the body's declared type (a NestJS DTO class, a TS type) lists, when known. */
  bodyFields?: string[];
  /** Whether the analysis stopped early (the handler is too large or calls too deep): facts may be missing. */
  truncated?: boolean;
}

/** The shape a route returns: each response sink, with the models of the records that reach it and their fields. */
export interface ReturnedShape {
  at: Location;
  label: string;
  /** The source text of the expression sent (short). */
  text: string;
  /** Records reaching the response: the model's name, and the fields returned (narrowed, or the model's visible fields). */
  records: { model?: string; whole: boolean; fields: string[] }[];
  /**
   * The keys of each object sent, when what is sent is the records of one data access themselves, whole or as their
   * query projected them (relations left out: a query returns them only when it includes them); absent when the
   * value is built in place (an object or array literal), mixes other values, or its model is unknown.
   */
  keys?: { fields: string[]; many: boolean; model?: string };
}
