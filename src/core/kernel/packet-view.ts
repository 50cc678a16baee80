// What a hop shows of the packet (its PacketView), and which fields changed from the previous hop.

import { hostPort } from '../net/ipv4.js';
import type { OuterHeader, PacketView } from '../trace-model.js';
import type { Packet } from './datapath.js';

/**
 * What a hop shows of the packet. Most hops change nothing in it (a conntrack lookup, a rule that
 * only marks, a bridge port), so when every field equals the previous hop's view in the same
 * direction, that view is shared: views are read-only, and a trace then makes about half as many.
 */
export function viewOf(p: Packet, proto: 'ICMP' | undefined, texts: AddressTexts, previous: PacketView | undefined): PacketView {
  const icmp = proto === 'ICMP';
  const src = icmp ? p.src : texts.of(p.src, p.sport);
  const dst = icmp ? p.dst : texts.of(p.dst, p.dport);
  const shownProto = proto ?? p.proto;
  const srcMac = p.srcMac || null;
  const dstMac = p.dstMac || null;
  const flags = proto ? null : p.flags;
  const sized = p.length !== undefined && proto === undefined;
  const df = p.df ?? false;
  if (
    previous !== undefined &&
    previous.src === src &&
    previous.dst === dst &&
    previous.proto === shownProto &&
    previous.srcMac === srcMac &&
    previous.dstMac === dstMac &&
    previous.ttl === p.ttl &&
    previous.flags === flags &&
    sameOuterHeader(previous.outer, p.outer) &&
    (sized ? previous.length === p.length && previous.df === df : previous.length === undefined)
  ) {
    return previous;
  }
  const view: PacketView = { src, dst, proto: shownProto, srcMac, dstMac, ttl: p.ttl, flags, outer: p.outer ? { ...p.outer } : null };
  if (!sized) return view;
  return { ...view, length: p.length, df };
}

/** Every field of two outer headers, for sharing a view (sameOuter leaves out the ones `changed` does not report). */
function sameOuterHeader(a: OuterHeader | null, b: OuterHeader | null): boolean {
  if (a === null || b === null) return a === b;
  return sameOuter(a, b) && a.proto === b.proto && a.ttl === b.ttl;
}

/**
 * "ip:port" texts of the packet views. One trace's packets carry a handful of addresses hop after
 * hop, so the last few texts are kept and reused instead of building the same string per hop.
 */
export class AddressTexts {
  private readonly ips: string[] = [];
  private readonly ports: number[] = [];
  private readonly texts: string[] = [];
  private next = 0;

  of(ip: string, port: number): string {
    for (let i = 0; i < this.texts.length; i++) if (this.ports[i] === port && this.ips[i] === ip) return this.texts[i]!;
    const text = hostPort(ip, port);
    const slot = this.next;
    this.next = (slot + 1) % 8;
    this.ips[slot] = ip;
    this.ports[slot] = port;
    this.texts[slot] = text;
    return text;
  }
}

const CHANGED_FIELDS = ['src', 'dst', 'srcMac', 'dstMac', 'ttl', 'outer'] as const;

/** Each combination of changed fields as one shared frozen list: a hop records one, never edits it. */
const changedLists = new Map<number, readonly string[]>();

export function changedFields(a: PacketView, b: PacketView): readonly string[] {
  const bits = (a.src !== b.src ? 1 : 0) | (a.dst !== b.dst ? 2 : 0) | (a.srcMac !== b.srcMac ? 4 : 0)
    | (a.dstMac !== b.dstMac ? 8 : 0) | (a.ttl !== b.ttl ? 16 : 0) | (sameOuter(a.outer, b.outer) ? 0 : 32);
  let list = changedLists.get(bits);
  if (list === undefined) {
    list = Object.freeze(CHANGED_FIELDS.filter((_, i) => (bits & (1 << i)) !== 0));
    changedLists.set(bits, list);
  }
  return list;
}

function sameOuter(a: OuterHeader | null, b: OuterHeader | null): boolean {
  if (a === null || b === null) return a === b;
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport && a.vni === b.vni && a.srcMac === b.srcMac && a.dstMac === b.dstMac;
}
