// Prints a value the way `kubectl get -o yaml` does (sigs.k8s.io/yaml over go-yaml v2): keys sorted,
// sequences not indented under their key, strings plain when go-yaml would leave them plain,
// double-quoted when they would read as another type ("1234", "true", timestamps), single-quoted
// when they hold YAML syntax, literal blocks for multi-line text, and long text folded at 80 columns.

const YAML11_NON_STRING = [
  /^(?:~|null|Null|NULL)$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)$/,
  /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/,
  /^<<$/,
];

function plainAllowed(s: string): boolean {
  if (s === '' || s.trim() !== s || /[\t\n\r\0-\x1f]/.test(s)) return false;
  const c = s[0] as string;
  if ('[]{}#&*!|>\'"%@`,'.includes(c)) return false;
  if ((c === '-' || c === '?' || c === ':') && (s.length === 1 || s[1] === ' ')) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  return true;
}

/** Break long text at single spaces past column 80, as go-yaml's emitter does. */
function fold(text: string, startCol: number, indent: number): string {
  let out = '';
  let col = startCol;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === ' ' && col > 80 && text[i - 1] !== ' ' && text[i + 1] !== ' ' && i + 1 < text.length) {
      out += `\n${' '.repeat(indent)}`;
      col = indent;
      continue;
    }
    out += ch;
    col++;
  }
  return out;
}

function scalar(v: unknown, col: number, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') throw new Error('not a scalar');
  if (v === '') return '""';
  if (YAML11_NON_STRING.some((re) => re.test(v))) return JSON.stringify(v);
  if (plainAllowed(v)) return fold(v, col, indent);
  if (/[\0-\x08\x0b-\x1f\x7f]/.test(v)) return JSON.stringify(v);
  return fold(`'${v.replace(/'/g, "''")}'`, col, indent);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function key(k: string): string {
  return plainAllowed(k) && !YAML11_NON_STRING.some((re) => re.test(k)) ? k : k.includes("'") ? JSON.stringify(k) : `'${k}'`;
}

function literal(text: string, indent: number): string {
  // go-yaml adds an indentation indicator when the text starts with a space or a line break.
  const hint = text.startsWith(' ') || text.startsWith('\n') ? '2' : '';
  const chomp = hint + (text.endsWith('\n') ? (text.endsWith('\n\n') ? '+' : '') : '-');
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const pad = ' '.repeat(indent);
  return `|${chomp}\n${body
    .split('\n')
    .map((l) => (l === '' ? '' : pad + l))
    .join('\n')}`;
}

/** Lines for a mapping whose keys sit at column `indent`; the first line may be prefixed by the caller ("- "). */
function emitMap(m: Record<string, unknown>, indent: number): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(indent);
  for (const k of Object.keys(m).sort()) {
    const v = m[k];
    if (v === undefined) continue;
    const head = `${pad}${key(k)}:`;
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${head} []`);
      else {
        out.push(head);
        for (const l of emitSeq(v, indent)) out.push(l);
      }
    } else if (isMap(v)) {
      if (Object.keys(v).length === 0) out.push(`${head} {}`);
      else {
        out.push(head);
        for (const l of emitMap(v, indent + 2)) out.push(l);
      }
    } else if (typeof v === 'string' && v.includes('\n')) {
      out.push(`${head} ${literal(v, indent + 2)}`);
    } else {
      out.push(`${head} ${scalar(v, head.length + 1, indent + 2)}`);
    }
  }
  return out;
}

function emitSeq(items: unknown[], indent: number): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(indent);
  for (const item of items) {
    if (isMap(item) && Object.keys(item).length > 0) {
      const lines = emitMap(item, indent + 2);
      out.push(`${pad}- ${(lines[0] as string).slice(indent + 2)}`);
      for (let i = 1; i < lines.length; i++) out.push(lines[i] as string);
    } else if (Array.isArray(item) && item.length > 0) {
      const lines = emitSeq(item, indent + 2);
      out.push(`${pad}- ${(lines[0] as string).slice(indent + 2)}`);
      for (let i = 1; i < lines.length; i++) out.push(lines[i] as string);
    } else if (isMap(item)) {
      out.push(`${pad}- {}`);
    } else if (Array.isArray(item)) {
      out.push(`${pad}- []`);
    } else if (typeof item === 'string' && item.includes('\n')) {
      out.push(`${pad}- ${literal(item, indent + 2)}`);
    } else {
      out.push(`${pad}- ${scalar(item, indent + 2, indent + 2)}`);
    }
  }
  return out;
}

export function toKubectlYaml(value: Record<string, unknown>): string {
  return `${emitMap(value, 0).join('\n')}\n`;
}

/** `kubectl get ... -o json`: keys sorted (kubectl prints unstructured objects), four-space indent. */
export function toKubectlJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (isMap(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
    return v;
  };
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

/** The List wrapper kubectl prints around several objects. */
export function kubectlList(items: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}
