import type { Check } from '../check';
import type { Fix, Severity } from '../../types';
import { replaceExpression } from '../../edit/code';
import type { HandlerFlow, Origin, SinkFact } from '../../code/flow/facts';
import { sensitiveName } from '../data-exposure/knowledge';
import { routeOperation } from './knowledge';
import { forFlowRoutes, flowSite, line, nameList, related, sensitiveFields, visibleFields } from './flow';
import type { Location } from '../../code/model';

/** Headers that carry credentials. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'api-key', 'x-auth-token', 'proxy-authorization']);
/** Models that hold people: a whole record of one is personal data. */
const PERSON_MODELS = /^(?:user|account|customer|member|person|profile|patient|employee|client)s?$/i;

export const codeSensitiveLogging: Check = {
  meta: {
    id: 'code-sensitive-logging',
    family: 'data-exposure',
    needs: ['code'],
    owasp: ['API3:2023', 'API8:2023'],
    cwe: ['CWE-532'],
    severity: 'warning',
    description: 'A handler writes request bodies, credentials (passwords, tokens, the Authorization header, cookies) or whole user records to a log (`console.*`, pino, winston, Nest `Logger`). Reported at the value logged.',
    rationale: 'Logs are copied to log services, kept for months and read by many people: a password, a token or a customer\'s whole record written there leaks to all of them, and is personal data the law asks you to minimize. '
      + 'Logs should say who asked for what (an id, a route, an outcome), never hold the data itself.',
    fix: 'Log an identifier instead of the value (`user.id`, the route and the outcome), and never a request body, a credential or a whole record; if a field is needed for debugging, redact it (pino `redact`).',
  },
  run(ctx) {
    forFlowRoutes(ctx, (route, flow) => {
      for (const sink of flow.sinks) {
        if (sink.kind !== 'log') continue;
        const finding = loggedData(sink, flow, ctx.config.sensitiveFields);
        if (!finding) continue;
        ctx.report({
          ...flowSite(route, sink.at, `log ${sink.text}`), severity: finding.severity, operations: [routeOperation(route)],
          message: `${route.key} writes ${finding.what} to the log: \`${sink.text.length <= 40 ? sink.text : 'the value'}\` reaches \`${sink.label}\` (${line(sink.at)}).`,
          related: finding.from ? [related(finding.from.at, finding.from.message)] : [],
          fixes: () => identifierFix(sink, finding.record),
        });
      }
    });
  },
};

/** What a log call writes: in words, how bad, whether it is a whole record, and where the value comes from. */
interface Logged { what: string; severity: Severity; record: boolean; from?: { at: Location; message: string } }

/** What sensitive data a log call writes, the worst first. */
function loggedData(sink: SinkFact, flow: HandlerFlow, extra: readonly string[]): Logged | undefined {
  const found: Logged[] = [];
  for (const o of sink.origins) {
    const item = loggedOrigin(o, flow, extra);
    if (item) found.push(item);
  }
  return found.sort((a, b) => (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1))[0];
}

function loggedOrigin(o: Origin, flow: HandlerFlow, extra: readonly string[]): Logged | undefined {
  const found = loggedValue(o, flow, extra);
  if (!found) return undefined;
  const from = o.kind === 'record'
    ? { at: flow.accesses[o.access].calleeAt, message: `the record comes from \`${flow.accesses[o.access].label}\` here` }
    : { at: o.at, message: o.kind === 'request' ? 'the value comes from the request here' : 'the caller is read here' };
  return { ...found, from };
}

function loggedValue(o: Origin, flow: HandlerFlow, extra: readonly string[]): Logged | undefined {
  if (o.kind === 'request') {
    if (o.part === 'body' && o.field === undefined) return { what: `the request body (\`${o.label}\`, ${line(o.at)})`, severity: 'warning', record: false };
    if (o.part === 'headers' && (o.field === undefined || CREDENTIAL_HEADERS.has(o.field.toLowerCase()))) return { what: `request headers with credentials (\`${o.label}\`)`, severity: 'error', record: false };
    if (o.part === 'cookies') return { what: `cookies (\`${o.label}\`)`, severity: 'error', record: false };
    const match = o.field !== undefined ? sensitiveName(o.field, extra) : undefined;
    if (match) return { what: `${match.label} from the request (\`${o.label}\`)`, severity: match.severity, record: false };
    return undefined;
  }
  if (o.kind === 'caller') {
    return o.field === undefined ? { what: `the caller's whole record (\`${o.label}\`)`, severity: 'warning', record: true } : undefined;
  }
  if (o.fields) {
    const match = o.fields.map((f) => sensitiveName(f, extra)).find((m) => m !== undefined);
    return match ? { what: `${match.label} (\`${o.label}\`)`, severity: match.severity, record: false } : undefined;
  }
  const model = flow.models[o.access];
  const access = flow.accesses[o.access];
  const sensitive = sensitiveFields(visibleFields(model, access), extra);
  if (sensitive.length > 0) return { what: `whole ${model!.name} records with ${nameList(sensitive.map((s) => s.field.name))}`, severity: 'warning', record: true };
  const name = model?.name ?? access.model;
  if (name && PERSON_MODELS.test(name)) return { what: `whole ${name} records`, severity: 'warning', record: true };
  return undefined;
}

/** Logs the record's id instead of the record. */
function identifierFix(sink: SinkFact, record: boolean): Fix[] {
  if (!record || !/^[\w$.]+$/.test(sink.text)) return [];
  return [{ title: `Log \`${sink.text}.id\` instead of the whole record`, kind: 'suggestion', edits: [replaceExpression(sink.at.file, sink.at.range, `${sink.text}.id`)] }];
}
