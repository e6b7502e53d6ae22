// `npm run bench:routes`: route analysis on generated apps as large as real ones (an Express app and a NestJS app, 2,000
// routes in 200 route files each, their packages and @types installed as a real project has them), timed as a cold
// `api-sentinel review` (the whole process) against `tsc --noEmit` on the same project, the floor a TypeScript user knows,
// and, through a real LSP client, an edit of one route file to its diagnostics against that cold review.
//
//   node bench/routes.mjs [--runs N] [--timeout SECONDS] [express | nestjs]
//
// The projects are written to api-sentinel-bench-routes/ in the system's temporary folder (outside this repository, so
// that tsc sees only their own node_modules/@types), and their packages installed there once from the npm registry
// (`npm install --ignore-scripts`; again only when their package.json changes): this repository's dependencies stay as
// they are. tsc is this repository's TypeScript. Results are printed and written as
// JSON to bench/results/. Exit 1 when a process fails or the target is missed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { parseBenchArgs, usageExit } from './cli-options.mjs';
import { startServer } from './lsp-client.mjs';
import { PUBLIC_AWARE_AUTH_GUARD, PUBLIC_DECORATOR } from '../test/support/nest-auth.mjs';
import { machine, measure, REPO_ROOT, RESULTS_DIR, summarize } from './measure.mjs';

const OUR_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CACHE = path.join(os.tmpdir(), 'api-sentinel-bench-routes');

/** The whole cold review takes at most this share of `tsc --noEmit` on the same project. */
const TARGET_REVIEW_OVER_TSC = 0.25;
/** An edit of a route file, to its diagnostics in the editor, takes at most this share of the cold review. */
const TARGET_EDIT_OVER_REVIEW = 1 / 20;
/** Edits timed through the language server, one after the other. */
const EDITS = 10;
const FILES = 200;
const ROUTES_PER_FILE = 10;
/** Route files mounted before the auth middleware (Express) or opted out of the global guard (NestJS): they give findings. */
const OPEN_FILES = 20;

const USAGE = 'usage: node bench/routes.mjs [--runs N] [--timeout SECONDS] [express | nestjs]';

const pad = (n) => String(n).padStart(3, '0');

// ---------------------------------------------------------------- the Express app

const EXPRESS = {
  name: 'express',
  /** The route file the editor edits: the path of its last route, typed over. */
  edited: { file: 'src/routes/r000.ts', after: "r000.get('/stats" },
  packageJson: {
    name: 'bench-express-app', private: true, type: 'module',
    dependencies: { express: '^5.1.0' },
    devDependencies: { '@types/express': '^5.0.3', '@types/node': '^20.19.0' },
  },
  tsconfig: {
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, esModuleInterop: true, skipLibCheck: true, outDir: 'dist' },
    include: ['src'],
  },
  files() {
    const files = {
      'src/server.ts': "import { app } from './app.js';\n\napp.listen(Number(process.env.PORT ?? 3000));\n",
      'src/middleware/auth.ts': `import type { NextFunction, Request, Response } from 'express';

export interface Caller { id: string; roles: string[] }

function decode(token: string): Caller | undefined {
  const [id, roles] = Buffer.from(token, 'base64url').toString('utf8').split(':');
  return id ? { id, roles: roles ? roles.split(',') : [] } : undefined;
}

export function requireUser(req: Request, res: Response, next: NextFunction): void {
  const caller = decode(req.header('authorization')?.replace(/^Bearer /, '') ?? '');
  if (!caller) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  res.locals.caller = caller;
  next();
}
`,
      'src/middleware/limit.ts': `import type { NextFunction, Request, Response } from 'express';

const hits = new Map<string, { count: number; since: number }>();

export function limitRate(req: Request, res: Response, next: NextFunction): void {
  const key = req.ip ?? 'unknown';
  const now = Date.now();
  const entry = hits.get(key) ?? { count: 0, since: now };
  if (now - entry.since > 60_000) Object.assign(entry, { count: 0, since: now });
  entry.count++;
  hits.set(key, entry);
  if (entry.count > 100) {
    res.status(429).json({ error: 'too many requests' });
    return;
  }
  next();
}
`,
    };
    const imports = [];
    const mounts = [];
    for (let i = 0; i < FILES; i++) {
      const name = `r${pad(i)}`;
      files[`src/routes/${name}.ts`] = expressRouteFile(name);
      imports.push(`import { ${name} } from './routes/${name}.js';`);
      mounts.push(`app.use('/${name}', ${name});`);
      if (i === OPEN_FILES - 1) mounts.push('app.use(requireUser);');
    }
    files['src/app.ts'] = [
      "import express from 'express';",
      "import { requireUser } from './middleware/auth.js';",
      "import { limitRate } from './middleware/limit.js';",
      ...imports,
      '',
      'export const app = express();',
      'app.use(express.json());',
      "app.get('/health', (_req, res) => { res.json({ status: 'ok' }); });",
      'app.use(limitRate);',
      ...mounts,
      '',
    ].join('\n');
    return files;
  },
};

