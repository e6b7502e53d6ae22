/**
 * Code actions: the fixes of the findings a diagnostic names (its `data`), "Fix all <rule> in this file" where more
 * than one finding of its rule has a safe fix, and one action applying every safe fix of a file. They come from the last analyses, moved to the current text; a fix the edits since may have moved is left out.
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
    const rules = new Set(params.context.diagnostics.filter((d) => d.source === SOURCE && d.data).map((d) => String(d.code)));
    for (const rule of rules) {
      const fixable = analyses.flatMap((analysis) => analysis.findingsIn(file).filter((f) => f.ruleId === rule)
        .map((f) => analysis.fixesOf(f, open).filter((fix) => fix.kind === 'safe')).filter((fixes) => fixes.length > 0));
      // one fix per finding: its first safe one
      const all = fixable.length > 1 ? fixAllAction(root, fixable.map((fixes) => fixes[0]), rule) : undefined;
      if (all) actions.push(all);
    }
  }
  if (only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== '')) {
    const fixes = analyses.flatMap((analysis) => analysis.findingsIn(file).flatMap((f) => analysis.fixesOf(f, open)));
    const all = fixAllAction(root, fixes);
    if (all) actions.push(all);
  }
  return actions;
}
