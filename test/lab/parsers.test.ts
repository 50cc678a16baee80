// pcap, conntrack -L and iptables-save -c parsing; preflight's one-sentence answers. Pure.

import { describe, expect, it } from 'vitest';
import { normaliseSave, parseConntrack, parseSaveCounters } from '../../src/lab/kernel-text.js';
import { describeFrame, readPcap, tcpFlags } from '../../src/lab/pcap.js';
import { preflight } from '../../src/lab/preflight.js';

const macBytes = (m: string) => m.split(':').map((x) => parseInt(x, 16));
const ipBytes = (ip: string) => ip.split('.').map(Number);

function ipv4(src: string, dst: string, proto: number, ttl: number, payload: number[]): number[] {
  const len = 20 + payload.length;
  return [0x45, 0, len >> 8, len & 255, 0, 0, 0x40, 0, ttl, proto, 0, 0, ...ipBytes(src), ...ipBytes(dst), ...payload];
}
const tcp = (sport: number, dport: number, flags: number) => [sport >> 8, sport & 255, dport >> 8, dport & 255, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0];
const udp = (sport: number, dport: number, payload: number[]) => [sport >> 8, sport & 255, dport >> 8, dport & 255, 0, 8 + payload.length, 0, 0, ...payload];
const eth = (src: string, dst: string, payload: number[]) => [...macBytes(dst), ...macBytes(src), 0x08, 0x00, ...payload];

function pcap(frames: number[][]): Uint8Array {
  const out: number[] = [];
  const u32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
  out.push(...u32(0xa1b2c3d4), 2, 0, 4, 0, ...u32(0), ...u32(0), ...u32(65535), ...u32(1));
  frames.forEach((f, i) => out.push(...u32(1000 + i), ...u32(0), ...u32(f.length), ...u32(f.length), ...f));
  return Uint8Array.from(out);
}

describe('readPcap', () => {
  it('decodes a SYN with its MACs, TTL and tcpdump flags', () => {
    const syn = eth('ce:8c:19:6b:cc:58', '36:c6:95:55:48:c2', ipv4('10.244.1.10', '10.96.1.20', 6, 64, tcp(43512, 80, 0x02)));
    const [f] = readPcap(pcap([syn]));
    expect(f!.frame).toMatchObject({ srcMac: 'ce:8c:19:6b:cc:58', dstMac: '36:c6:95:55:48:c2', ip: { src: '10.244.1.10', dst: '10.96.1.20', sport: 43512, dport: 80, ttl: 64, proto: 'TCP', flags: 'S' } });
    expect(describeFrame(f!.frame)).toBe('ce:8c:19:6b:cc:58 > 36:c6:95:55:48:c2, 10.244.1.10:43512 > 10.96.1.20:80 TCP [S] ttl 64');
  });

  it('decodes VXLAN inside UDP whatever the port, and an ICMP error with the packet it quotes', () => {
    const inner = eth('5a:19:3d:98:2d:61', '5e:19:42:51:99:76', ipv4('10.244.1.10', '10.244.2.6', 6, 63, tcp(43512, 8080, 0x12)));
    const vx = [0x08, 0, 0, 0, 0, 0, 1, 0, ...inner];
    const outer = eth('a6:c5:ee:6a:1c:eb', 'a6:c5:ec:d7:04:1c', ipv4('192.168.1.11', '192.168.1.12', 17, 64, udp(40000, 4789, vx)));
    const quoted = ipv4('10.244.1.10', '10.96.1.30', 6, 63, tcp(43512, 80, 0x02)).slice(0, 28);
    const icmp = eth('36:c6:95:55:48:c2', 'ce:8c:19:6b:cc:58', ipv4('10.244.1.1', '10.244.1.10', 1, 64, [3, 3, 0, 0, 0, 0, 0, 0, ...quoted]));
    const [a, b] = readPcap(pcap([outer, icmp]));
    expect(a!.frame.ip).toMatchObject({ dport: 4789, vxlan: { vni: 1, inner: { ip: { src: '10.244.1.10', dst: '10.244.2.6', flags: 'S.', ttl: 63 } } } });
    expect(b!.frame.ip).toMatchObject({ proto: 'ICMP', icmp: { type: 3, code: 3, inner: { src: '10.244.1.10', dst: '10.96.1.30', sport: 43512, dport: 80 } } });
  });

  it('does not take a UDP payload for VXLAN unless its header is one (a DNS query whose first byte has bit 3 set)', () => {
    const dnsQuery = [0x08, 0x1d, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 24 }, () => 0x61)];
    const frame = eth('ce:8c:19:6b:cc:58', '36:c6:95:55:48:c2', ipv4('10.244.1.10', '10.96.0.10', 17, 64, udp(40000, 53, dnsQuery)));
    const [f] = readPcap(pcap([frame]));
    expect(f!.frame.ip).toMatchObject({ proto: 'UDP', dport: 53, vxlan: null });
    expect(describeFrame(f!.frame)).not.toContain('VXLAN');
  });

  it('stops cleanly at a record cut short, and names tcpdump flags in its order', () => {
    const syn = eth('ce:8c:19:6b:cc:58', '36:c6:95:55:48:c2', ipv4('10.244.1.10', '10.96.1.20', 6, 64, tcp(1, 2, 0x02)));
    const bytes = pcap([syn, syn]);
    expect(readPcap(bytes.subarray(0, bytes.length - 5))).toHaveLength(1);
    expect(tcpFlags(0x12)).toBe('S.');
    expect(tcpFlags(0x14)).toBe('R.');
    expect(tcpFlags(0x18)).toBe('P.');
  });
});

