/**
 * The engine behind the Spectral ruleset (rulesets/api-sentinel.yaml). Every rule of the ruleset calls the one
 * function in rulesets/functions/, which calls `checkResults` here: the document is analysed once per Spectral run
 * (all rules share that analysis) and each rule picks the findings of its check.
 *
 * Spectral computes a result's range from the JSON path it is given, and for its default (resolved) rules a path that
 * runs through a `$ref` lands in the referenced file. So a finding is returned as the path that reaches its place:
 * its own path in the linted document, or for a finding in another file, a path through the `$ref`s that lead there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IFunctionResult, RulesetFunctionContext } from '@stoplight/spectral-core';
import { analyze, parseConfig, CHECK_IDS, CONFIG_FILE, type Finding } from '../server/src/engine';

export { CHECK_IDS };

type Segment = string | number;
type Inventory = RulesetFunctionContext['documentInventory'];
type SpectralDocument = RulesetFunctionContext['document'];

interface Analysis { findings: Finding[]; place: (finding: Finding) => Segment[] }

/** One analysis per Spectral run: the run's document inventory is shared by all rules and dropped with the run. */
const analyses = new WeakMap<Inventory, Promise<Analysis>>();

/** The findings of one check on the document being linted, as Spectral results. Suppressed findings are left out. */
export async function checkResults(checkId: string, context: RulesetFunctionContext): Promise<IFunctionResult[]> {
  let analysis = analyses.get(context.documentInventory);
  if (!analysis) {
    analysis = analyzeDocument(context.document, context.documentInventory);
    analyses.set(context.documentInventory, analysis);
  }
  const { findings, place } = await analysis;
  return findings
    .filter((f) => f.ruleId === checkId && !f.suppressed)
    .map((f) => ({ message: f.message, path: place(f).map(encodeSegment) }));
}

