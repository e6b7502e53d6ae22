/**
 * Drives the VS Code workbench in headless Chromium as a person would: keyboard shortcuts, the Quick Open list,
 * the Problems panel and the quick fix menu. Every wait has a deadline; nothing sleeps for a fixed time.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CODE_SERVER_ENTRY, PLAYWRIGHT_CORE } from '../../scripts/setup-editors';
import { startCodeServer, waitFor, type CodeServer, type CodeServerOptions } from '../../scripts/code-server';

export const REPO = join(__dirname, '..', '..');
export const RESULTS = join(REPO, 'test-results');
export const FIXTURE = join(REPO, 'test', 'fixtures', '_e2e', 'workspace');

/** The few Playwright calls used here (playwright-core lives in .vscode-test, outside the project's dependencies). */
export interface Page {
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number; state?: 'attached' | 'visible' | 'hidden' }): Promise<unknown>;
  $$eval<R>(selector: string, fn: (elements: { innerText: string; className: string }[]) => R): Promise<R>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  screenshot(options: { path: string }): Promise<unknown>;
}
interface Browser { newPage(options: { viewport: { width: number; height: number } }): Promise<Page>; close(): Promise<void> }
interface Chromium { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> }

/** One isolated session: a copy of the fixture workspace, code-server serving it, and a Chromium page on it. */
export interface Session { server: CodeServer; browser: Browser; page: Page; workspace: string; root: string; close(): Promise<void> }

export async function openSession(
  options: Omit<CodeServerOptions, 'root'> & {
    payload?: (server: CodeServer) => [string, string][];
    /** The workspace to copy (FIXTURE by default). */
    fixture?: string;
  } = {},
): Promise<Session> {
  if (!existsSync(CODE_SERVER_ENTRY) || !existsSync(PLAYWRIGHT_CORE) || !existsSync(CHROMIUM)) {
    throw new Error('code-server, playwright-core or chromium is missing: run `npm run setup:editors` (npm test runs it first)');
  }
  const root = mkdtempSync(join(tmpdir(), 'api-sentinel-e2e-'));
  // the test edits files: it works on a copy, never on tracked files
  const workspace = join(root, 'workspace');
  cpSync(options.fixture ?? FIXTURE, workspace, { recursive: true });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ ...options, root: join(root, 'code-server') });
    const { chromium } = require(PLAYWRIGHT_CORE) as { chromium: Chromium };
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.urlFor(workspace, options.payload?.(server)), { timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const opened = { server, browser, page, workspace, root };
    return { ...opened, close: () => closeSession(opened) };
  } catch (error) {
    await closeSession({ server, browser, root });
    throw error;
  }
}

async function closeSession(session: { server?: CodeServer; browser?: Browser; root: string }): Promise<void> {
  await session.browser?.close().catch(() => undefined);
  await session.server?.stop();
  rmSync(session.root, { recursive: true, force: true });
}

/** Runs `body`; on failure keeps a screenshot and code-server's log in test-results/ before rethrowing. */
export async function keepEvidence(session: Session, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(RESULTS, { recursive: true });
    await session.page.screenshot({ path: join(RESULTS, `${name}-failure.png`) }).catch(() => undefined);
    writeFileSync(join(RESULTS, `${name}-code-server.log`), session.server.output());
    throw error;
  }
}

export function rowTexts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (rows) => rows.map((row) => row.innerText.replace(/\s+/g, ' ').trim()));
}

/** Presses `key` until `selector` shows up: right after load the workbench may not take shortcuts yet. */
async function pressUntil(page: Page, key: string, selector: string, timeoutMs: number): Promise<void> {
  await waitFor(`${selector} after ${key}`, timeoutMs, async () => {
    await page.keyboard.press(key);
    try { await page.waitForSelector(selector, { timeout: 3000, state: 'visible' }); return true; } catch { return undefined; }
  });
}

/** Ctrl+P, the file name, Enter: opens the file in an editor. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await pressUntil(page, 'Control+P', '.quick-input-widget .quick-input-box input', 30_000);
  await page.keyboard.type(fileName);
  // Enter opens the focused row: wait until the list has been filtered and focuses the file, not a recent one
  await waitFor(`Quick Open to focus ${fileName}`, 30_000, async () =>
    (await rowTexts(page, '.quick-input-list .monaco-list-row.focused')).some((t) => t.startsWith(fileName)) || undefined);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab.active[aria-label^="${fileName}"]`, { timeout: 30_000 });
  await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 30_000 });
}

/** The command palette (F1), the command's title, Enter: runs a command as a person would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await pressUntil(page, 'F1', '.quick-input-widget .quick-input-box input', 30_000);
  await page.keyboard.type(title);
  await waitFor(`the command palette to list ${title}`, 30_000, async () =>
    (await rowTexts(page, '.quick-input-list .monaco-list-row')).some((t) => t.includes(title)) || undefined);
  await page.keyboard.press('Enter');
}

/** Ctrl+Shift+M: the Problems panel. */
export async function showProblems(page: Page): Promise<void> {
  await pressUntil(page, 'Control+Shift+M', '.markers-panel', 30_000);
}

/** Waits until the Problems panel's rows satisfy `accept`, and returns them. */
export async function waitForProblems(page: Page, what: string, accept: (rows: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  let last: string[] = [];
  try {
    return await waitFor(what, timeoutMs, async () => {
      last = await rowTexts(page, '.markers-panel .monaco-list-row');
      return accept(last) ? last : undefined;
    }, 250);
  } catch (error) {
    throw new Error(`${(error as Error).message}; Problems panel rows:\n  ${last.join('\n  ')}`);
  }
}

/** Ctrl+G line:column: the cursor on a place in the active editor (1-based, as the editor shows it). */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await pressUntil(page, 'Control+G', '.quick-input-widget .quick-input-box input', 10_000);
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await waitFor(`the cursor at Ln ${line}, Col ${column}`, 10_000, async () =>
    (await rowTexts(page, '.statusbar-item')).some((t) => t.includes(`Ln ${line}, Col ${column}`)) || undefined);
}

/** Ctrl+. at the cursor, then the arrow keys to the action titled like `title`, then Enter (clicking is blocked by an overlay). */
export async function applyQuickFix(page: Page, title: RegExp): Promise<string> {
  await pressUntil(page, 'Control+.', '.action-widget .monaco-list-row', 15_000);
  const offered = await rowTexts(page, '.action-widget .monaco-list-row');
  if (!offered.some((t) => title.test(t))) throw new Error(`no quick fix like ${title}; offered: ${offered.join(' | ')}`);
  for (let step = 0; step <= offered.length; step++) {
    const focused = await rowTexts(page, '.action-widget .monaco-list-row.focused');
    if (focused.length > 0 && title.test(focused[0])) {
      await page.keyboard.press('Enter');
      await page.waitForSelector('.action-widget .monaco-list-row', { timeout: 10_000, state: 'hidden' });
      return focused[0];
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not move to the quick fix like ${title}; offered: ${offered.join(' | ')}`);
}

/** Waits for an input box whose prompt matches `prompt`, then types `answer` and Enter (undefined: Escape). */
export async function answerInputBox(page: Page, prompt: RegExp, answer: string | undefined): Promise<void> {
  await waitFor(`an input box asking ${prompt}`, 15_000, async () =>
    (await rowTexts(page, '.quick-input-widget .quick-input-message, .quick-input-widget .quick-input-title')).some((t) => prompt.test(t)) || undefined);
  if (answer === undefined) { await page.keyboard.press('Escape'); return; }
  await page.keyboard.type(answer);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.quick-input-widget', { timeout: 10_000, state: 'hidden' });
}
