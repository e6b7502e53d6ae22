/**
 * Code actions: the fixes of the findings a diagnostic names (its `data`), and one action applying every safe fix of
 * a file. They come from the last analyses, moved to the current text; a fix the edits since may have moved is left out.
 */
import { type CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver/node';
import { findingKey } from '../../engine';
import { FIX_ALL_KIND, SOURCE, fixAllAction, fixToCodeAction, type DiagnosticData } from '../convert';
import type { OpenDocuments } from '../open-documents';
import type { UnitAnalysis } from '../results';

/**
 * The actions for `file` asked by `params`, from the analyses of the units reading it; `root` is the file's project
 * root. `askReason`: the client has the command that asks for a reason a suggestion leaves as a placeholder.
 */
export function codeActionsFor(
  file: string, root: string, params: CodeActionParams, analyses: UnitAnalysis[], open: OpenDocuments, askReason = false,
): CodeAction[] {
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (!only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) {
    for (const diagnostic of params.context.diagnostics) {
      const data = diagnostic.data as DiagnosticData | undefined;
      if (diagnostic.source !== SOURCE || !data) continue;
      for (const analysis of analyses) {
        const finding = analysis.findingsIn(file).find((f) => findingKey(f) === data.key);
        if (!finding) continue;
        for (const fix of analysis.fixesOf(finding, open)) actions.push(fixToCodeAction(analysis.root, fix, diagnostic, askReason));
        break; // the same finding from another unit has the same fixes
      }
    }
  }
  if (only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== '')) {
    const fixes = analyses.flatMap((analysis) => analysis.findingsIn(file).flatMap((f) => analysis.fixesOf(f, open)));
    const all = fixAllAction(root, fixes);
    if (all) actions.push(all);
  }
  return actions;
}