function expressRouteFile(name) {
  return `import { Router, type Request, type Response } from 'express';

export interface Item { id: string; name: string; quantity: number; tags: string[]; archived: boolean }
type ItemInput = Omit<Item, 'id' | 'archived'>;
type ById = Request<{ id: string }>;

const items = new Map<string, Item>();
let next = 1;

function matches(item: Item, query: string): boolean {
  return item.name.includes(query) || item.tags.some((tag) => tag === query);
}

export const ${name} = Router();
${name}.get('/items', (_req: Request, res: Response<Item[]>) => {
  res.json([...items.values()].filter((item) => !item.archived));
});
${name}.get('/items/:id', (req: ById, res: Response<Item | { error: string }>) => {
  const item = items.get(req.params.id);
  if (!item) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  res.json(item);
});
${name}.post('/items', (req: Request<object, Item, ItemInput>, res: Response<Item>) => {
  const item: Item = { ...req.body, id: String(next++), archived: false };
  items.set(item.id, item);
  res.status(201).json(item);
});
${name}.put('/items/:id', (req: Request<{ id: string }, Item, ItemInput>, res: Response<Item>) => {
  const item: Item = { ...req.body, id: req.params.id, archived: false };
  items.set(item.id, item);
  res.json(item);
});
${name}.patch('/items/:id', (req: Request<{ id: string }, Item, Partial<ItemInput>>, res: Response<Item | { error: string }>) => {
  const item = items.get(req.params.id);
  if (!item) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  Object.assign(item, req.body);
  res.json(item);
});
${name}.delete('/items/:id', (req: ById, res: Response) => {
  items.delete(req.params.id);
  res.status(204).end();
});
${name}.post('/items/:id/archive', (req: ById, res: Response<Item | { error: string }>) => {
  const item = items.get(req.params.id);
  if (!item) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  item.archived = true;
  res.json(item);
});
${name}.get('/search', (req: Request<object, Item[], object, { q?: string }>, res: Response<Item[]>) => {
  const query = req.query.q ?? '';
  res.json([...items.values()].filter((item) => matches(item, query)));
});
${name}.get('/export', (_req: Request, res: Response<string>) => {
  res.type('text/csv').send([...items.values()].map((item) => \`\${item.id},\${item.name},\${item.quantity}\`).join('\\n'));
});
${name}.get('/stats', (_req: Request, res: Response<{ count: number; quantity: number }>) => {
  const all = [...items.values()];
  res.json({ count: all.length, quantity: all.reduce((sum, item) => sum + item.quantity, 0) });
});
`;
}

// ---------------------------------------------------------------- the NestJS app

const MODULES = 20;

