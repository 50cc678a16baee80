// From dump text to plain documents that can name the line of any field.
//
// Three ways in, one result: kubectl's JSON goes through JSON.parse (fast) and a small scanner finds
// lines only when an error needs one; kubectl's YAML goes through the fast subset reader
// (fast-yaml.ts); anything else (hand-written YAML with anchors, flow maps, ...) goes through the
// `yaml` package, which also produces the syntax errors for malformed text.

import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { lineInTree, parseKubectlYaml, type FastDoc } from './fast-yaml.js';

export type Path = readonly (string | number)[];

export interface SourceDoc {
  readonly value: unknown;
  /** The 1-based line of the deepest part of `path` that exists in the document (the document's first line if none). */
  locate(path: Path): number;
}

export type SourceResult =
  | { readonly ok: true; readonly format: 'json' | 'yaml'; readonly docs: readonly SourceDoc[]; readonly lineText: (line: number) => string }
  | { readonly ok: false; readonly line: number | null; readonly message: string };

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Text that is not a text file: NUL bytes, undecodable bytes (U+FFFD) or control characters. */
function checkText(text: string): { line: number; message: string } | null {
  // Windows PowerShell's `>` writes UTF-16; read as UTF-8 that is every other character NUL.
  if (text.startsWith('\x1f\ufffd')) {
    return { line: 1, message: 'the file is gzip-compressed: decompress it first (gunzip)' };
  }
  const head = text.slice(0, 400);
  const nulsInHead = head.split('\0').length - 1;
  if (nulsInHead > 0 && nulsInHead * 3 >= head.length) {
    return {
      line: 1,
      message:
        'the file is UTF-16 text, not UTF-8 (Windows PowerShell\'s ">" writes UTF-16): save it as UTF-8, e.g. kubectl ... -o yaml | Out-File -Encoding utf8 cluster.yaml',
    };
  }
  const bad = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/.exec(text);
  if (bad === null) return null;
  const ch = bad[0];
  const line = lineAt(text, bad.index);
  if (ch === '\0') return { line, message: 'not a text file: it contains a NUL byte (is it binary, or compressed?)' };
  if (ch === '\ufffd') return { line, message: 'not UTF-8 text: it contains bytes that are not valid UTF-8 (is it binary, or in another encoding?)' };
  if (ch === '\x1b') return { line, message: 'the text contains terminal escape codes (was it saved from coloured output?): save plain kubectl output instead' };
  const code = ch.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase();
  return { line, message: `not plain text: it contains the control character 0x${code}` };
}

/** Line n of the text (1-based), split only when first asked. */
function lineTextOf(text: string): (n: number) => string {
  let lines: string[] | null = null;
  return (n) => {
    lines ??= text.split('\n');
    return (lines[n - 1] ?? '').replace(/\r$/, '');
  };
}

// ---- JSON ----

/** The line of the deepest part of `path` in well-formed JSON text. */
export function locateJson(text: string, path: Path): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < text.length) {
        const d = text[i];
        if (d === '"') {
          skipString();
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return;
          }
        }
        i++;
      }
      return;
    }
    while (i < text.length && !',}] \n\r\t'.includes(text[i] as string)) i++;
  };
  ws();
  let found = i;
  outer: for (const step of path) {
    ws();
    if (text[i] === '{' && typeof step === 'string') {
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') break outer;
        const keyStart = i;
        skipString();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        ws();
        i++; // ':'
        if (key === step) {
          found = keyStart;
          continue outer;
        }
        skipValue();
        ws();
        if (text[i] !== ',') break outer;
        i++;
      }
    } else if (text[i] === '[' && typeof step === 'number') {
      i++;
      for (let n = 0; ; n++) {
        ws();
        if (text[i] === ']') break outer;
        if (n === step) {
          found = i;
          continue outer;
        }
        skipValue();
        ws();
        if (text[i] !== ',') break outer;
        i++;
      }
    } else {
      break;
    }
  }
  return lineAt(text, found);
}

function readJson(text: string): SourceResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const pos = /at position (\d+)/.exec(raw);
    const at = pos ? Number(pos[1]) : null;
    const reason = raw.replace(/ in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
    if (/Unexpected end of JSON input/.test(raw) || (at !== null && at >= text.trimEnd().length)) {
      return { ok: false, line: lineAt(text, text.trimEnd().length), message: 'not valid JSON: the file ends early; it looks truncated' };
    }
    // A small file that starts like JSON may be hand-written flow-style YAML ({apiVersion: v1, ...}).
    if (text.length < 1_000_000) {
      const asYaml = readYamlFull(text);
      if (asYaml.ok) return asYaml;
    }
    return { ok: false, line: at === null ? null : lineAt(text, at), message: `not valid JSON: ${reason}` };
  }
  return {
    ok: true,
    format: 'json',
    docs: [{ value, locate: (path) => locateJson(text, path) }],
    lineText: lineTextOf(text),
  };
}

// ---- YAML ----

function locateInDocument(doc: Document, lc: LineCounter, path: Path): number {
  const lineOf = (offset: number): number => lc.linePos(offset).line;
  let node: unknown = doc.contents;
  let line = node !== null && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? lineOf(node.range[0] as number) : 1;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (pair === undefined) break;
      if (isScalar(pair.key) && pair.key.range) line = lineOf(pair.key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step];
      if (item === undefined) break;
      if ((isMap(item) || isSeq(item) || isScalar(item)) && item.range) line = lineOf(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function readYamlFull(text: string): SourceResult {
  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lc, prettyErrors: true });
  const docs: SourceDoc[] = [];
  for (const doc of parsed) {
    const err = doc.errors[0];
    if (err !== undefined) {
      const line = err.linePos?.[0].line ?? null;
      const first = err.message.split('\n')[0] ?? err.message;
      const message = first.replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, line, message: `not valid YAML: ${message}` };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      return { ok: false, line: null, message: `not valid YAML: ${e instanceof Error ? e.message : String(e)}` };
    }
    docs.push({ value, locate: (path) => locateInDocument(doc, lc, path) });
  }
  return { ok: true, format: 'yaml', docs, lineText: lineTextOf(text) };
}

function readYaml(text: string): SourceResult {
  // Read without line bookkeeping; only an error needs lines, and then the text is read again with them.
  const fast = parseKubectlYaml(text, false);
  if (fast.kind === 'error') return { ok: false, line: fast.line, message: `not valid YAML: ${fast.message}` };
  if (fast.kind === 'unsupported') return readYamlFull(text);
  let trees: readonly FastDoc[] | null = null;
  const treesOf = (): readonly FastDoc[] => {
    if (trees === null) {
      const again = parseKubectlYaml(text, true);
      trees = again.kind === 'ok' ? again.docs : [];
    }
    return trees;
  };
  return {
    ok: true,
    format: 'yaml',
    docs: fast.docs.map((d, i) => ({
      value: d.value,
      locate: (path: Path) => {
        const t = treesOf()[i];
        return t === undefined ? d.line : lineInTree(t.value, t.tree, t.line, path);
      },
    })),
    lineText: lineTextOf(text),
  };
}

export function readSource(input: string): SourceResult {
  const text = input.startsWith('\ufeff') ? input.slice(1) : input;
  const bad = checkText(text);
  if (bad !== null) return { ok: false, line: bad.line, message: bad.message };
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') return readJson(text);
  return readYaml(text);
}
