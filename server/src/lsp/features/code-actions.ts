/**
 * Code actions: the fixes of the findings a diagnostic names (its `data`), "Fix all <rule> in this file" where more
 * than one finding of its rule has a safe fix, and one action applying every safe fix of a file. Fixes are built when
 * asked, by the analysis worker, from the last analyses, and moved to the current text; a fix the edits since may
 * have moved is left out.
 */
import { type CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver/node';
import { findingKey, type Fix } from '../../engine';
import { FIX_ALL_KIND, SOURCE, fixAllAction, fixToCodeAction, type DiagnosticData } from '../convert';
import type { OpenDocuments } from '../open-documents';
import type { SentFinding } from '../protocol';
import type { UnitAnalysis } from '../results';

/** The fixes of findings of an analysis, by finding key (`findingKey`), built for the text it read. */
export type BuildFixes = (analysis: UnitAnalysis, keys: string[]) => Promise<Map<string, Fix[]>>;

/**
 * The actions for `file` asked by `params`, from the analyses of the units reading it; `root` is the file's project
 * root. `askReason`: the client has the command that asks for a reason a suggestion leaves as a placeholder.
 */
export async function codeActionsFor(
  file: string, root: string, params: CodeActionParams, analyses: UnitAnalysis[], open: OpenDocuments, build: BuildFixes, askReason = false,
): Promise<CodeAction[]> {
  const only = params.context.only;
  const quickFixes = !only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k));
  const fixAll = only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== '') ?? false;
  const keys = new Map<SentFinding, string>();
  const keyOf = (finding: SentFinding) => { let key = keys.get(finding); if (key === undefined) keys.set(finding, (key = findingKey(finding))); return key; };
  // the findings whose fixes are needed, by analysis
  const asked = new Map<UnitAnalysis, Set<SentFinding>>(analyses.map((analysis) => [analysis, new Set()]));
  const named: { diagnostic: CodeActionParams['context']['diagnostics'][number]; analysis: UnitAnalysis; finding: SentFinding }[] = [];
  const rules = new Set<string>();
  if (quickFixes) {
    for (const diagnostic of params.context.diagnostics) {
      const data = diagnostic.data as DiagnosticData | undefined;
      if (diagnostic.source !== SOURCE || !data) continue;
      rules.add(String(diagnostic.code));
      for (const analysis of analyses) {
        const finding = analysis.findingsIn(file).find((f) => keyOf(f) === data.key);
        if (!finding) continue;
        named.push({ diagnostic, analysis, finding });
        asked.get(analysis)!.add(finding);
        break; // the same finding from another unit has the same fixes
      }
    }
  }
  for (const analysis of analyses) {
    for (const finding of analysis.findingsIn(file)) if (fixAll || rules.has(finding.ruleId)) asked.get(analysis)!.add(finding);
  }
  const fixes = new Map<SentFinding, Fix[]>();
  await Promise.all([...asked].filter(([, findings]) => findings.size > 0).map(async ([analysis, findings]) => {
    const built = await build(analysis, [...findings].map(keyOf));
    for (const finding of findings) fixes.set(finding, analysis.movedFixes(built.get(keyOf(finding)) ?? [], open));
  }));
  const fixesOf = (finding: SentFinding) => fixes.get(finding) ?? [];

  const actions: CodeAction[] = [];
  for (const { diagnostic, analysis, finding } of named) {
    for (const fix of fixesOf(finding)) actions.push(fixToCodeAction(analysis.root, fix, diagnostic, askReason));
  }
  for (const rule of rules) {
    const fixable = analyses.flatMap((analysis) => analysis.findingsIn(file).filter((f) => f.ruleId === rule)
      .map((f) => fixesOf(f).filter((fix) => fix.kind === 'safe')).filter((safe) => safe.length > 0));
    // one fix per finding: its first safe one
    const all = fixable.length > 1 ? fixAllAction(root, fixable.map((safe) => safe[0]), rule) : undefined;
    if (all) actions.push(all);
  }
  if (fixAll) {
    const all = fixAllAction(root, analyses.flatMap((analysis) => analysis.findingsIn(file).flatMap(fixesOf)));
    if (all) actions.push(all);
  }
  return actions;
}