describe('kernel tool output', () => {
  it('conntrack -L lines', () => {
    expect(parseConntrack('tcp      6 59 SYN_RECV src=10.244.1.10 dst=10.96.1.20 sport=43512 dport=80 src=10.244.2.6 dst=10.244.1.10 sport=8080 dport=43512 mark=0 use=1')).toMatchObject({
      proto: 'tcp', state: 'SYN_RECV', unreplied: false, mark: '0',
      orig: { src: '10.244.1.10', dst: '10.96.1.20', sport: 43512, dport: 80 },
      reply: { src: '10.244.2.6', dst: '10.244.1.10', sport: 8080, dport: 43512 },
    });
    expect(parseConntrack('udp      17 29 src=10.244.1.10 dst=10.96.0.10 sport=51234 dport=53 [UNREPLIED] src=10.244.2.2 dst=10.244.1.10 sport=53 dport=51234 mark=0 use=1')).toMatchObject({ proto: 'udp', state: null, unreplied: true });
    expect(parseConntrack('conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.')).toBeNull();
  });

  it('iptables-save -c counters, by chain position', () => {
    const text = ['*nat', ':PREROUTING ACCEPT [5:300]', '[2:120] -A PREROUTING -j KUBE-SERVICES', '[0:0] -A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A', '[1:60] -A KUBE-SVC-X -j KUBE-SEP-B', 'COMMIT'].join('\n');
    expect(parseSaveCounters(text).map((r) => [r.chain, r.index, r.packets])).toEqual([['PREROUTING', 0, 2], ['KUBE-SVC-X', 0, 0], ['KUBE-SVC-X', 1, 1]]);
    expect(normaliseSave(`# Generated\n${text}`)).toBe(['*nat', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -j KUBE-SERVICES', '-A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A', '-A KUBE-SVC-X -j KUBE-SEP-B', 'COMMIT'].join('\n'));
  });
});

describe('preflight', () => {
  const all = () => true;
  it('says in one sentence what is missing', () => {
    expect(preflight({ platform: 'darwin', uid: 501, path: '', isExecutable: all })).toMatchObject({ ok: false, reason: expect.stringMatching(/^the lab needs Linux/) });
    expect(preflight({ platform: 'linux', uid: 1000, path: '', isExecutable: all })).toMatchObject({ ok: false, reason: expect.stringMatching(/^the lab needs root/) });
    const r = preflight({ platform: 'linux', uid: 0, path: '/usr/bin', isExecutable: (f) => !/tcpdump|conntrack$/.test(f) });
    expect(r).toEqual({
      ok: false,
      reason: 'the lab needs tcpdump, conntrack: install them with `apt-get install -y tcpdump conntrack` (Debian/Ubuntu).',
      missing: ['tcpdump', 'conntrack'],
    });
    for (const x of [r]) if (!x.ok) expect(x.reason.split('. ').length).toBe(1);
  });
});
