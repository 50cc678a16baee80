// Typed, path-aware access to the fields of a dumped object. Every failure names the object and the
// field (as kubectl spells it: spec.ports[0].port, metadata.annotations["a/b"]) and carries the path
// so the reader can turn it into a line number.

import { isIPv4, parseCidr } from '../net/ipv4.js';
import type { Protocol } from './model.js';
import type { Path } from './dump-source.js';

/** Where an object sits: which document, its path in that document, and how errors name it. */
export interface ObjectContext {
  readonly doc: number;
  readonly base: Path;
  readonly label: string;
}

/** An expected failure, thrown inside the reader and turned into a DumpError (never escapes the reader). */
export class DumpFailure {
  constructor(
    readonly doc: number | null,
    readonly path: Path,
    readonly object: string | null,
    readonly field: string | null,
    readonly message: string,
    /** For a field holding an embedded file (config.conf, Corefile): the 1-based line inside it. */
    readonly innerLine: number | null = null,
    /** A line known outright (e.g. the file's last line, for a truncated file). */
    readonly atLine: number | null = null,
  ) {}
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function fieldName(path: Path): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (IDENT.test(step)) out += out === '' ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** How a value looks in a message: strings quoted, long ones cut. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${show(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return show(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A file embedded in a string field (a ConfigMap's config.conf): errors inside it name the outer field and the inner line. */
export interface Embedded {
  readonly outer: Field;
  /** The 1-based line, inside the embedded text, of the deepest existing part of a path. */
  locate(path: Path): number;
}

/** A field of an object being read: its value and where it is. */
export class Field {
  constructor(
    readonly ctx: ObjectContext,
    readonly rel: Path,
    readonly value: unknown,
    readonly embedded: Embedded | null = null,
  ) {}

  get(key: string | number): Field {
    let v: unknown;
    if (typeof key === 'number') v = Array.isArray(this.value) ? this.value[key] : undefined;
    else v = isRecord(this.value) && Object.prototype.hasOwnProperty.call(this.value, key) ? this.value[key] : undefined;
    return new Field(this.ctx, [...this.rel, key], v, this.embedded);
  }

  get name(): string {
    return fieldName(this.rel);
  }

  fail(message: string, innerLine: number | null = null): never {
    const e = this.embedded;
    if (e !== null) {
      const inner = this.rel.length > 0 ? ` (${this.name})` : '';
      throw new DumpFailure(this.ctx.doc, [...this.ctx.base, ...e.outer.rel], this.ctx.label || null, `${e.outer.name}${inner}`, message, innerLine ?? e.locate(this.rel));
    }
    throw new DumpFailure(this.ctx.doc, [...this.ctx.base, ...this.rel], this.ctx.label || null, this.rel.length > 0 ? this.name : null, message, innerLine);
  }

  /** A view of an embedded file's parsed value, whose errors point into this field. */
  embed(value: unknown, locate: (path: Path) => number): Field {
    return new Field(this.ctx, [], value, { outer: this, locate });
  }

  get absent(): boolean {
    return this.value === undefined || this.value === null;
  }

  optString(): string | null {
    if (this.absent) return null;
    if (typeof this.value !== 'string') this.fail(`expected a string, got ${describe(this.value)}`);
    return this.value;
  }

  /** A present, non-empty string. */
  string(): string {
    if (this.absent) this.fail('missing');
    const s = this.optString() as string;
    if (s === '') this.fail('empty');
    return s;
  }

  optBool(): boolean | null {
    if (this.absent) return null;
    if (typeof this.value !== 'boolean') this.fail(`expected true or false, got ${describe(this.value)}`);
    return this.value;
  }

  optInt(min: number, max: number, what: string): number | null {
    if (this.absent) return null;
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`not ${what} (${min}-${max}): ${show(v)}`);
    return v;
  }

  port(): number {
    if (this.absent) this.fail('missing');
    return this.optInt(1, 65535, 'a port number') as number;
  }

  optPort(): number | null {
    return this.optInt(1, 65535, 'a port number');
  }

  ipv4(): string {
    if (this.absent) this.fail('missing');
    return this.optIPv4() as string;
  }

  optIPv4(): string | null {
    if (this.absent || this.value === '') return null;
    if (typeof this.value !== 'string' || !isIPv4(this.value)) this.fail(`not an IPv4 address ${show(this.value)}`);
    return this.value;
  }

  optCidr(): string | null {
    if (this.absent || this.value === '') return null;
    if (typeof this.value !== 'string' || parseCidr(this.value) === null) this.fail(`not an IPv4 CIDR ${show(this.value)}`);
    return this.value;
  }

  protocol(): Protocol {
    if (this.absent) return 'TCP';
    const v = this.value;
    if (v !== 'TCP' && v !== 'UDP' && v !== 'SCTP') this.fail(`not a protocol (TCP, UDP or SCTP): ${show(v)}`);
    return v;
  }

  /** One of the allowed strings; `fallback` when absent. */
  oneOf<T extends string>(allowed: readonly T[], fallback: T): T {
    if (this.absent) return fallback;
    const v = this.value;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(`expected ${allowed.join(' or ')}, got ${show(v)}`);
    return v as T;
  }

  /** A mapping, or null when absent. */
  optMap(): Field | null {
    if (this.absent) return null;
    if (!isRecord(this.value)) this.fail(`expected a mapping, got ${describe(this.value)}`);
    return this;
  }

  /** The items of a list; an absent or null list (kubectl prints `ports: null`) is empty. */
  list(): Field[] {
    if (this.absent) return [];
    if (!Array.isArray(this.value)) this.fail(`expected a list, got ${describe(this.value)}`);
    return this.value.map((v, i) => new Field(this.ctx, [...this.rel, i], v));
  }

  /** A string-to-string mapping (labels, a selector); absent is empty. */
  stringMap(): Record<string, string> {
    const m = this.optMap();
    if (m === null) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.value as Record<string, unknown>)) {
      if (typeof v !== 'string') return this.get(k).fail(`expected a string, got ${describe(v)}`);
      out[k] = v;
    }
    return out;
  }
}
