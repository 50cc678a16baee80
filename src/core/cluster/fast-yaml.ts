// A fast reader for the block-style YAML that kubectl prints (go-yaml's emitter): block mappings and
// sequences, plain / single-quoted / double-quoted scalars (possibly folded over several lines, as
// go-yaml wraps long text at 80 columns), literal block scalars, empty flow collections, comments
// and `---` documents.
//
// Why: the `yaml` package builds a full document model and needs ~7 s for a 6 MB dump; this reads
// the same text in a small fraction of that, scanning the text by offsets without splitting it. It
// records the line of every key and sequence item (a "line tree" beside the value) so errors can
// name lines. Anything outside the subset (anchors, tags, flow collections, folded block scalars,
// odd indentation, duplicate keys, syntax errors) makes it give up ("unsupported"), and the caller
// falls back to the `yaml` package, which handles or reports it. Values follow the YAML 1.2 core
// schema, exactly as `yaml`'s default does, so both paths give the same data (a test checks this).

/**
 * Where a collection's entries are: for each key or item in order, its 1-based line and the tree of
 * its value (null for a scalar), flattened as [keys, line0, tree0, line1, tree1, ...]. `keys` is
 * null for a sequence, and for a mapping whose key order is the value's own (Object.keys order,
 * which differs only when a key looks like an array index); one array per collection keeps this cheap.
 */
export type LineTree = [string[] | null, ...(number | LineTree | null)[]];

export interface FastDoc {
  readonly value: unknown;
  /** 1-based line of the document's first content line. */
  readonly line: number;
  readonly tree: LineTree | null;
}

export type FastResult =
  | { readonly kind: 'ok'; readonly docs: readonly FastDoc[] }
  | { readonly kind: 'unsupported'; readonly reason: string; readonly line: number }
  | { readonly kind: 'error'; readonly message: string; readonly line: number };

/** The line of the deepest part of `path` that the tree knows. */
export function lineInTree(value: unknown, tree: LineTree | null, rootLine: number, path: readonly (string | number)[]): number {
  let t = tree;
  let v = value;
  let line = rootLine;
  for (const step of path) {
    if (t === null || v === null || typeof v !== 'object') break;
    let idx: number;
    if (Array.isArray(v)) idx = typeof step === 'number' ? step : -1;
    else idx = (t[0] ?? Object.keys(v)).lastIndexOf(String(step));
    const l = t[1 + 2 * idx];
    if (idx < 0 || typeof l !== 'number') break;
    line = l;
    t = (t[2 + 2 * idx] as LineTree | null | undefined) ?? null;
    v = (v as Record<string, unknown>)[step];
  }
  return line;
}

class Unsupported {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {}
}

class Definite {
  constructor(
    readonly message: string,
    readonly line: number,
  ) {}
}

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const INT_HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The YAML 1.2 core schema, in the order the `yaml` package tries its tags. */
export function resolvePlain(text: string): null | boolean | number | string {
  if (!maybeNonString(text, 0, text.length)) return text;
  if (NULL_RE.test(text)) return null;
  if (BOOL_RE.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT_OCT_RE.test(text)) return parseInt(text.slice(2), 8);
  if (INT_RE.test(text)) return Number(text);
  if (INT_HEX_RE.test(text)) return parseInt(text.slice(2), 16);
  if (FLOAT_NAN_RE.test(text)) return text.endsWith('nan') || text.endsWith('NaN') || text.endsWith('NAN') ? NaN : text[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP_RE.test(text) || FLOAT_RE.test(text)) return parseFloat(text);
  return text;
}

/** Can this plain text read as something other than a string (null, bool, number)? A cheap pre-check. */
function maybeNonString(text: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 0) return true;
  const c = text.charCodeAt(start);
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 126) return true;
  return len <= 5 && (c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70);
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch !== 32 && ch !== 9) return false;
  }
  return true;
}

