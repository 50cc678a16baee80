// Connection tracking as the kernel keeps it: an entry holds the original tuple (as the client
// sent it) and the reply tuple it expects back (after NAT). NAT happens once, on the first
// packet; every later packet in either direction is rewritten from the entry alone.

export interface Tuple {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
}

export type CtProto = 'tcp' | 'udp';

export interface CtEntry {
  readonly proto: CtProto;
  orig: Tuple;
  reply: Tuple;
  /** IPS_DST_NAT: the destination was rewritten (kube-proxy's DNAT). */
  dstNat: boolean;
  /** IPS_SRC_NAT: the source was rewritten (MASQUERADE). */
  srcNat: boolean;
  /** IPS_SEEN_REPLY: a packet went the other way. */
  seenReply: boolean;
  /** Inserted into the table (confirmed at the end of POSTROUTING). */
  confirmed: boolean;
  /**
   * The last `conntrack -L` line made for this entry and what it was made from. A field, not a
   * WeakMap keyed by entry: entries live for one trace, and a long-lived WeakMap given short-lived
   * keys on every call slows V8's collector (a plain loop ran 12x slower with one, Node 20).
   */
  lineCache?: { readonly orig: Tuple; readonly reply: Tuple; readonly seenReply: boolean; readonly line: string };
}

export type CtDirection = 'original' | 'reply';

export function invert(t: Tuple): Tuple {
  return { src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

export function sameTuple(a: Tuple, b: Tuple): boolean {
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

export function newEntry(proto: CtProto, orig: Tuple): CtEntry {
  return { proto, orig, reply: invert(orig), dstNat: false, srcNat: false, seenReply: false, confirmed: false, lineCache: undefined };
}

export function lookup(table: readonly CtEntry[], proto: CtProto, t: Tuple): { entry: CtEntry; dir: CtDirection } | null {
  for (const entry of table) {
    if (entry.proto !== proto) continue;
    if (sameTuple(entry.orig, t)) return { entry, dir: 'original' };
    if (sameTuple(entry.reply, t)) return { entry, dir: 'reply' };
  }
  return null;
}

const PROTO_NUMBER: Record<CtProto, number> = { tcp: 6, udp: 17 };
/** conntrack -L's first column, the protocol name padded to 8. */
const PROTO_COLUMN: Record<CtProto, string> = { tcp: 'tcp     ', udp: 'udp     ' };

function tupleText(t: Tuple): string {
  return `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`;
}

/**
 * The entry as `conntrack -L` prints it. TCP shows its state and the seconds left: a SYN leaves
 * SYN_SENT (120 s), the SYN-ACK moves it to SYN_RECV (60 s); UDP keeps 30 s until it becomes a
 * stream. [UNREPLIED] until a reply is seen. mark= is the conntrack mark, not kube-proxy's packet mark.
 */
export function conntrackLine(entry: CtEntry): string {
  // Every hop of a connection shows its entry, which changes only a few times: the line is made
  // again only when the tuples (replaced, never mutated) or the reply flag have changed.
  const last = entry.lineCache;
  if (last !== undefined && last.orig === entry.orig && last.reply === entry.reply && last.seenReply === entry.seenReply) return last.line;
  const proto = PROTO_COLUMN[entry.proto];
  const num = PROTO_NUMBER[entry.proto];
  const state = entry.proto === 'tcp' ? (entry.seenReply ? '59 SYN_RECV ' : '119 SYN_SENT ') : '29 ';
  const unreplied = entry.seenReply ? '' : '[UNREPLIED] ';
  const line = `${proto} ${num} ${state}${tupleText(entry.orig)} ${unreplied}${tupleText(entry.reply)} mark=0 use=1`;
  entry.lineCache = { orig: entry.orig, reply: entry.reply, seenReply: entry.seenReply, line };
  return line;
}

/** The line once the handshake completes (kube-proxy sets the established timeout to 86400 s). */
export function establishedLine(entry: CtEntry): string {
  const proto = PROTO_COLUMN[entry.proto];
  if (entry.proto === 'udp') return `${proto} 17 119 ${tupleText(entry.orig)} ${tupleText(entry.reply)} [ASSURED] mark=0 use=1`;
  return `${proto} 6 86399 ESTABLISHED ${tupleText(entry.orig)} ${tupleText(entry.reply)} [ASSURED] mark=0 use=1`;
}
