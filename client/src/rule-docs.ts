/**
 * Rule documentation in the editor: a finding's rule link opens the rule's section of the README shipped with the
 * extension, rendered in a panel. The server links to the README file (any LSP client can open it); the extension
 * turns that link into a command that shows the section itself.
 */
import * as path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { Uri, ViewColumn, window, type Diagnostic, type ExtensionContext, type WebviewPanel } from 'vscode';

export const SHOW_RULE_COMMAND = 'apiSentinel.showRule';
const SOURCE = 'api-sentinel';

// markdown-it ships no types; only its renderer is used
const MarkdownIt = require('markdown-it') as new (options: object) => { render(text: string): string };
/** Raw HTML off: the README is ours, but nothing in a panel should run or load anything. */
const markdown = new MarkdownIt({ html: false, linkify: false });

/** The README shipped with the extension (packaging may lower-case its name). */
function readmeOf(context: ExtensionContext): string {
  const name = readdirSync(context.extensionPath).find((n) => n.toLowerCase() === 'readme.md') ?? 'README.md';
  return readFileSync(path.join(context.extensionPath, name), 'utf8');
}

/** The section of `readme` under the heading naming `ruleId` (`` #### `rule-id` ``), up to the next heading as high. */
export function ruleSection(readme: string, ruleId: string): string | undefined {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === `\`${ruleId}\``);
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

let panel: WebviewPanel | undefined;

/** Shows the documentation of `ruleId` in one reused panel beside the editor. */
export function showRule(context: ExtensionContext, ruleId: string): void {
  const section = typeof ruleId === 'string' ? ruleSection(readmeOf(context), ruleId) : undefined;
  const body = section ?? `No documentation was found for the rule \`${String(ruleId)}\`.`;
  if (!panel) {
    panel = window.createWebviewPanel('apiSentinel.rule', 'API Sentinel rule', { viewColumn: ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, enableCommandUris: false, localResourceRoots: [] });
    panel.onDidDispose(() => { panel = undefined; });
  }
  panel.title = `Rule: ${ruleId}`;
  panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); line-height: 1.5; padding: 0 1em; }
code { font-family: var(--vscode-editor-font-family); }</style></head>
<body>${markdown.render(body)}</body></html>`;
  panel.reveal(ViewColumn.Beside, true);
}

/** The rule link of our diagnostics, as a command showing the rule's section (VS Code opens command links of diagnostics). */
export function linkRules(diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) {
    const code = diagnostic.code;
    if (diagnostic.source !== SOURCE || typeof code !== 'object' || code.target.scheme !== 'file') continue;
    const ruleId = String(code.value);
    diagnostic.code = { value: code.value, target: Uri.parse(`command:${SHOW_RULE_COMMAND}?${encodeURIComponent(JSON.stringify([ruleId]))}`) };
  }
}
