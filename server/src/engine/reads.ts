/**
 * What each check reads of the parts of a document an editor is changing. The collections parsed again after an edit
 * (`reparse.ts`) and the operations built from them are watched: each stands in its document as a proxy that records,
 * for the check running, every key read of it (`length` and indices of a list; `*` for its list of keys). A session
 * compares the next edit's parse with this one, and re-runs only the checks that read a key the edit changed; the
 * others keep their findings. Only watched objects pay for the recording: everything else is plain data.
 * Values derived once and shared by several checks (`memoize`, the schema graph, resolved refs) record what they read
 * while derived and hand it on to every check that uses them. A fact of a watched object (`fact`: whether an operation
 * is a login, an administrators' one) is read as one key of its own instead, and compared by value after an edit: a
 * renamed operationId that leaves every fact as it was changes nothing the checks reading only the facts read.
 */

/** Keys read per watched object (its target, not the proxy). */
export class ReadLog {
  /** Made on the first key: most logs (of derivations, of operations built) read no watched object. */
  private read?: Map<object, Set<string>>;
  get keys(): ReadonlyMap<object, ReadonlySet<string>> { return this.read ?? NO_KEYS; }
  add(target: object, key: string): void {
    this.read ??= new Map();
    let keys = this.read.get(target);
    if (!keys) this.read.set(target, (keys = new Set()));
    keys.add(key);
  }
  addAll(other: ReadLog): void {
    for (const [target, keys] of other.keys) for (const key of keys) this.add(target, key);
  }
  /**
   * The same keys read of other objects (`to` gives each target's), sharing the sets of keys: a log carried to the
   * next analysis is not recorded into again. The log itself when every target is its own.
   */
  moved(to: (target: object) => object): ReadLog {
    if (!this.read || !someMoves(this.read.keys(), to)) return this;
    const read = new Map<object, Set<string>>();
    for (const [target, keys] of this.read) {
      const at = to(target);
      const known = read.get(at);
      read.set(at, known ? new Set([...known, ...keys]) : keys);
    }
    const out = new ReadLog();
    out.read = read;
    return out;
  }
  /** Whether it holds a key of `changed`. */
  meets(changed: ReadLog): boolean {
    for (const [target, keys] of changed.keys) {
      const read = this.keys.get(target);
      if (read) for (const key of keys) if (read.has(key)) return true;
    }
    return false;
  }
}

const NO_KEYS: ReadonlyMap<object, ReadonlySet<string>> = new Map();

function someMoves(targets: Iterable<object>, to: (target: object) => object): boolean {
  for (const target of targets) if (to(target) !== target) return true;
  return false;
}

/** The logs recording now: the running check's, and those of the values being derived for it. */
const recording: ReadLog[] = [];

function note(target: object, key: string | symbol): void {
  if (typeof key !== 'string') return;
  for (const log of recording) log.add(target, key);
}

/** Proxy to target, for every watched object. */
const targets = new WeakMap<object, object>();
/** Whether any object was watched yet: until then no derivation can read one (a command-line review watches none). */
let watching = false;

const handler: ProxyHandler<Record<string, unknown>> = {
  get(target, key) { note(target, key); return target[key as string]; },
  has(target, key) { note(target, key); return key in target; },
  ownKeys(target) { note(target, '*'); return Reflect.ownKeys(target); },
  getOwnPropertyDescriptor(target, key) { note(target, key); return Reflect.getOwnPropertyDescriptor(target, key); },
};

/** `value` as a watched object: reads of its keys are recorded from now on. */
export function watched<T extends object>(value: T): T {
  if (targets.has(value)) return value;
  watching = true;
  const proxy = new Proxy(value as Record<string, unknown>, handler) as T;
  targets.set(proxy, value);
  return proxy;
}

/** The object a watched object stands for (itself when not watched). */
export function targetOf<T extends object>(value: T): T { return (targets.get(value) as T | undefined) ?? value; }

export function isWatched(value: object): boolean { return targets.has(value); }

