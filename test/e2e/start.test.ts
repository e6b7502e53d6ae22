/**
 * `npm start`: serves VS Code with the extension on examples/ at the printed URL, and Ctrl+C (SIGINT to the start
 * script alone, as the terminal sends it) stops every process it started. Needs `npm run setup:editors` and the build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../../scripts/code-server';
import { REPO } from './workbench';

/** Every live process below `pid` (the tree, through /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (p: number) => { for (const c of children.get(p) ?? []) { found.push(c); visit(c); } };
  visit(pid);
  return found;
}

/** Running, not a zombie waiting for a parent that does not reap it. */
function alive(pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z'; } catch { return false; }
}

test('npm start prints the URL of VS Code on examples/, and Ctrl+C stops everything it started', async () => {
  const port = await freePort();
  const start = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'start.ts'), '--no-build', '--port', String(port)], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  start.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  start.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
  let started: number[] = [];
  try {
    const url = await waitFor('the printed URL', 90_000, () => {
      if (start.exitCode !== null) throw new Error(`npm start exited with ${start.exitCode}:\n${output}`);
      return /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output)?.[1];
    }, 200);
    assert.equal(new URL(url).port, String(port));
    assert.equal(new URL(url).searchParams.get('folder'), join(REPO, 'examples'));
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /workbench/);
    started = descendants(start.pid!);
    assert.ok(started.length > 0, 'code-server runs under npm start');

    process.kill(start.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref())]);
    assert.equal(code, 0, `npm start after Ctrl+C:\n${output}`);
    await waitFor('every process npm start started to end', 10_000, () => started.every((pid) => !alive(pid)) || undefined);
    await assert.rejects(fetch(url), 'nothing serves the port any more');
  } finally {
    // whatever happened above, leave nothing behind
    for (const pid of [start.pid!, ...started]) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
});