const isUrl = (name: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(name);
const absolute = (name: string, base = process.cwd()) => (isUrl(name) ? name : path.resolve(base, name));

/** The text Spectral parsed (an editor's unsaved buffer, say); a pre-parsed document only has its file. */
function textOf(document: SpectralDocument): string | undefined {
  const input = (document as { input?: unknown }).input;
  if (typeof input === 'string') return input;
  return document.source && !isUrl(document.source) ? readText(document.source) : undefined;
}

function readText(file: string): string | undefined {
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
}

/** The project root, as for `api-sentinel review`: the working directory, or the document's folder when it lies outside. */
function projectRoot(documentPath: string): string {
  const cwd = process.cwd();
  const rel = path.relative(cwd, documentPath);
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.dirname(documentPath) : cwd;
}

async function analyzeDocument(document: SpectralDocument, inventory: Inventory): Promise<Analysis> {
  const text = textOf(document);
  const documentPath = absolute(document.source ?? (text?.trimStart().startsWith('{') ? 'openapi.json' : 'openapi.yaml'));
  const root = projectRoot(documentPath);
  if (text === undefined) return { findings: [], place: (f) => f.path };
  // What Spectral parsed, by absolute file: the engine reads the same texts and checks paths against the same data.
  const texts = new Map<string, string>([[documentPath, text]]);
  const datas = new Map<string, unknown>([[documentPath, document.data]]);
  for (const [source, referenced] of Object.entries(inventory.referencedDocuments)) {
    const referencedText = textOf(referenced);
    if (referencedText !== undefined) texts.set(absolute(source), referencedText);
    datas.set(absolute(source), referenced.data);
  }
  const configText = readText(path.join(root, CONFIG_FILE));
  const config = configText === undefined ? {} : parseConfig(configText, CONFIG_FILE, CHECK_IDS).config;
  const result = await analyze({
    root, files: [documentPath], explicit: new Set([documentPath]),
    // Spectral's own rule configuration decides which rules run and at what severity; the rest of ours applies.
    config: { ...config, rules: undefined },
    reader: { read: (file) => texts.get(file) ?? (isUrl(file) ? undefined : readText(file)) },
  });
  let entries: Map<string, Entry[]> | undefined;
  const place = (finding: Finding): Segment[] => {
    const file = absolute(finding.file, root);
    const own = unreferencedPath(datas.get(file), finding.path);
    if (file === documentPath) return own;
    entries ??= refEntries(inventory, document);
    const entry = entries.get(file)?.find((e) => startsWith(own, e.pointer));
    // Not reached through Spectral's resolved refs: the closest Spectral can show is the document itself.
    return entry ? [...entry.at, ...own.slice(entry.pointer.length)] : [];
  };
  return { findings: result.findings, place };
}

/**
 * Spectral follows a path that ends at a `$ref` object to the referenced value, which is not where a finding about
 * the key holding the `$ref` belongs: such a finding is returned at the enclosing object instead.
 */
function unreferencedPath(data: unknown, findingPath: Segment[]): Segment[] {
  let value = data;
  for (const segment of findingPath) {
    if (value === null || typeof value !== 'object') return findingPath;
    value = (value as Record<string, unknown>)[segment];
  }
  const isRef = value !== null && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'string';
  return isRef && findingPath.length > 0 ? findingPath.slice(0, -1) : findingPath;
}

/** Where a file's content at `pointer` appears in the linted document's resolved tree: at path `at`. */
interface Entry { pointer: Segment[]; at: Segment[] }

/**
 * Every place where a file reached through `$ref`s enters the linted document's resolved tree, by absolute file,
 * breadth first (shortest paths first), from Spectral's ref graph. A place already covered by an entry at an
 * enclosing pointer of the same file is skipped, so the document's own local refs cost nothing.
 */
function refEntries(inventory: Inventory, document: SpectralDocument): Map<string, Entry[]> {
  const entries = new Map<string, Entry[]>();
  const graph = inventory.graph;
  if (!graph || document.source === null) return entries;
  // `source`: the file as Spectral's ref graph names it
  const queue: (Entry & { source: string })[] = [{ source: document.source, pointer: [], at: [] }];
  while (queue.length > 0) {
    const { source, pointer, at } = queue.shift()!;
    const file = absolute(source);
    const known = entries.get(file) ?? [];
    if (known.some((e) => startsWith(pointer, e.pointer))) continue;
    entries.set(file, [...known, { pointer, at }]);
    if (!graph.hasNode(source)) continue;
    for (const [site, ref] of Object.entries(graph.getNodeData(source).refMap)) {
      const sitePath = pointerPath(site);
      if (!startsWith(sitePath, pointer)) continue;
      const hash = ref.indexOf('#');
      const target = hash === -1 ? ref : ref.slice(0, hash);
      queue.push({
        source: target === '' ? source : isUrl(target) || path.isAbsolute(target) ? target : path.join(path.dirname(source), target),
        pointer: hash === -1 ? [] : pointerPath(ref.slice(hash)),
        at: [...at, ...sitePath.slice(pointer.length)],
      });
    }
  }
  return entries;
}

/** `#/a~1b/0` -> ['a/b', '0'] (segments may also be percent-encoded, as in Spectral's ref map). */
function pointerPath(pointer: string): string[] {
  const body = pointer.replace(/^#\/?/, '');
  if (body === '') return [];
  return body.split('/').map((s) => {
    let decoded = s;
    try { decoded = decodeURIComponent(s); } catch { /* a literal '%' */ }
    return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

function startsWith(full: Segment[], prefix: Segment[]): boolean {
  return prefix.length <= full.length && prefix.every((s, i) => String(s) === String(full[i]));
}

/** Spectral decodes `~0`/`~1` in result paths, so keys holding `~` or `/` (every API path) are encoded first. */
function encodeSegment(segment: Segment): Segment {
  return typeof segment === 'number' ? segment : segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
