/**
 * "API Sentinel: Review Branch Changes": asks the server what the checked-out branch adds and fixes against its base,
 * and shows the answer in the explorer's tree view: "New (N)" and "Fixed (N)", each grouped by operation
 * (`METHOD /path`, or the file for a finding that concerns none), each finding opening its place. The tree is the
 * server's answer, grouped; nothing is computed here.
 */
import {
  commands, type Disposable, EventEmitter, ProgressLocation, Range, ThemeIcon, TreeItem,
  TreeItemCollapsibleState, type TreeDataProvider, Uri, window, workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** The server's answer (server/src/lsp/features/branch-review.ts). */
interface BranchFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  location?: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
  operations: string[];
}
interface BranchReviewResult {
  base: { ref: string; commit: string };
  added: BranchFinding[];
  fixed: BranchFinding[];
  unchanged: number;
  problems: { file: string; message: string }[];
}

type Node =
  | { kind: 'root'; label: string; findings: BranchFinding[] }
  | { kind: 'group'; label: string; findings: BranchFinding[] }
  | { kind: 'finding'; finding: BranchFinding };

const VIEW = 'apiSentinel.branchReview';
const HAS_RESULT = 'apiSentinel.branchReview.hasResult';

/** Findings by operation, in the order they come; one concerning several operations is listed under each. */
function groups(findings: BranchFinding[]): Node[] {
  const byGroup = new Map<string, BranchFinding[]>();
  for (const finding of findings) {
    for (const label of finding.operations.length > 0 ? finding.operations : [finding.file]) {
      byGroup.set(label, [...(byGroup.get(label) ?? []), finding]);
    }
  }
  return [...byGroup].map(([label, list]) => ({ kind: 'group', label, findings: list }));
}

class BranchChangesTree implements TreeDataProvider<Node> {
  private readonly changed = new EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private result: BranchReviewResult | undefined;

  show(result: BranchReviewResult): void {
    this.result = result;
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (!this.result) return [];
    if (!node) {
      return [
        { kind: 'root', label: `New (${this.result.added.length})`, findings: this.result.added },
        { kind: 'root', label: `Fixed (${this.result.fixed.length})`, findings: this.result.fixed },
      ];
    }
    if (node.kind === 'root') return groups(node.findings);
    if (node.kind === 'group') return node.findings.map((finding) => ({ kind: 'finding', finding }));
    return [];
  }

  getTreeItem(node: Node): TreeItem {
    if (node.kind !== 'finding') {
      return new TreeItem(node.label, node.kind === 'root' ? TreeItemCollapsibleState.Expanded : TreeItemCollapsibleState.Collapsed);
    }
    const { finding } = node;
    const item = new TreeItem(finding.message, TreeItemCollapsibleState.None);
    item.description = finding.ruleId;
    item.tooltip = `${finding.ruleId} (${finding.severity}): ${finding.message}\n${finding.file}`;
    item.iconPath = new ThemeIcon(finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'info');
    const location = finding.location;
    if (location) {
      const { start, end } = location.range;
      item.command = {
        command: 'vscode.open', title: 'Open',
        arguments: [Uri.parse(location.uri), { selection: new Range(start.line, start.character, end.line, end.character) }],
      };
    }
    return item;
  }
}

/** The workspace folder to review: the only one, or the one the user picks. */
async function folderToReview(): Promise<string | undefined> {
  const folders = workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri.toString();
  return (await window.showWorkspaceFolderPick({ placeHolder: 'The folder whose branch to review' }))?.uri.toString();
}

/** The command and the tree view, to dispose with the extension; `client` starts the language server when needed. */
export function registerBranchReview(client: () => Promise<LanguageClient>): Disposable[] {
  const tree = new BranchChangesTree();
  const view = window.createTreeView(VIEW, { treeDataProvider: tree });
  const command = commands.registerCommand('apiSentinel.reviewBranch', async () => {
    const folder = await folderToReview();
    if (!folder) return;
    let result: BranchReviewResult;
    try {
      result = await window.withProgress({ location: ProgressLocation.Notification, title: 'API Sentinel: reviewing the branch changes' },
        async () => (await client()).sendRequest<BranchReviewResult>('apiSentinel/reviewBranch', { folder }));
    } catch (error) {
      void window.showErrorMessage(`API Sentinel: cannot review the branch: ${(error as Error).message}`);
      return;
    }
    tree.show(result);
    view.description = `against ${result.base.ref} (${result.base.commit.slice(0, 12)})`;
    await commands.executeCommand('setContext', HAS_RESULT, true);
    view.message = result.problems.length > 0
      ? `The base had ${result.problems.length} file problem(s): its findings may be incomplete.`
      : `${result.unchanged} finding(s) unchanged since ${result.base.ref}.`;
    await commands.executeCommand(`${VIEW}.focus`);
  });
  return [view, command];
}