const NESTJS = {
  name: 'nestjs',
  edited: { file: 'src/feature000/r000.controller.ts', after: "@Get('stats" },
  packageJson: {
    name: 'bench-nestjs-app', private: true,
    dependencies: {
      '@nestjs/common': '^11.1.0', '@nestjs/core': '^11.1.0', '@nestjs/platform-express': '^11.1.0', 'reflect-metadata': '^0.2.2', rxjs: '^7.8.1',
    },
    devDependencies: { '@types/express': '^5.0.3', '@types/node': '^20.19.0' },
  },
  tsconfig: {
    compilerOptions: {
      module: 'commonjs', target: 'ES2022', strict: true, experimentalDecorators: true, emitDecoratorMetadata: true,
      esModuleInterop: true, skipLibCheck: true, outDir: 'dist', baseUrl: './',
    },
    include: ['src'],
  },
  files() {
    const files = {
      'src/main.ts': `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  await app.listen(Number(process.env.PORT ?? 3000));
}
void bootstrap();
`,
      'src/auth/public.decorator.ts': PUBLIC_DECORATOR,
      'src/auth/auth.guard.ts': PUBLIC_AWARE_AUTH_GUARD,
    };
    const modules = [];
    for (let m = 0; m < MODULES; m++) {
      const feature = `feature${pad(m)}`;
      const controllers = [];
      for (let c = 0; c < FILES / MODULES; c++) {
        const index = m * (FILES / MODULES) + c;
        const name = `R${pad(index)}Controller`;
        files[`src/${feature}/r${pad(index)}.controller.ts`] = nestController(name, `r${pad(index)}`, index < OPEN_FILES);
        controllers.push({ name, file: `./r${pad(index)}.controller` });
      }
      const moduleName = `Feature${pad(m)}Module`;
      files[`src/${feature}/${feature}.module.ts`] = [
        "import { Module } from '@nestjs/common';",
        ...controllers.map((c) => `import { ${c.name} } from '${c.file}';`),
        '',
        `@Module({ controllers: [${controllers.map((c) => c.name).join(', ')}] })`,
        `export class ${moduleName} {}`,
        '',
      ].join('\n');
      modules.push({ name: moduleName, file: `./${feature}/${feature}.module` });
    }
    files['src/app.module.ts'] = [
      "import { Module } from '@nestjs/common';",
      "import { APP_GUARD } from '@nestjs/core';",
      "import { AuthGuard } from './auth/auth.guard';",
      ...modules.map((m) => `import { ${m.name} } from '${m.file}';`),
      '',
      '@Module({',
      `  imports: [${modules.map((m) => m.name).join(', ')}],`,
      '  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],',
      '})',
      'export class AppModule {}',
      '',
    ].join('\n');
    return files;
  },
};

function nestController(name, path, open) {
  return `import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Post, Put, Query } from '@nestjs/common';
${open ? "import { Public } from '../auth/public.decorator';\n" : ''}
export class ItemDto {
  id!: string;
  name!: string;
  quantity!: number;
  tags!: string[];
  archived!: boolean;
}

export class CreateItemDto {
  name!: string;
  quantity!: number;
  tags!: string[];
}

${open ? '@Public()\n' : ''}@Controller('${path}')
export class ${name} {
  private readonly items = new Map<string, ItemDto>();
  private next = 1;

  private find(id: string): ItemDto {
    const item = this.items.get(id);
    if (!item) throw new NotFoundException();
    return item;
  }

  @Get('items')
  list(): ItemDto[] {
    return [...this.items.values()].filter((item) => !item.archived);
  }

  @Get('items/:id')
  get(@Param('id') id: string): ItemDto {
    return this.find(id);
  }

  @Post('items')
  create(@Body() body: CreateItemDto): ItemDto {
    const item: ItemDto = { ...body, id: String(this.next++), archived: false };
    this.items.set(item.id, item);
    return item;
  }

  @Put('items/:id')
  replace(@Param('id') id: string, @Body() body: CreateItemDto): ItemDto {
    const item: ItemDto = { ...body, id, archived: false };
    this.items.set(id, item);
    return item;
  }

  @Patch('items/:id')
  update(@Param('id') id: string, @Body() body: Partial<CreateItemDto>): ItemDto {
    return Object.assign(this.find(id), body);
  }

  @Delete('items/:id')
  @HttpCode(204)
  remove(@Param('id') id: string): void {
    this.items.delete(id);
  }

  @Post('items/:id/archive')
  archive(@Param('id') id: string): ItemDto {
    const item = this.find(id);
    item.archived = true;
    return item;
  }

  @Get('search')
  search(@Query('q') query = ''): ItemDto[] {
    return [...this.items.values()].filter((item) => item.name.includes(query) || item.tags.includes(query));
  }

  @Get('export')
  export(): string {
    return [...this.items.values()].map((item) => \`\${item.id},\${item.name},\${item.quantity}\`).join('\\n');
  }

  @Get('stats')
  stats(): { count: number; quantity: number } {
    const all = [...this.items.values()];
    return { count: all.length, quantity: all.reduce((sum, item) => sum + item.quantity, 0) };
  }
}
`;
}

// ---------------------------------------------------------------- the benchmark

