/**
 * Globs over '/'-separated paths, matched in time proportional to the path length times the glob length.
 *
 * `*` is any characters but '/', `?` one character but '/', `**` any characters, and `**` followed by '/' zero or
 * more folders; `{a,b}` is either alternative (braces nest); every other character stands for itself. Globs come
 * from files anyone can commit, so a glob compiles to a small NFA (Thompson's construction: a few states per glob
 * character, alternatives share their continuation) that is run with a set of live states, never by backtracking.
 */

/** Longest glob accepted: the NFA and each match step grow with it. */
export const MAX_GLOB_LENGTH = 1000;
/** Deepest brace nesting accepted: compilation recurses once per level. */
export const MAX_BRACE_DEPTH = 8;

/**
 * Why a glob cannot be used (e.g. "it is empty"), or undefined when it can. Positions in the message count from 1 at
 * the glob's first character, plus `offset` when the glob stands inside a longer entry.
 */
export function globProblem(glob: string, offset = 0): string | undefined {
  const parsed = parseGlob(glob, offset);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Whether the whole of `path` matches `glob`. A glob that `globProblem` refuses matches nothing. */
export function matchesGlob(path: string, glob: string): boolean {
  const nfa = compiled(glob);
  return nfa !== undefined && nfa.matches(path);
}

// ---- parsing -----------------------------------------------------------------------------------------------------

type Piece =
  | { kind: 'literal'; code: number }
  | { kind: 'one' } // ?
  | { kind: 'segment' } // *
  | { kind: 'anything' } // **
  | { kind: 'folders' } // **/
  | Choice;

/** `{a,b}`: each alternative is a sequence of pieces. */
interface Choice { kind: 'choice'; alternatives: Piece[][] }

/** The glob as a sequence of pieces, or why it cannot be used. */
function parseGlob(glob: string, offset = 0): Piece[] | string {
  if (glob.length === 0) return 'it is empty';
  if (glob.length > MAX_GLOB_LENGTH) return `it has ${glob.length} characters, more than ${MAX_GLOB_LENGTH}`;
  const root: Piece[] = [];
  /** The braces not closed yet, innermost last, with the position of their '{'. */
  const open: { choice: Choice; at: number }[] = [];
  let sequence = root;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\0') return `it has a NUL character at character ${offset + i + 1}`;
    if (c === '*') {
      if (glob[i + 1] !== '*') sequence.push({ kind: 'segment' });
      else if (glob[i + 2] === '/') { sequence.push({ kind: 'folders' }); i += 2; }
      else { sequence.push({ kind: 'anything' }); i += 1; }
    } else if (c === '?') {
      sequence.push({ kind: 'one' });
    } else if (c === '{') {
      if (open.length === MAX_BRACE_DEPTH) return `its braces nest deeper than ${MAX_BRACE_DEPTH} levels at character ${offset + i + 1}`;
      const choice: Choice = { kind: 'choice', alternatives: [[]] };
      sequence.push(choice);
      open.push({ choice, at: i });
      sequence = choice.alternatives[0];
    } else if (c === ',' && open.length > 0) {
      sequence = [];
      open[open.length - 1].choice.alternatives.push(sequence);
    } else if (c === '}') {
      if (open.length === 0) return `the '}' at character ${offset + i + 1} has no matching '{'`;
      open.pop();
      sequence = open.length === 0 ? root : open[open.length - 1].choice.alternatives.at(-1)!;
    } else {
      sequence.push({ kind: 'literal', code: glob.charCodeAt(i) });
    }
  }
  if (open.length > 0) return `the '{' at character ${offset + open[open.length - 1].at + 1} has no matching '}'`;
  return root;
}

// ---- the NFA ------------------------------------------------------------------------------------------------------

/*
 * State kinds. A state that reads one character goes on to `out`, or, for a loop, stays; SPLIT and the loops also
 * move on to `out` (SPLIT to `arg` as well) without reading.
 */
const LITERAL = 0; // reads the character `arg`
const NOT_SLASH = 1; // reads any character but '/'
const SEGMENT_LOOP = 2; // reads any character but '/' and stays
const ANY_LOOP = 3; // reads any character and stays
const SPLIT = 4;
const ACCEPT = 5;

const SLASH = 0x2f;

class Nfa {
  private readonly kind: Uint8Array;
  private readonly arg: Int32Array;
  private readonly out: Int32Array;
  /** Per state, the step at which it last joined a set (0: never), so that it joins each set once. */
  private readonly joined: Int32Array;
  /** States waiting to join a set with the states they move on to without reading. */
  private readonly pending: Int32Array;
  /**
   * The live states before and after the current character. A match runs to its end without yielding, so these
   * working sets, kept with the cached NFA to spare allocations, are never used by two matches at once.
   */
  private live: Int32Array;
  private following: Int32Array;

  constructor(kinds: number[], args: number[], outs: number[], private readonly start: number, private readonly accept: number,
    /** Text every match holds: its runs of literal characters outside braces (`/api/` in `/api/{a,b}`). */
    private readonly required: readonly string[]) {
    this.kind = Uint8Array.from(kinds);
    this.arg = Int32Array.from(args);
    this.out = Int32Array.from(outs);
    this.joined = new Int32Array(kinds.length);
    this.pending = new Int32Array(kinds.length);
    this.live = new Int32Array(kinds.length);
    this.following = new Int32Array(kinds.length);
  }

