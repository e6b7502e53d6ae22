import type { Check, CheckContext } from '../check';
import type { SpecNode } from '../../spec/load';
import { isObject } from '../../spec/model';
import type { SourceFile } from '../../spec/source';
import { IGNORE_KEY, PUBLIC_KEY } from '../../spec/extensions';
import { isLiteralKey } from '../../spec/literal';

export const suppressionReasonMissing: Check = {
  meta: {
    id: 'suppression-reason-missing',
    family: 'config',
    needs: ['spec'],
    owasp: [],
    cwe: [],
    severity: 'warning',
    description: "An `x-api-sentinel-ignore` entry or an `x-api-sentinel-public` declaration gives no reason (or a placeholder such as `TODO`), an `x-api-sentinel-ignore` is not a mapping, or it names a rule that does not exist.",
    rationale: 'A suppression hides a security finding from every later review. Without a written reason nobody can tell a considered decision from a silenced warning, and a misspelled rule id or a malformed entry suppresses nothing while looking as if it did.',
    fix: 'Write the reason as the value: `x-api-sentinel-ignore: { auth-missing: "served only on the internal network" }`, `x-api-sentinel-public: "status page for signed-out visitors"`. Use rule ids exactly as API Sentinel reports them.',
  },
  run(ctx) {
    for (const file of ctx.files.all()) {
      if (!file.text.includes(MARKER) || file.value === null || typeof file.value !== 'object') continue;
      const seen = new Set<object>();
      const stack: Visit[] = [{ value: file.value, isPropertyMap: false }];
      while (stack.length > 0) {
        const visit = stack.pop()!;
        if (seen.has(visit.value)) continue;
        seen.add(visit.value);
        const container = visit.value as Record<string, unknown>;
        if (!Array.isArray(container) && (IGNORE_KEY in container || PUBLIC_KEY in container)) reviewObject(ctx, file, visit, IGNORE_KEY, ctx.ruleIds);
        for (const key of Object.keys(container)) {
          const value = container[key];
          if (value === null || typeof value !== 'object') continue;
          // examples and extension payloads are literal data; under `properties` the same words are property names
          if (!visit.isPropertyMap && isLiteralKey(key)) continue;
          const index = Array.isArray(container) ? Number(key) : key;
          stack.push({ value, key: index, up: visit, isPropertyMap: key === 'properties' && !visit.isPropertyMap });
        }
      }
    }
  },
};

/** Text every file with a suppression or a public declaration contains: files without it are not walked. */
const MARKER = 'x-api-sentinel-';

/** An object or array met while walking a file, linked to its container so paths are built only when reported. */
interface Visit {
  value: object;
  key?: string | number;
  up?: Visit;
  /** The value is a schema's `properties` map: its keys are property names, not keywords. */
  isPropertyMap: boolean;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.up; v = v.up) path.push(v.key!);
  return path.reverse();
}

function entryNode(file: SourceFile, container: object, key: string, containerPath: (string | number)[]): SpecNode {
  return { file, value: (container as Record<string, unknown>)[key], parent: container, key, path: [...containerPath, key] };
}

/** Text a suppression fix or a hurried author leaves in place of a reason. */
const PLACEHOLDER = /^\s*(?:todo|fixme|tbd|xxx)\b/i;

/** What is wrong with a reason, if anything: absent (null, empty, not a string) or a placeholder such as "TODO: ...". */
function reasonProblem(value: unknown): 'missing' | 'placeholder' | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'missing';
  return PLACEHOLDER.test(value) ? 'placeholder' : undefined;
}

/** Reports the suppressions and public declarations of one object that give no reason or name no rule. */
function reviewObject(ctx: CheckContext, file: SourceFile, visit: Visit, ignoreKey: string, ruleIds: ReadonlySet<string>): void {
  const obj = visit.value as Record<string, unknown>;
  const path = pathOf(visit);
  const publicProblem = PUBLIC_KEY in obj ? reasonProblem(obj[PUBLIC_KEY]) : undefined;
  if (publicProblem) {
    const consequence = publicProblem === 'missing' ? 'without one it is not treated as public' : 'a placeholder explains nothing to reviewers';
    ctx.report({ at: entryNode(file, obj, PUBLIC_KEY, path), part: 'key',
      message: `'${PUBLIC_KEY}' gives no reason: write why the operation is public (e.g. "status page for signed-out visitors"); ${consequence}.` });
  }
  if (!(ignoreKey in obj)) return;
  const ignore = obj[ignoreKey];
  const ignoreNode = entryNode(file, obj, ignoreKey, path);
  if (!isObject(ignore)) {
    ctx.report({ at: ignoreNode, part: 'key',
      message: `'${ignoreKey}' must map rule ids to reasons, like { auth-missing: "<why it does not apply>" }: as written it suppresses nothing.` });
    return;
  }
  for (const rule of Object.keys(ignore)) {
    const at = entryNode(file, ignore, rule, ignoreNode.path);
    if (!ruleIds.has(rule)) {
      ctx.report({ at, part: 'key', message: `'${ignoreKey}' names '${rule}', which is no API Sentinel rule: it suppresses nothing (check the spelling).` });
    } else if (reasonProblem(ignore[rule])) {
      ctx.report({ at, part: 'key', message: `The suppression of '${rule}' gives no reason: write why the finding does not apply here, so that reviewers can judge it.` });
    }
  }
}
