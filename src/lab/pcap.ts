// Reading what tcpdump -w captured: the classic pcap file format, Ethernet, IPv4, TCP, UDP, ICMP,
// and VXLAN (decoded whatever the UDP port, so a wrong port is seen, not missed). Pure.

export interface Frame {
  readonly srcMac: string;
  readonly dstMac: string;
  /** The IPv4 packet, or null for ARP and anything else. */
  readonly ip: IpPacket | null;
}

export interface IpPacket {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly proto: 'TCP' | 'UDP' | 'ICMP' | string;
  readonly sport: number | null;
  readonly dport: number | null;
  /** tcpdump's flag string ("S", "S.", "R."), null unless TCP. */
  readonly flags: string | null;
  readonly icmp: { readonly type: number; readonly code: number; readonly inner: IpPacket | null } | null;
  /** A VXLAN payload: its VNI and the inner frame. */
  readonly vxlan: { readonly vni: number; readonly inner: Frame } | null;
  /** The IPv4 header's total length (the whole packet, whatever the capture's snap length kept); absent in older recordings. */
  readonly length?: number;
  /** The IPv4 header's Don't Fragment bit. */
  readonly df?: boolean;
}

export interface CapturedFrame {
  readonly index: number;
  /** Microseconds since the epoch. */
  readonly time: number;
  readonly frame: Frame;
}

const mac = (b: Uint8Array, off: number): string =>
  Array.from(b.subarray(off, off + 6), (x) => x.toString(16).padStart(2, '0')).join(':');

const ipv4 = (b: Uint8Array, off: number): string => `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;

/** tcpdump's order: F S R P . U E W (print-tcp.c tcp_flag_values). */
export function tcpFlags(bits: number): string {
  const table: [number, string][] = [[0x01, 'F'], [0x02, 'S'], [0x04, 'R'], [0x08, 'P'], [0x10, '.'], [0x20, 'U'], [0x40, 'E'], [0x80, 'W']];
  return table.filter(([bit]) => (bits & bit) !== 0).map(([, c]) => c).join('') || 'none';
}

function u16(b: Uint8Array, off: number): number {
  return ((b[off] ?? 0) << 8) | (b[off + 1] ?? 0);
}

export function parseIPv4(b: Uint8Array, off: number, allowTruncated = false): IpPacket | null {
  if (b.length < off + 20 || (b[off]! >> 4) !== 4) return null;
  const ihl = (b[off]! & 15) * 4;
  const protoNum = b[off + 9]!;
  const l4 = off + ihl;
  const proto = protoNum === 6 ? 'TCP' : protoNum === 17 ? 'UDP' : protoNum === 1 ? 'ICMP' : String(protoNum);
  let sport: number | null = null;
  let dport: number | null = null;
  let flags: string | null = null;
  let icmp: IpPacket['icmp'] = null;
  let vxlan: IpPacket['vxlan'] = null;
  if ((proto === 'TCP' || proto === 'UDP') && b.length >= l4 + 4) {
    sport = u16(b, l4);
    dport = u16(b, l4 + 2);
  }
  if (proto === 'TCP' && b.length >= l4 + 14) flags = tcpFlags(b[l4 + 13]!);
  if (proto === 'ICMP' && b.length >= l4 + 8) {
    const type = b[l4]!;
    const code = b[l4 + 1]!;
    const inner = type === 3 || type === 11 ? parseIPv4(b, l4 + 8, true) : null;
    icmp = { type, code, inner };
  }
  // VXLAN: an 8-byte header, flags exactly the I bit and the reserved bytes zero (RFC 7348; Linux
  // sends them so), then an Ethernet frame. Any other UDP payload (a DNS message whose first
  // byte has bit 3 set) is not mistaken for it.
  if (!allowTruncated && proto === 'UDP' && b.length >= l4 + 8 + 8 + 14 && isVxlanHeader(b, l4 + 8)) {
    const v = l4 + 8;
    const vni = (b[v + 4]! << 16) | (b[v + 5]! << 8) | b[v + 6]!;
    vxlan = { vni, inner: parseEthernet(b.subarray(v + 8)) };
  }
  return { src: ipv4(b, off + 12), dst: ipv4(b, off + 16), ttl: b[off + 8]!, proto, sport, dport, flags, icmp, vxlan, length: u16(b, off + 2), df: (b[off + 6]! & 0x40) !== 0 };
}

export function parseEthernet(b: Uint8Array): Frame {
  if (b.length < 14) return { srcMac: '', dstMac: '', ip: null };
  const type = u16(b, 12);
  return { dstMac: mac(b, 0), srcMac: mac(b, 6), ip: type === 0x0800 ? parseIPv4(b, 14) : null };
}

/** A classic pcap file (either byte order, micro- or nanosecond), link type Ethernet. */
export function readPcap(data: Uint8Array): CapturedFrame[] {
  if (data.length < 24) return [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = view.getUint32(0, true);
  let little: boolean;
  let nano = false;
  if (magic === 0xa1b2c3d4) little = true;
  else if (magic === 0xa1b23c4d) { little = true; nano = true; }
  else if (magic === 0xd4c3b2a1) little = false;
  else if (magic === 0x4d3cb2a1) { little = false; nano = true; }
  else throw new Error('not a pcap file');
  const linkType = view.getUint32(20, little);
  if (linkType !== 1) throw new Error(`pcap link type ${linkType}, expected Ethernet (1)`);
  const out: CapturedFrame[] = [];
  let off = 24;
  while (off + 16 <= data.length) {
    const sec = view.getUint32(off, little);
    const frac = view.getUint32(off + 4, little);
    const incl = view.getUint32(off + 8, little);
    if (off + 16 + incl > data.length) break; // a record cut short by a kill
    const bytes = data.subarray(off + 16, off + 16 + incl);
    out.push({ index: out.length + 1, time: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), frame: parseEthernet(bytes) });
    off += 16 + incl;
  }
  return out;
}

export function endpointText(ip: string, port: number | null): string {
  return port === null ? ip : `${ip}:${port}`;
}

function isVxlanHeader(b: Uint8Array, v: number): boolean {
  return b[v] === 0x08 && b[v + 1] === 0 && b[v + 2] === 0 && b[v + 3] === 0 && b[v + 7] === 0;
}

/** One line in the spirit of `tcpdump -e -n -v` (with -T vxlan for the outer headers). */
export function describeFrame(f: Frame): string {
  const p = f.ip;
  if (p === null) return `${f.srcMac} > ${f.dstMac} (not IPv4)`;
  const inner = p.vxlan ? ` VXLAN vni ${p.vxlan.vni}: ${describeFrame(p.vxlan.inner)}` : '';
  const icmp = p.icmp ? ` ICMP type ${p.icmp.type} code ${p.icmp.code}${p.icmp.inner ? ` (for ${describeIp(p.icmp.inner)})` : ''}` : '';
  return `${f.srcMac} > ${f.dstMac}, ${describeIp(p)} ttl ${p.ttl}${icmp}${inner}`;
}

export function describeIp(p: IpPacket): string {
  const flags = p.flags ? ` [${p.flags}]` : '';
  return `${endpointText(p.src, p.sport)} > ${endpointText(p.dst, p.dport)} ${p.proto}${flags}`;
}