  /** Runs over the path with a set of live states: each character visits each state at most once. */
  matches(path: string): boolean {
    // most paths fail a glob for lack of its literal text, which is found without running the NFA
    for (const text of this.required) if (!path.includes(text)) return false;
    const { kind, arg, out } = this;
    this.joined.fill(0);
    // step k is the set after k - 1 characters
    let count = this.enter(this.start, 1, this.live, 0);
    for (let i = 0; i < path.length && count > 0; i++) {
      const c = path.charCodeAt(i);
      const step = i + 2;
      let next = 0;
      for (let j = 0; j < count; j++) {
        const s = this.live[j];
        const k = kind[s];
        if (k === ANY_LOOP || (k === SEGMENT_LOOP && c !== SLASH)) next = this.enter(s, step, this.following, next);
        else if ((k === LITERAL && c === arg[s]) || (k === NOT_SLASH && c !== SLASH)) next = this.enter(out[s], step, this.following, next);
      }
      [this.live, this.following] = [this.following, this.live];
      count = next;
    }
    return this.joined[this.accept] === path.length + 1;
  }

  /** Adds `state` and the states it moves on to without reading to `set` (which holds `count`); returns the new count. */
  private enter(state: number, step: number, set: Int32Array, count: number): number {
    const { kind, arg, out, joined, pending } = this;
    if (joined[state] === step) return count;
    joined[state] = step;
    let top = 0;
    pending[top++] = state;
    while (top > 0) {
      const s = pending[--top];
      const k = kind[s];
      if (k !== SPLIT) set[count++] = s;
      if (k === SPLIT || k === SEGMENT_LOOP || k === ANY_LOOP) {
        const next = out[s];
        if (joined[next] !== step) { joined[next] = step; pending[top++] = next; }
      }
      if (k === SPLIT) {
        const other = arg[s];
        if (joined[other] !== step) { joined[other] = step; pending[top++] = other; }
      }
    }
    return count;
  }
}

/** Thompson's construction, from the end of the glob backwards: each piece is built in front of what follows it. */
class NfaBuilder {
  private readonly kinds: number[] = [];
  private readonly args: number[] = [];
  private readonly outs: number[] = [];

  build(pieces: Piece[]): Nfa {
    const accept = this.add(ACCEPT, 0, -1);
    return new Nfa(this.kinds, this.args, this.outs, this.sequence(pieces, accept), accept, literalRuns(pieces));
  }

  /** Builds `pieces` followed by the state `next`; returns the first state. */
  private sequence(pieces: Piece[], next: number): number {
    for (let i = pieces.length - 1; i >= 0; i--) next = this.piece(pieces[i], next);
    return next;
  }

  private piece(piece: Piece, next: number): number {
    switch (piece.kind) {
      case 'literal': return this.add(LITERAL, piece.code, next);
      case 'one': return this.add(NOT_SLASH, 0, next);
      case 'segment': return this.add(SEGMENT_LOOP, 0, next);
      case 'anything': return this.add(ANY_LOOP, 0, next);
      case 'folders': {
        // nothing, or any characters and a '/'
        const folders = this.add(ANY_LOOP, 0, this.add(LITERAL, SLASH, next));
        return this.add(SPLIT, folders, next);
      }
      case 'choice': {
        // the alternatives share `next`: the NFA stays linear in the glob's length
        const starts = piece.alternatives.map((alternative) => this.sequence(alternative, next));
        return starts.reduceRight((rest, start) => this.add(SPLIT, start, rest));
      }
    }
  }

  private add(kind: number, arg: number, out: number): number {
    this.kinds.push(kind);
    this.args.push(arg);
    this.outs.push(out);
    return this.kinds.length - 1;
  }
}

/** The runs of consecutive literal pieces of a sequence (what is inside braces is left out: it is one of several). */
function literalRuns(pieces: Piece[]): string[] {
  const runs: string[] = [];
  let run = '';
  for (const piece of pieces) {
    if (piece.kind === 'literal') run += String.fromCharCode(piece.code);
    else if (run !== '') { runs.push(run); run = ''; }
  }
  if (run !== '') runs.push(run);
  return runs;
}

// ---- cache --------------------------------------------------------------------------------------------------------

/** Compiled globs, oldest first, bounded by the total length of the globs held. Refused globs are not kept. */
const cache = new Map<string, Nfa>();
const CACHE_CHARACTERS = 100_000;
let cachedCharacters = 0;

function compiled(glob: string): Nfa | undefined {
  const known = cache.get(glob);
  if (known) return known;
  const parsed = parseGlob(glob);
  if (typeof parsed === 'string') return undefined;
  const nfa = new NfaBuilder().build(parsed);
  cache.set(glob, nfa);
  cachedCharacters += glob.length;
  for (const [oldest] of cache) {
    if (cachedCharacters <= CACHE_CHARACTERS) break;
    cache.delete(oldest);
    cachedCharacters -= oldest.length;
  }
  return nfa;
}
