/**
 * Checks that report place by place, operation by operation (a URL parameter, a guessable id, an upload without a
 * limit): after an edit, an operation whose search read nothing the edit changed and found nothing is not searched
 * again (`CheckContext.eachOperation`). Most operations find nothing, so an edit of one operation searches that one
 * and the few that have something to report: their reports hold nodes of one analysis, which are not kept.
 */
import type { CheckContext, SpecReport } from './check';
import type { ApiDocument, Operation } from '../spec/model';

/** Reports what `search` finds in each operation of `doc`, in the order of the operations and of their reports. */
export function reportEachOperation(ctx: CheckContext, doc: ApiDocument, search: (op: Operation, report: (report: SpecReport) => void) => void): void {
  const reports = new Map<Operation, SpecReport[]>();
  const searched = (op: Operation): SpecReport[] => {
    const own: SpecReport[] = [];
    search(op, (report) => own.push(report));
    return own;
  };
  const found = ctx.eachOperation(doc, (op) => {
    const own = searched(op);
    reports.set(op, own);
    return own.length > 0;
  }, keptAsItIs);
  doc.operations.forEach((op, i) => {
    if (!found[i]) return;
    for (const report of reports.get(op) ?? searched(op)) ctx.report(report);
  });
}

/** Whether an operation found something holds no object to move. */
const keptAsItIs = (found: boolean): boolean => found;
