/**
 * Reasons asked for: a suppression or a "mark as public" quick fix writes a placeholder reason, then runs this
 * command, which asks for the reason in an input box and writes it in place of the placeholder, quoted as the file
 * quotes it. Dismissed, it selects the placeholder instead, to be typed over; left as is, the placeholder stays a
 * finding (suppression-reason-missing), a reminder that the reason is owed.
 */
import { InputBoxValidationSeverity, Position, Range, Selection, TextEditorRevealType, Uri, WorkspaceEdit, window, workspace, type TextDocument } from 'vscode';

export const GIVE_REASON_COMMAND = 'apiSentinel.giveReason';

/** What the server puts in the action (`ReasonRequest` in server/src/lsp/convert.ts). */
interface ReasonRequest {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  placeholder: string;
  prompt: string;
}

/** What suppression-reason-missing takes for a placeholder rather than a reason. */
const PLACEHOLDER_LIKE = /^\s*(?:todo|fixme|tbd|xxx)\b/i;

/** The placeholder's range: where the server says, else (the text moved meanwhile) its occurrence nearest to there. */
function locate(document: TextDocument, request: ReasonRequest): Range | undefined {
  const { start, end } = request.range;
  const said = new Range(start.line, start.character, end.line, end.character);
  if (document.getText(said) === request.placeholder) return said;
  const text = document.getText();
  const near = document.offsetAt(new Position(start.line, start.character));
  let best: number | undefined;
  for (let at = text.indexOf(request.placeholder); at >= 0; at = text.indexOf(request.placeholder, at + 1)) {
    if (best === undefined || Math.abs(at - near) < Math.abs(best - near)) best = at;
  }
  return best === undefined ? undefined : new Range(document.positionAt(best), document.positionAt(best + request.placeholder.length));
}

/** The scalar holding the placeholder (its quotes included) and the reason written the way it was quoted. */
function replacement(document: TextDocument, placeholder: Range, reason: string): { range: Range; text: string } {
  const before = placeholder.start.character > 0 ? document.getText(new Range(placeholder.start.translate(0, -1), placeholder.start)) : '';
  const after = document.getText(new Range(placeholder.end, placeholder.end.translate(0, 1)));
  const quoted = (before === '"' || before === "'") && after === before;
  const range = quoted ? new Range(placeholder.start.translate(0, -1), placeholder.end.translate(0, 1)) : placeholder;
  // a JSON string is a valid YAML double-quoted scalar too
  const text = before === "'" && quoted ? `'${reason.replace(/'/g, "''")}'` : JSON.stringify(reason);
  return { range, text };
}

export async function giveReason(request: ReasonRequest | undefined): Promise<void> {
  if (!request || typeof request.uri !== 'string' || typeof request.placeholder !== 'string') return;
  const uri = Uri.parse(request.uri);
  const document = await workspace.openTextDocument(uri);
  if (!locate(document, request)) return;
  const reason = await window.showInputBox({
    title: 'API Sentinel: give the reason',
    prompt: request.prompt,
    placeHolder: 'e.g. served only on the internal network',
    ignoreFocusOut: true,
    validateInput: (value) => (PLACEHOLDER_LIKE.test(value)
      ? { message: 'A placeholder such as TODO is still reported: write the reason itself.', severity: InputBoxValidationSeverity.Warning }
      : undefined),
  });
  // the document may have changed while the box was open
  const placeholder = locate(document, request);
  if (!placeholder) return;
  if (reason !== undefined && reason.trim() !== '') {
    const { range, text } = replacement(document, placeholder, reason.trim());
    const edit = new WorkspaceEdit();
    edit.replace(uri, range, text);
    await workspace.applyEdit(edit);
    return;
  }
  const editor = await window.showTextDocument(document);
  editor.selection = new Selection(placeholder.start, placeholder.end);
  editor.revealRange(placeholder, TextEditorRevealType.InCenterIfOutsideViewport);
}
