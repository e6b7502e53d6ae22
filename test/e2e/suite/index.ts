/**
 * Runs inside VS Code's extension host (code-server through the `payload` URL parameter, or VS Code through
 * @vscode/test-electron): the same contract as `extensionTestsPath`, `run()` rejects on failure. The result is also
 * written as JSON to the file named by API_SENTINEL_E2E_RESULT, since code-server has no exit code to report.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'api-sentinel.api-sentinel';
const SUPPRESS_AUTH_MISSING = /^Suppress auth-missing here \(give the reason\)$/;

const ruleOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

async function waitForDiagnostics(uri: vscode.Uri, what: string, accept: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'api-sentinel');
    if (accept(diagnostics)) return diagnostics;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; diagnostics: ${diagnostics.map(ruleOf).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `accept` until it holds, with a deadline; `what` describes what is awaited (and what was seen). */
async function waitUntil(what: () => string, accept: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!accept()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function reviewFixture(): Promise<string[]> {
  const passed: string[] = [];
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, 'openapi.yaml');
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);

  const diagnostics = await waitForDiagnostics(uri, 'auth-missing', (d) => d.some((x) => ruleOf(x) === 'auth-missing'));
  assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  const authMissing = diagnostics.find((d) => ruleOf(d) === 'auth-missing')!;
  assert.deepEqual([authMissing.range.start.line, authMissing.range.start.character], [8, 4]);
  assert.equal(authMissing.severity, vscode.DiagnosticSeverity.Error);
  passed.push('the extension activates on an OpenAPI file and reports auth-missing at the method key');

  const link = typeof authMissing.code === 'object' ? authMissing.code.target : undefined;
  assert.equal(link?.scheme, 'command', `the rule link: ${String(link)}`);
  assert.equal(link.path, 'apiSentinel.showRule');
  assert.deepEqual(JSON.parse(decodeURIComponent(link.query)), ['auth-missing']);
  await vscode.commands.executeCommand('apiSentinel.showRule', 'auth-missing');
  const tabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
  await waitUntil(() => `the rule's panel among the tabs: ${tabs().join(', ')}`, () => tabs().includes('Rule: auth-missing'));
  passed.push("a finding's rule link opens the rule's documentation in a panel");

  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, authMissing.range.start.translate(0, 1));
  const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(hoverText, /API2:2023/);
  passed.push('the hover explains the finding with its OWASP category');

  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, authMissing.range);
  const suppress = actions.find((a) => SUPPRESS_AUTH_MISSING.test(a.title));
  assert.ok(suppress?.edit, `code actions: ${actions.map((a) => a.title).join(', ')}`);
  assert.ok(await vscode.workspace.applyEdit(suppress.edit));
  assert.ok(await document.save());
  assert.match(document.getText(), /x-api-sentinel-ignore:\n\s+auth-missing: /);
  await waitForDiagnostics(uri, 'auth-missing to go and suppression-reason-missing to come',
    (d) => !d.some((x) => ruleOf(x) === 'auth-missing') && d.some((x) => ruleOf(x) === 'suppression-reason-missing'));
  passed.push('the suppression quick fix applies, saves, and replaces auth-missing by suppression-reason-missing');

  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('apiSentinel.reviewWorkspace') && commands.includes('apiSentinel.showOutput'));
  passed.push('the extension contributes its commands');
  return passed;
}

export async function run(): Promise<void> {
  const resultFile = process.env.API_SENTINEL_E2E_RESULT;
  try {
    const passed = await reviewFixture();
    if (resultFile) writeFileSync(resultFile, JSON.stringify({ ok: true, passed }));
  } catch (error) {
    if (resultFile) writeFileSync(resultFile, JSON.stringify({ ok: false, error: String((error as Error).stack ?? error) }));
    throw error;
  }
}