/** Writes the app's project (sources rewritten every run) and installs its packages when its package.json changed. */
function prepare(app, options) {
  const root = path.join(CACHE, app.name);
  rmSync(path.join(root, 'src'), { recursive: true, force: true });
  const packageJson = `${JSON.stringify(app.packageJson, null, 2)}\n`;
  const stamp = path.join(root, 'node_modules', '.bench-installed');
  const installed = existsSync(stamp) && readFileSync(stamp, 'utf8') === packageJson;
  const files = { 'package.json': packageJson, 'tsconfig.json': `${JSON.stringify(app.tsconfig, null, 2)}\n`, ...app.files() };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  if (!installed) {
    process.stderr.write(`${app.name}: installing its packages from the npm registry (once)...\n`);
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], {
      cwd: root, encoding: 'utf8', timeout: options.timeout * 1000, shell: process.platform === 'win32',
    });
    if (npm.status !== 0) throw new Error(`npm install failed in ${root}: ${(npm.stderr || npm.error?.message || '').trim()}`);
    writeFileSync(stamp, packageJson);
  }
  const sources = Object.keys(files).filter((f) => f.endsWith('.ts'));
  const lines = sources.reduce((sum, f) => sum + files[f].split('\n').length, 0);
  return { root, sources: sources.length, lines };
}

function reviewed(output) {
  const report = JSON.parse(output);
  const active = report.findings.filter((f) => !f.suppressed);
  const byRule = {};
  for (const f of active) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  return { routes: report.routes.length, findings: active.length, byRule, problems: report.problems.length };
}

/**
 * Through a real LSP client (the bundled server over stdio): the app's route file opened, then EDITS edits of one
 * route's path, each timed from didChange to the diagnostics of its version (wall time, with the server's debounce,
 * and the server's CPU time, all threads).
 */
async function editLatency(app, project, options) {
  const file = path.join(project.root, app.edited.file);
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(app.edited.after) + app.edited.after.length;
  const before = text.slice(0, at);
  const site = { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) };
  const server = await startServer(project.root, options.timeout * 1000);
  try {
    const opened = performance.now();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const first = await server.diagnosticsOf(uri, 1);
    const open = { ms: first.at - opened, diagnostics: first.diagnostics.length };
    const wall = [];
    const cpu = [];
    let typed = '';
    for (let version = 2; version < 2 + EDITS; version++) {
      const change = { range: { start: site, end: { line: site.line, character: site.character + typed.length } }, text: String(version) };
      typed = change.text;
      const cpuBefore = server.cpuMs();
      const sent = performance.now();
      await server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
      const published = await server.diagnosticsOf(uri, version);
      wall.push(published.at - sent);
      cpu.push(server.cpuMs() - cpuBefore);
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
    return { open, editMs: median(wall), editMaxMs: Math.max(...wall), editCpuMs: cpu.every((c) => c !== undefined) ? median(cpu) : undefined, samples: wall };
  } finally {
    await server.stop();
  }
}

async function benchApp(app, options) {
  const project = prepare(app, options);
  process.stderr.write(`${app.name}: cold review and tsc --noEmit, ${options.runs} runs each...\n`);
  const runs = { review: [], tsc: [] };
  // interleaved, so that a slow moment of the machine does not weigh on one side only
  for (let i = 0; i < options.runs; i++) {
    runs.review.push(measure(OUR_CLI, ['review'], options.timeout, { cwd: project.root }));
    runs.tsc.push(measure(TSC, ['--noEmit', '-p', '.'], options.timeout, { cwd: project.root }));
  }
  const json = summarize([measure(OUR_CLI, ['review', '--format', 'json'], options.timeout, { cwd: project.root })]);
  const review = summarize(runs.review);
  const tsc = summarize(runs.tsc);
  const result = { app: app.name, sources: project.sources, lines: project.lines, review: withoutOutput(review), tsc: withoutOutput(tsc) };
  if (!json.failure) result.review.report = reviewed(json.output);
  if (!review.failure && !tsc.failure) {
    result.ratio = review.seconds / tsc.seconds;
    result.met = result.ratio <= TARGET_REVIEW_OVER_TSC;
  }
  process.stderr.write(`${app.name}: ${EDITS} edits of ${app.edited.file} through the language server...\n`);
  try {
    result.edit = await editLatency(app, project, options);
    if (!review.failure) {
      result.edit.ratio = result.edit.editMs / 1000 / review.seconds;
      result.edit.met = result.edit.ratio <= TARGET_EDIT_OVER_REVIEW;
      // CPU time: what the work costs, whatever else the machine is doing meanwhile
      if (result.edit.editCpuMs !== undefined && review.cpuSeconds) result.edit.cpuRatio = result.edit.editCpuMs / 1000 / review.cpuSeconds;
    }
  } catch (error) {
    result.edit = { failure: String(error?.message ?? error) };
  }
  return result;
}

