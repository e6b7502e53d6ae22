/**
 * URL paths as OpenAPI templates, and the path patterns middleware is registered on.
 *
 * A route path as written (`/users/:id`, `/files/*`, Hono's `/posts/:id{[0-9]+}`, Express 5's `/users{/:id}`) becomes a
 * template: literal segments, `{name}` for a named parameter, and `{?}` for a segment that is not constant in the code
 * or matches more than one shape (optional, wildcard, unnamed pattern). Text that is not constant in the code reaches
 * these functions marked with `NOT_CONSTANT`.
 */

/** Marks text that is not constant in the code (a variable prefix, a computed segment). */
export const NOT_CONSTANT = '\u0000';
const UNKNOWN_SEGMENT = '{?}';
/** In a pattern: any number of segments, including none (a trailing `*`). */
const REST = '**';

const NAMED_PARAM = /^:([A-Za-z_$][\w$]*)(?:\([^]*\)|\{[^]*\})?$/;
const PLAIN_LITERAL = /^[\w.~@!$&'+,;=%-]*$/;
const PARTIAL_TEMPLATE = /^(?:[\w.~@!$&'+,;=%-]|\{[A-Za-z_$][\w$]*\})*$/;

/**
 * Splits a path on '/' outside groups (`(...)`, `{...}`), so a parameter's pattern may hold slashes. An Express 5
 * optional group starting with '/' (`{/:id}`) stands for segments of its own.
 */
function splitSegments(raw: string): string[] {
  const segments: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') { current += raw.slice(i, i + 2); i++; continue; }
    if (depth === 0 && c === '{' && raw[i + 1] === '/') {
      if (current !== '') segments.push(current);
      current = c;
      depth++;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if ((c === ')' || c === '}' || c === ']') && depth > 0) depth--;
    if (c === '/' && depth === 0) {
      if (current !== '') segments.push(current);
      current = '';
    } else current += c;
  }
  if (current !== '') segments.push(current);
  return segments;
}

function templateSegment(segment: string): string {
  if (segment.includes(NOT_CONSTANT)) return UNKNOWN_SEGMENT;
  const named = NAMED_PARAM.exec(segment);
  if (named) return `{${named[1]}}`;
  if (PLAIN_LITERAL.test(segment)) return segment;
  // parameters inside a literal segment (`:from-:to`, `file-:id.json`) stay named; anything else is not one shape
  const partial = segment.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}');
  return PARTIAL_TEMPLATE.test(partial) ? partial : UNKNOWN_SEGMENT;
}

/** Templates by path as written: an app writes the same few paths at many routes (`':id'`, `'items'`). */
const TEMPLATES = new Map<string, string>();
/** Templates kept at most; the memo starts over beyond (a long-running server reads many apps). */
const MAX_TEMPLATES = 10_000;

/** A route path as written in the code, as an OpenAPI template (`/users/:id` -> `/users/{id}`). */
export function toTemplate(raw: string): string {
  let template = TEMPLATES.get(raw);
  if (template === undefined) {
    if (TEMPLATES.size >= MAX_TEMPLATES) TEMPLATES.clear();
    template = `/${splitSegments(raw).map(templateSegment).join('/')}`;
    TEMPLATES.set(raw, template);
  }
  return template;
}

const SLASH = 0x2f;

/** Joins templates: `/api` + `/users/` + `/{id}` -> `/api/users/{id}`; the root is `/`. */
export function joinPaths(...templates: string[]): string {
  // called for every route and every link of its chain: a template already in shape ('/a/b') is taken whole
  let joined = '';
  for (const template of templates) {
    if (template === '') continue;
    if (template.charCodeAt(0) === SLASH && template.charCodeAt(template.length - 1) !== SLASH && !template.includes('//')) joined += template;
    else for (const segment of template.split('/')) if (segment !== '') joined += `/${segment}`;
  }
  return joined || '/';
}

/** Where middleware applies: segments (literal, `{x}` for any one segment, `**` for any rest), by prefix or whole. */
export interface PathPattern {
  segments: string[];
  /** True when the pattern matches every path below it too (Express `use('/api')`), false when it must match whole. */
  prefix: boolean;
}

export const EVERY_PATH: PathPattern = { segments: [], prefix: true };

/** A middleware path as written: a trailing `*` matches any rest, another `*` one segment. */
export function toPattern(raw: string, prefix: boolean): PathPattern {
  const segments = splitSegments(raw);
  return {
    prefix,
    segments: segments.map((segment, i) =>
      i === segments.length - 1 && (segment === '*' || /^\*[A-Za-z_$][\w$]*$/.test(segment) || segment === '(.*)') ? REST
        : segment === '*' ? UNKNOWN_SEGMENT : templateSegment(segment)),
  };
}

/** The pattern seen from above a mount at `base` (a template). */
export function underPrefix(base: string, pattern: PathPattern): PathPattern {
  return { prefix: pattern.prefix, segments: [...base.split('/').filter((s) => s !== ''), ...pattern.segments] };
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/**
 * Whether middleware on `pattern` runs for requests to the route `template`. A segment that is not constant on either
 * side may match: middleware is never assumed absent.
 */
export function covers(pattern: PathPattern, template: string): boolean {
  // middleware on every path (`app.use(mw)`, a global guard) covers every route of every app
  if (pattern.prefix && pattern.segments.length === 0) return true;
  const path = template.split('/').filter((s) => s !== '');
  for (let i = 0; i < pattern.segments.length; i++) {
    const want = pattern.segments[i];
    if (want === REST) return true;
    if (i >= path.length) return false;
    const have = path[i];
    if (isParam(want) || have === UNKNOWN_SEGMENT || want === have) continue;
    return false;
  }
  return pattern.prefix || path.length === pattern.segments.length;
}