function isDocMarker(line: string): boolean {
  if (!(line.startsWith('---') || line.startsWith('...'))) return false;
  return line.length === 3 || line[3] === ' ' || line[3] === '\t';
}

/** Cut a trailing comment (" #...") from the rest of a line; returns the text before it, trimmed at the end. */
function stripComment(text: string): string {
  let i = text.indexOf('#');
  while (i >= 0) {
    if (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t') return text.slice(0, i).trimEnd();
    i = text.indexOf('#', i + 1);
  }
  return text.trimEnd();
}

function isSeqStart(rest: string): boolean {
  return rest.charCodeAt(0) === 45 /* - */ && (rest.length === 1 || rest[1] === ' ');
}

function countKeys(obj: object): number {
  let n = 0;
  for (const _ in obj) n++;
  return n;
}

/** Characters a plain scalar cannot start with (YAML indicators), as a lookup table by char code. */
const PLAIN_FORBIDDEN_FIRST = new Uint8Array(128);
for (const ch of '[]{}#&*!|>\'"%@`,') PLAIN_FORBIDDEN_FIRST[ch.charCodeAt(0)] = 1;

// Line kinds, computed once for the whole text.
const CONTENT = 0;
const BLANK = 1;
const COMMENT = 2;
const MARKER = 3;
const TAB_INDENT = 4;

class Parser {
  private readonly text: string;
  readonly n: number;
  /** Offset of each line's first character, and of the end of its text (before \r\n). */
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Leading spaces of each line. */
  private readonly sp: Int32Array;
  private readonly kind: Uint8Array;
  private li = 0;
  /** The line tree of the collection parsed last (null after a scalar). */
  private lastTree: LineTree | null = null;
  // The last key found by keyAt(), so a mapping's first key is not scanned twice.
  private keyLine = -1;
  private keyCol = -1;
  private keyColon = -1;
  private keyText = '';
  private readonly strings = new Map<number, string>();
  /** Whether to build line trees (only needed to name the line of an error). */
  private readonly track: boolean;

  constructor(text: string, track: boolean) {
    this.text = text;
    this.track = track;
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    this.n = n;
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.sp = new Int32Array(n);
    this.kind = new Uint8Array(n);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const e = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.start[i] = pos;
      this.end[i] = e;
      let k = pos;
      while (k < e && text.charCodeAt(k) === 32) k++;
      this.sp[i] = k - pos;
      const c = text.charCodeAt(k);
      if (k === e) this.kind[i] = BLANK;
      else if (c === 35) this.kind[i] = COMMENT;
      else if (c === 9) {
        const l = text.slice(pos, e);
        this.kind[i] = isBlank(l) ? BLANK : l.trimStart().startsWith('#') ? COMMENT : TAB_INDENT;
      } else if (k === pos && (c === 45 || c === 46) && isDocMarker(text.slice(pos, Math.min(e, pos + 4)))) this.kind[i] = MARKER;
      else this.kind[i] = CONTENT;
      pos = nl + 1;
    }
  }

  private bail(reason: string, li: number = this.li): never {
    throw new Unsupported(reason, li + 1);
  }

  /** Line i's text (for the rarely taken paths; the hot paths read offsets). */
  private line(i: number): string {
    return this.text.slice(this.start[i], this.end[i]);
  }

  /** The next content line at or after `from`, within this document; -1 at a document marker or the end. */
  private nextContent(from: number): number {
    for (let i = from; i < this.n; i++) {
      const k = this.kind[i];
      if (k === CONTENT) return i;
      if (k === MARKER) return -1;
      if (k === TAB_INDENT) this.bail('tab in indentation', i);
    }
    return -1;
  }

  /** Is there a sequence dash ("- " or a lone "-") at column `col` of line `li`? */
  private isDashAt(li: number, col: number): boolean {
    const at = (this.start[li] as number) + col;
    if (this.text.charCodeAt(at) !== 45) return false;
    return at + 1 === this.end[li] || this.text.charCodeAt(at + 1) === 32;
  }

  parseStream(): FastDoc[] {
    const docs: FastDoc[] = [];
    // An explicit `---` that no content has followed yet: an empty document if another marker or the end comes first.
    let openMarker = -1;
    while (this.li < this.n) {
      const k = this.kind[this.li];
      if (k === BLANK || k === COMMENT) {
        this.li++;
        continue;
      }
      if (k === TAB_INDENT) this.bail('tab in indentation');
      const l = this.line(this.li);
      if (l.startsWith('%')) this.bail('YAML directive');
      if (k === MARKER) {
        if (stripComment(l.slice(3)) !== '') this.bail('content after a document marker');
        if (openMarker >= 0) docs.push({ value: null, line: openMarker + 1, tree: null });
        openMarker = l.startsWith('---') ? this.li : -1;
        this.li++;
        continue;
      }
      const j = this.li;
      this.lastTree = null;
      const value = this.parseBlock(this.sp[j] as number, -1);
      docs.push({ value, line: j + 1, tree: this.lastTree });
      openMarker = -1;
      const next = this.nextContent(this.li);
      if (next !== -1) this.truncatedOr('unexpected content after the document', next);
      while (this.li < this.n && this.kind[this.li] !== MARKER) this.li++;
    }
    if (openMarker >= 0) docs.push({ value: null, line: openMarker + 1, tree: null });
    return docs;
  }

  /** The last content line of the file, for telling a truncated file from other malformed text. */
  private lastContentLine(): number {
    for (let i = this.n - 1; i >= 0; i--) if (this.kind[i] !== BLANK) return i;
    return -1;
  }

  /** Malformed text on the file's last line means it was cut off; anything else goes to the full parser. */
  private truncatedOr(reason: string, li: number = this.li): never {
    if (li === this.lastContentLine()) {
      throw new Definite('the last line is incomplete: the file looks truncated', li + 1);
    }
    this.bail(reason, li);
  }

  /** A block node whose text starts at column `col` of line `li`. */
  private parseBlock(col: number, parentIndent: number): unknown {
    if (this.isDashAt(this.li, col)) return this.parseSeq(col);
    if (this.keyAt(this.li, col) >= 0) return this.parseMap(col);
    return this.parseInlineValue(this.li, (this.start[this.li] as number) + col, parentIndent);
  }

  /**
   * If line `li` holds a mapping key starting at column `col`, the offset of its colon (the key is
   * left in keyText); otherwise -1.
   */
  private keyAt(li: number, col: number): number {
    if (this.keyLine === li && this.keyCol === col) return this.keyColon;
    const s = this.text;
    const a = (this.start[li] as number) + col;
    const len = this.end[li] as number;
    let colon = -1;
    const c = s.charCodeAt(a);
    const c1 = s.charCodeAt(a + 1);
    if (c === 34 || c === 39) {
      const rest = s.slice(a, len);
      const q = c === 39 ? this.scanSingleLine(rest) : this.scanDoubleLine(rest);
      if (q !== null) {
        let i = a + q.end;
        while (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9) i++;
        const after = s.charCodeAt(i + 1);
        if (s.charCodeAt(i) === 58 && (i + 1 === len || after === 32 || after === 9)) {
          colon = i;
          this.keyText = q.value;
        }
      }
    } else if (PLAIN_FORBIDDEN_FIRST[c] !== 1 && !((c === 45 || c === 63 || c === 58) && (a + 1 === len || c1 === 32 || c1 === 9))) {
      let h = 0;
      for (let i = a; i < len; i++) {
        const ch = s.charCodeAt(i);
        if (ch === 58) {
          const next = s.charCodeAt(i + 1);
          if (i + 1 === len || next === 32 || next === 9) {
            let e = i;
            while (e > a && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
            if (e === a) break;
            if (maybeNonString(s, a, e) && typeof resolvePlain(s.slice(a, e)) !== 'string') this.bail('a mapping key that is not a string', li);
            if (e !== i) {
              h = 0;
              for (let k = a; k < e; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
            }
            this.keyText = this.shared(h, a, e);
            colon = i;
            break;
          }
        } else if (ch === 35 && i > a) {
          const prev = s.charCodeAt(i - 1);
          if (prev === 32 || prev === 9) break;
        }
        h = (Math.imul(h, 31) + ch) | 0;
      }
    }
    this.keyLine = li;
    this.keyCol = col;
    this.keyColon = colon;
    return colon;
  }

  /**
   * The text [a, e) (whose hash is h) as a string, the same string object each time it recurs: keys
   * repeat endlessly in a dump, and storing a property under a string V8 has seen before is much
   * cheaper than under a fresh copy (and the copies would be garbage).
   */
  private shared(h: number, a: number, e: number): string {
    const s = this.text;
    const hit = this.strings.get(h);
    if (hit !== undefined && hit.length === e - a && s.startsWith(hit, a)) return hit;
    const fresh = s.slice(a, e);
    if (hit === undefined) this.strings.set(h, fresh);
    return fresh;
  }

  private parseMap(col: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const tree: LineTree | null = this.track ? [null] : null;
    let count = 0;
    let firstLine = -1;
    for (;;) {
      const li = this.li;
      const colon = this.keyAt(li, col);
      if (colon < 0) this.truncatedOr('expected a mapping key');
      const key = this.keyText;
      if (key === '__proto__') this.bail('a __proto__ key');
      const c = key.charCodeAt(0);
      if (tree !== null) {
        if (c >= 48 && c <= 57 && tree[0] === null && /^(?:0|[1-9][0-9]*)$/.test(key)) {
          // An index-like key: Object.keys() would list it first, so keep the real order.
          tree[0] = Object.keys(obj);
        }
        tree[0]?.push(key);
        tree.push(li + 1);
      }
      if (firstLine < 0) firstLine = li;
      count++;
      this.lastTree = null;
      obj[key] = this.parseValueAfterKey(li, colon + 1, col);
      tree?.push(this.lastTree);
      const j = this.nextContent(this.li);
      let done = j === -1;
      if (!done) {
        const ind = this.sp[j] as number;
        if (ind > col) this.truncatedOr('unexpected indentation', j);
        // A sequence at the mapping's own indentation belongs to the enclosing node (or is an error).
        done = ind < col || this.isDashAt(j, ind);
      }
      if (done) {
        // A repeated key overwrote an earlier one: the full parser reports that as an error.
        if (count > 1 && countKeys(obj) !== count) this.bail('duplicate key', firstLine);
        this.lastTree = tree;
        return obj;
      }
      this.li = j;
    }
  }

  private parseSeq(col: number): unknown[] {
    const arr: unknown[] = [];
    const tree: LineTree | null = this.track ? [null] : null;
    const s = this.text;
    for (;;) {
      const li = this.li;
      tree?.push(li + 1);
      const lineStart = this.start[li] as number;
      const lineEnd = this.end[li] as number;
      let c2 = col + 1;
      while (s.charCodeAt(lineStart + c2) === 32) c2++;
      if (s.charCodeAt(lineStart + c2) === 9) this.bail('tab after a sequence dash');
      this.lastTree = null;
      if (lineStart + c2 >= lineEnd || s.charCodeAt(lineStart + c2) === 35) {
        const j = this.nextContent(li + 1);
        if (j !== -1 && (this.sp[j] as number) > col) {
          this.li = j;
          arr.push(this.parseBlock(this.sp[j] as number, col));
        } else {
          this.li = li + 1;
          arr.push(null);
        }
      } else if (this.isDashAt(li, c2)) {
        arr.push(this.parseSeq(c2));
      } else if (this.keyAt(li, c2) >= 0) {
        arr.push(this.parseMap(c2));
      } else {
        arr.push(this.parseInlineValue(li, lineStart + c2, col));
      }
      tree?.push(this.lastTree);
      const j = this.nextContent(this.li);
      let done = j === -1;
      if (!done) {
        const ind = this.sp[j] as number;
        if (ind > col) this.truncatedOr('unexpected indentation', j);
        done = ind < col || !this.isDashAt(j, ind);
      }
      if (done) {
        this.lastTree = tree;
        return arr;
      }
      this.li = j;
    }
  }

  /** The value after `key:` on line `li`; `from` is the offset just after the colon. */
  private parseValueAfterKey(li: number, from: number, parentIndent: number): unknown {
    const s = this.text;
    const lineEnd = this.end[li] as number;
    let vs = from;
    while (s.charCodeAt(vs) === 32 || s.charCodeAt(vs) === 9) vs++;
    if (vs >= lineEnd || (s.charCodeAt(vs) === 35 && vs > from)) {
      const j = this.nextContent(li + 1);
      this.li = li + 1;
      if (j === -1) return null;
      const ind = this.sp[j] as number;
      if (ind > parentIndent) {
        this.li = j;
        return this.parseBlock(ind, parentIndent);
      }
      if (ind === parentIndent && this.isDashAt(j, ind)) {
        this.li = j;
        return this.parseSeq(ind);
      }
      return null;
    }
    if (this.isDashAt(li, vs - (this.start[li] as number))) this.bail('a sequence on the same line as its key');
    return this.parseInlineValue(li, vs, parentIndent, true);
  }

  /** A scalar (or empty flow collection) starting at offset `vs` of line `li`. Consumes its lines. */
  private parseInlineValue(li: number, vs: number, parentIndent: number, inMapping = false): unknown {
    const s = this.text;
    const lineEnd = this.end[li] as number;
    const c = s.charCodeAt(vs);
    if (c === 34 || c === 39) return this.parseQuoted(s.slice(vs, lineEnd), parentIndent, c === 34);
    if (c === 124) return this.parseLiteral(s.slice(vs, lineEnd), parentIndent, inMapping);
    if (c === 123 || c === 91) {
      const body = stripComment(s.slice(vs, lineEnd));
      if (body === '{}' || body === '[]') {
        this.li = li + 1;
        this.lastTree = this.track ? [null] : null;
        return body === '{}' ? {} : [];
      }
      this.bail('a flow collection');
    }
    if (PLAIN_FORBIDDEN_FIRST[c] === 1) this.bail(`a value starting with ${s[vs]}`);
    const c1 = s.charCodeAt(vs + 1);
    if ((c === 63 || c === 58 || c === 45) && (vs + 1 === lineEnd || c1 === 32 || c1 === 9)) this.bail(`a value starting with "${s[vs]} "`);
    return this.parsePlain(li, vs, parentIndent);
  }

  private parsePlain(li: number, vs: number, parentIndent: number): unknown {
    const s = this.text;
    const len = this.end[li] as number;
    let end = len;
    let hadComment = false;
    for (let i = vs; i < len; i++) {
      const ch = s.charCodeAt(i);
      if (ch === 58) {
        const next = s.charCodeAt(i + 1);
        if (i + 1 === len || next === 32 || next === 9) this.bail('a colon in a plain value');
      } else if (ch === 35) {
        const prev = s.charCodeAt(i - 1);
        if (prev === 32 || prev === 9) {
          end = i;
          hadComment = true;
          break;
        }
      }
    }
    while (end > vs && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
    this.li = li + 1;
    // Most values end on their line: the next non-blank line is not indented deeper than the parent.
    let k = this.li;
    while (k < this.n && this.kind[k] === BLANK) k++;
    if (k >= this.n || this.kind[k] === MARKER || (this.sp[k] as number) <= parentIndent) {
      const text = s.slice(vs, end);
      return maybeNonString(s, vs, end) ? resolvePlain(text) : text;
    }
    if (hadComment || this.kind[k] !== CONTENT) this.truncatedOr('a comment or tab inside a multi-line value', k);
    // A plain scalar folded over several lines (go-yaml wraps long text at 80 columns).
    let out = s.slice(vs, end);
    let pendingBreaks = 0;
    for (let i = this.li; i < this.n; i++) {
      const kind = this.kind[i];
      if (kind === MARKER) break;
      if (kind === BLANK) {
        pendingBreaks++;
        continue;
      }
      const ind = this.sp[i] as number;
      if (ind <= parentIndent) break;
      if (kind !== CONTENT) this.bail('a comment or tab inside a multi-line value', i);
      const content = this.line(i).slice(ind).trimEnd();
      if (content.includes(': ') || content.includes(':\t') || content.endsWith(':') || content.includes(' #') || isSeqStart(content)) {
        this.truncatedOr('an ambiguous continuation line', i);
      }
      out += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
      out += content;
      pendingBreaks = 0;
      this.li = i + 1;
    }
    return resolvePlain(out);
  }

  /** A quoted scalar that must close on this line (keys). */
  private scanSingleLine(rest: string): { value: string; end: number } | null {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const ch = rest[i] as string;
      if (ch === "'") {
        if (rest[i + 1] === "'") {
          out += "'";
          i++;
          continue;
        }
        return { value: out, end: i + 1 };
      }
      out += ch;
    }
    return null;
  }

  private scanDoubleLine(rest: string): { value: string; end: number } | null {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const ch = rest[i] as string;
      if (ch === '"') return { value: out, end: i + 1 };
      if (ch === '\\') {
        const r = this.escape(rest, i);
        if (r === null) return null;
        out += r.text;
        i = r.next - 1;
        continue;
      }
      out += ch;
    }
    return null;
  }

  private escape(s: string, i: number): { text: string; next: number } | null {
    const e = s[i + 1];
    if (e === undefined) return null;
    const simple = ESCAPES[e];
    if (simple !== undefined) return { text: simple, next: i + 2 };
    const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (len === 0) this.bail(`unknown escape \\${e}`);
    const hex = s.slice(i + 2, i + 2 + len);
    if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) this.bail('bad escape');
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.bail('bad escape');
    return { text: String.fromCodePoint(code), next: i + 2 + len };
  }

  /** A single- or double-quoted scalar starting on the current line, possibly folded over more lines. */
  private parseQuoted(t: string, parentIndent: number, double: boolean): string {
    const startLine = this.li;
    const quote = double ? '"' : "'";
    let out = '';
    let safe = 0; // out[0..safe) must not be trimmed when folding (escaped characters)
    let s = t;
    let i = 1;
    for (;;) {
      let closed = -1;
      while (i < s.length) {
        const ch = s[i] as string;
        if (ch === quote) {
          if (!double && s[i + 1] === "'") {
            out += "'";
            safe = out.length;
            i += 2;
            continue;
          }
          closed = i;
          break;
        }
        if (double && ch === '\\') {
          if (i + 1 === s.length) {
            // Escaped line break: join with the next line, no space, keep what precedes the backslash.
            safe = out.length;
            i = s.length + 1;
            break;
          }
          const r = this.escape(s, i);
          if (r === null) this.bail('bad escape');
          out += r.text;
          safe = out.length;
          i = r.next;
          continue;
        }
        out += ch;
        i++;
      }
      if (closed >= 0) {
        const after = stripComment(s.slice(closed + 1));
        if (after !== '') this.bail('text after a quoted value');
        this.li++;
        return out;
      }
      const escapedBreak = i === s.length + 1;
      if (!escapedBreak) {
        let k = out.length;
        while (k > safe && (out[k - 1] === ' ' || out[k - 1] === '\t')) k--;
        out = out.slice(0, k);
      }
      // Continue on the following lines.
      let breaks = 0;
      let next = this.li + 1;
      for (;;) {
        if (next >= this.n) {
          throw new Definite(`the file ends inside a ${double ? 'double' : 'single'}-quoted string that starts here: it looks truncated`, startLine + 1);
        }
        const l = this.line(next);
        if (isDocMarker(l)) this.bail('a document marker inside a quoted value', next);
        if (isBlank(l)) {
          breaks++;
          next++;
          continue;
        }
        break;
      }
      const l = this.line(next);
      let ind = 0;
      while (l[ind] === ' ' || l[ind] === '\t') ind++;
      let spaces = 0;
      while (l.charCodeAt(spaces) === 32) spaces++;
      if (spaces <= parentIndent) this.bail('a quoted value continued at too small an indentation', next);
      if (!escapedBreak) out += breaks > 0 ? '\n'.repeat(breaks) : ' ';
      else if (breaks > 0) out += '\n'.repeat(breaks);
      if (escapedBreak) safe = out.length;
      this.li = next;
      s = l;
      i = ind;
    }
  }

  /** A literal block scalar: `|`, `|-` or `|+`. */
  private parseLiteral(t: string, parentIndent: number, inMapping: boolean): string {
    // |, |-, |+, and with an indentation indicator (go-yaml writes |2 when the text starts with a space or a newline).
    const m = /^\|([1-9]?)([-+]?)([1-9]?)$/.exec(stripComment(t));
    if (m === null || (m[1] !== '' && m[3] !== '')) this.bail('a block scalar header');
    const chomp: 'clip' | 'strip' | 'keep' = m[2] === '-' ? 'strip' : m[2] === '+' ? 'keep' : 'clip';
    const indicator = Number(m[1] || m[3] || 0);
    // The indicator counts from the parent's indentation; that is plain only for a mapping value.
    if (indicator > 0 && !inMapping) this.bail('a block scalar indentation indicator in a sequence');
    this.li++;
    const parts: string[] = [];
    let indent = indicator > 0 ? Math.max(parentIndent, 0) + indicator : -1;
    let maxLeadingBlank = 0;
    let i = this.li;
    for (; i < this.n; i++) {
      const l = this.line(i);
      if (isDocMarker(l)) break;
      let sp = 0;
      while (l.charCodeAt(sp) === 32) sp++;
      if (sp === l.length) {
        // An empty (spaces only) line.
        if (indent < 0) {
          maxLeadingBlank = Math.max(maxLeadingBlank, sp);
          parts.push('');
        } else {
          parts.push(sp > indent ? l.slice(indent) : '');
        }
        continue;
      }
      if (indent < 0) {
        if (sp <= parentIndent) break;
        if (l[sp] === '\t') this.bail('tab in indentation', i);
        if (maxLeadingBlank > sp) this.bail('a block scalar with over-indented leading blank lines', i);
        indent = sp;
      } else if (sp < indent) {
        break;
      }
      parts.push(l.slice(indent));
    }
    // Trailing blank lines belong to the scalar (they matter for keep chomping); the next node starts at i.
    this.li = i;
    let end = parts.length;
    while (end > 0 && parts[end - 1] === '') end--;
    const body = parts.slice(0, end).join('\n');
    if (chomp === 'strip') return body;
    if (chomp === 'clip') return end > 0 ? `${body}\n` : '';
    const trailing = parts.length - end;
    return end > 0 ? `${body}\n${'\n'.repeat(trailing)}` : '\n'.repeat(trailing);
  }
}

/**
 * Read kubectl-style YAML. With `lines` false no line trees are built (faster, less memory); read
 * again with `lines` true to name the line of an error: the documents and values are the same.
 */
export function parseKubectlYaml(text: string, lines = true): FastResult {
  const p = new Parser(text, lines);
  try {
    return { kind: 'ok', docs: p.parseStream() };
  } catch (e) {
    if (e instanceof Unsupported) return { kind: 'unsupported', reason: e.reason, line: e.line };
    if (e instanceof Definite) return { kind: 'error', message: e.message, line: e.line };
    throw e;
  }
}
