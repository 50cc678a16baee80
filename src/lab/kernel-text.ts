// Parsers for what the kernel's tools print: `conntrack -L` lines and `iptables-save -c`. Pure.

export interface Tuple {
  readonly src: string;
  readonly dst: string;
  readonly sport: number | null;
  readonly dport: number | null;
}

export interface ConntrackEntry {
  readonly proto: string;
  /** TCP state (SYN_SENT, SYN_RECV, ESTABLISHED, ...); null for UDP. */
  readonly state: string | null;
  readonly orig: Tuple;
  readonly reply: Tuple;
  readonly unreplied: boolean;
  readonly mark: string | null;
  readonly line: string;
}

/** One `conntrack -L` line; null for lines that are not an IPv4 TCP/UDP entry. */
export function parseConntrack(line: string): ConntrackEntry | null {
  const words = line.trim().split(/\s+/);
  const proto = words[0];
  if (proto !== 'tcp' && proto !== 'udp') return null;
  let state: string | null = null;
  if (proto === 'tcp' && words[3] !== undefined && /^[A-Z_]+$/.test(words[3])) state = words[3];
  const tuples: Record<string, string>[] = [];
  let unreplied = false;
  let mark: string | null = null;
  for (const w of words) {
    if (w === '[UNREPLIED]') unreplied = true;
    const m = /^([a-z]+)=(.*)$/.exec(w);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'mark') { mark = value; continue; }
    if (key === 'src') tuples.push({});
    const t = tuples.at(-1);
    if (t && (key === 'src' || key === 'dst' || key === 'sport' || key === 'dport')) t[key] = value;
  }
  if (tuples.length < 2) return null;
  const tuple = (t: Record<string, string>): Tuple => ({
    src: t.src ?? '',
    dst: t.dst ?? '',
    sport: t.sport === undefined ? null : Number(t.sport),
    dport: t.dport === undefined ? null : Number(t.dport),
  });
  return { proto, state, orig: tuple(tuples[0]!), reply: tuple(tuples[1]!), unreplied, mark, line: line.trim() };
}

export function parseConntrackList(text: string): ConntrackEntry[] {
  return text.split('\n').map(parseConntrack).filter((e): e is ConntrackEntry => e !== null);
}

export interface CountedRule {
  readonly table: string;
  readonly chain: string;
  /** Position within its chain, from 0. */
  readonly index: number;
  readonly packets: number;
  readonly bytes: number;
  /** The rule as iptables-save prints it, without the counters. */
  readonly text: string;
}

/** `iptables-save -c`: every rule with its [packets:bytes]. */
export function parseSaveCounters(text: string): CountedRule[] {
  const out: CountedRule[] = [];
  let table = '';
  const seen = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) { table = line.slice(1); continue; }
    const m = /^\[(\d+):(\d+)\]\s+(-A\s+(\S+).*)$/.exec(line);
    if (!m) continue;
    const chain = m[4]!;
    const key = `${table} ${chain}`;
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    out.push({ table, chain, index, packets: Number(m[1]), bytes: Number(m[2]), text: m[3]! });
  }
  return out;
}

/** iptables-save output without its comment lines and counters, for comparing rule sets. */
export function normaliseSave(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/^(:\S+ \S+) \[\d+:\d+\]$/, '$1 [0:0]').replace(/^\[\d+:\d+\] /, '').replace(IPIP_NAME, '-p 4 '))
    .join('\n');
}

/**
 * Felix writes "-p 4" (IP-in-IP); iptables-save prints protocol 4 by its /etc/protocols name,
 * ipencap (or ipv4 on newer netbase), as `rules` notes. The same rule: compared as "-p 4".
 */
const IPIP_NAME = /(?<=^-A \S+ (?:-[io] \S+ )?)-p (?:ipencap|ipv4) /;