/** Runs `run`, recording what it reads of watched objects in `log`. */
export function reading<T>(log: ReadLog, run: () => T): T {
  recording.push(log);
  try { return run(); } finally { recording.pop(); }
}

/** Runs `run`, recording what it reads of watched objects in `log` alone (not in the logs recording now). */
function readingAlone<T>(log: ReadLog, run: () => T): T {
  const outer = recording.splice(0, recording.length, log);
  try { return run(); } finally { recording.splice(0, recording.length, ...outer); }
}

/** What building each object of the model read (an operation; a document, outside its operations). */
const builds = new WeakMap<object, ReadLog>();

/**
 * Builds an object of the model, recording what building it reads, alone. After an edit that changed none of it, the
 * object built again is equal to this one (`buildReads`); none is recorded while no object is watched.
 */
export function recordedBuild<T extends object>(build: () => T): T {
  if (!watching) return build();
  const log = new ReadLog();
  const made = readingAlone(log, build);
  builds.set(made, log);
  return made;
}

/** What building a model object read (`recordedBuild`); undefined when not recorded. */
export function buildReads(made: object): ReadLog | undefined { return builds.get(targetOf(made)); }

/**
 * A value derived once and shared: what its derivation read of watched objects counts as read by everyone who uses
 * the value. `use` records those reads for the running check each time the value is used again.
 */
export function derivedOnce<T>(derive: () => T): { value: T; use(): void } {
  if (!watching) return { value: derive(), use: nothing };
  const log = new ReadLog();
  const value = reading(log, derive);
  if (log.keys.size === 0) return { value, use: nothing };
  return { value, use: () => readAgain(log) };
}

/** Records the reads of `log` as read again by the logs recording now (what a kept value read when it was made). */
export function readAgain(log: ReadLog): void {
  for (const active of recording) active.addAll(log);
}

function nothing(): void {}

/** The key a fact of an object is read as (no model or document key starts so). */
const FACT_KEY = 'fact:';

/** A fact of a watched object: its value, what deriving it read, and how to derive it of the object's counterpart. */
export interface Fact { value: unknown; log: ReadLog; derive: (of: object) => unknown }

/** The facts known of each watched object (its target), by name, in the order they were derived. */
const facts = new WeakMap<object, Map<string, Fact>>();

/**
 * The fact `name` of watched object `of`, derived once: the running checks read it as one key of `of`, and not what
 * deriving it read, which is kept to compare the fact by value after an edit (`changedFacts`).
 */
export function factOf<T>(of: object, name: string, derive: (of: object) => T): T {
  const target = targetOf(of);
  let known = facts.get(target);
  if (!known) facts.set(target, (known = new Map()));
  let fact = known.get(name);
  if (!fact) {
    const log = new ReadLog();
    known.set(name, (fact = { value: readingAlone(log, () => derive(of)), log, derive }));
  }
  note(target, FACT_KEY + name);
  return fact.value as T;
}

/**
 * Compares the facts known of `before` with those of its counterpart `after` (a watched object of the next analysis),
 * given the keys an edit changed: a fact whose derivation read a changed key is derived again of `after`, and when
 * its value differs, it is a changed key of `before` too; the others are known of `after` as they were, what their
 * derivation read moved by `carry`. In the order derived, so that a fact read by another is compared first.
 */
export function changedFacts(before: object, after: object, changed: ReadLog, carry: (log: ReadLog) => ReadLog): void {
  const known = facts.get(targetOf(before));
  if (!known) return;
  let next = facts.get(targetOf(after));
  for (const [name, fact] of known) {
    if (fact.log.meets(changed)) {
      if (!Object.is(factOf(after, name, fact.derive), fact.value)) changed.add(targetOf(before), FACT_KEY + name);
    } else {
      if (!next) facts.set(targetOf(after), (next = new Map()));
      if (!next.has(name)) next.set(name, { ...fact, log: carry(fact.log) });
    }
  }
}