function withoutOutput({ output, ...rest }) {
  void output;
  return rest;
}

const seconds = (s) => (s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`);
const megabytes = (mb) => (mb === undefined ? '-' : `${Math.round(mb)} MB`);

function printApp(r, options) {
  console.log(`\n${r.app}: ${FILES * ROUTES_PER_FILE} routes in ${FILES} route files (${r.sources} TypeScript files, ${r.lines.toLocaleString('en')} lines)`);
  const rows = [[`api-sentinel review, cold (median of ${options.runs})`, r.review], [`tsc --noEmit (median of ${options.runs})`, r.tsc]];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, m] of rows) {
    if (m.failure) console.log(`  ${label.padEnd(width)}  FAILED: ${m.failure}`);
    else console.log(`  ${label.padEnd(width)}  ${seconds(m.seconds).padStart(8)}  ${megabytes(m.peakMB).padStart(7)}`);
  }
  const report = r.review.report;
  if (report) console.log(`  the review found ${report.routes} routes and ${report.findings} findings ${JSON.stringify(report.byRule)}, ${report.problems} problems`);
  if (report && report.routes < FILES * ROUTES_PER_FILE) {
    console.log(`  (fewer routes than the app has: the review's time covers reading and parsing the files, not extracting the routes it missed)`);
  }
  if (r.ratio !== undefined) console.log(`  review / tsc: ${r.ratio.toFixed(2)}x, target <= ${TARGET_REVIEW_OVER_TSC}x: ${r.met ? 'met' : 'NOT MET'}`);
  const e = r.edit;
  if (e?.failure) console.log(`  language server: FAILED: ${e.failure}`);
  else if (e) {
    const cpu = e.editCpuMs === undefined ? '' : `, server CPU ${Math.round(e.editCpuMs)} ms`;
    console.log(`  language server: open to diagnostics ${seconds(e.open.ms / 1000)}; an edit of ${r.app === 'express' ? 'a router' : 'a controller'} to its diagnostics ${Math.round(e.editMs)} ms (median of ${EDITS}, max ${Math.round(e.editMaxMs)} ms${cpu})`);
    const cpuRatio = e.cpuRatio === undefined ? '' : ` (CPU time: 1/${Math.round(1 / e.cpuRatio)})`;
    if (e.ratio !== undefined) console.log(`  edit / cold review: 1/${Math.round(1 / e.ratio)}${cpuRatio}, target <= 1/${Math.round(1 / TARGET_EDIT_OVER_REVIEW)}: ${e.met ? 'met' : 'NOT MET'}`);
  }
}

async function main() {
  const options = parseBenchArgs(process.argv.slice(2), { usage: USAGE, defaults: { runs: 3, timeout: 900 }, numbers: { '--runs': 'runs', '--timeout': 'timeout' } });
  if (!existsSync(OUR_CLI)) usageExit(USAGE, `${path.relative(REPO_ROOT, OUR_CLI)} is missing: run \`npm run build\` first`);
  if (!existsSync(TSC)) usageExit(USAGE, 'typescript is not installed: run `npm ci`');
  const apps = [EXPRESS, NESTJS].filter((app) => options.filters.length === 0 || options.filters.includes(app.name));
  if (apps.length === 0) usageExit(USAGE, `no app is named ${options.filters.join(', ')}`);
  const results = [];
  for (const app of apps) {
    const result = await benchApp(app, options);
    printApp(result, options);
    results.push(result);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const when = new Date().toISOString();
  const out = path.join(RESULTS_DIR, `routes-${when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ date: when, machine: machine(), options, target: TARGET_REVIEW_OVER_TSC, editTarget: TARGET_EDIT_OVER_REVIEW, results }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), out)}`);
  process.exitCode = results.some((r) => r.review.failure || r.tsc.failure || !r.met || r.edit.failure || !r.edit.met) ? 1 : 0;
}

await main();
