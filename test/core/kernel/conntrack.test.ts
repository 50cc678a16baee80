// conntrack: the entry's original and reply tuples, lookup from either direction, and the
// `conntrack -L` line format against the real and derived lines of reference 3.4.

import { describe, expect, it } from 'vitest';
import { conntrackLine, establishedLine, invert, lookup, newEntry, sameTuple, type CtEntry } from '../../../src/core/kernel/conntrack.js';

const podA = { src: '10.244.1.10', dst: '10.96.45.10', sport: 43512, dport: 80 };

/** An entry after kube-proxy's DNAT to ep: the reply tuple now expects the endpoint. */
function dnated(ep: string, port: number): CtEntry {
  const e = newEntry('tcp', podA);
  e.reply = invert({ ...podA, dst: ep, dport: port });
  e.dstNat = true;
  return e;
}

describe('conntrack entries and lookup', () => {
  it('a new entry expects the mirror image as its reply', () => {
    const e = newEntry('udp', podA);
    expect(e.reply).toEqual({ src: '10.96.45.10', dst: '10.244.1.10', sport: 80, dport: 43512 });
    expect([e.dstNat, e.srcNat, e.seenReply, e.confirmed]).toEqual([false, false, false, false]);
    expect(invert(invert(podA))).toEqual(podA);
    expect(sameTuple(podA, { ...podA })).toBe(true);
    expect(sameTuple(podA, { ...podA, sport: 1 })).toBe(false);
  });

  it('finds a DNATed entry by its original tuple and by its reply tuple', () => {
    const other = newEntry('tcp', { src: '10.244.1.99', dst: '10.96.45.10', sport: 40000, dport: 80 });
    const e = dnated('10.244.2.20', 8080);
    const table = [other, e];
    expect(lookup(table, 'tcp', podA)).toEqual({ entry: e, dir: 'original' });
    const reply = { src: '10.244.2.20', dst: '10.244.1.10', sport: 8080, dport: 43512 };
    expect(lookup(table, 'tcp', reply)).toEqual({ entry: e, dir: 'reply' });
    // The un-NATed mirror of the original is no longer expected after the DNAT.
    expect(lookup(table, 'tcp', invert(podA))).toBeNull();
    // The protocol is part of the key.
    expect(lookup(table, 'udp', podA)).toBeNull();
    // Any other port misses.
    expect(lookup(table, 'tcp', { ...reply, dport: 43513 })).toBeNull();
  });

  it('finds a masqueraded hairpin entry by the reply to the masquerade address', () => {
    const e = newEntry('tcp', { src: '10.244.1.11', dst: '10.96.45.10', sport: 40001, dport: 80 });
    e.reply = { src: '10.244.1.11', dst: '10.244.1.1', sport: 8080, dport: 40001 };
    e.dstNat = true;
    e.srcNat = true;
    expect(lookup([e], 'tcp', { src: '10.244.1.11', dst: '10.244.1.1', sport: 8080, dport: 40001 })?.dir).toBe('reply');
  });
});

describe('conntrack -L lines (reference 3.4)', () => {
  it('matches the derived reference lines exactly once the handshake completes', () => {
    expect(establishedLine(dnated('10.244.2.20', 8080))).toBe(
      'tcp      6 86399 ESTABLISHED src=10.244.1.10 dst=10.96.45.10 sport=43512 dport=80 src=10.244.2.20 dst=10.244.1.10 sport=8080 dport=43512 [ASSURED] mark=0 use=1',
    );
    const plain = newEntry('tcp', { src: '10.244.1.10', dst: '10.244.2.20', sport: 43512, dport: 8080 });
    expect(establishedLine(plain)).toBe(
      'tcp      6 86399 ESTABLISHED src=10.244.1.10 dst=10.244.2.20 sport=43512 dport=8080 src=10.244.2.20 dst=10.244.1.10 sport=8080 dport=43512 [ASSURED] mark=0 use=1',
    );
    const hairpin = newEntry('tcp', { src: '10.244.1.11', dst: '10.96.45.10', sport: 40001, dport: 80 });
    hairpin.reply = { src: '10.244.1.11', dst: '10.244.1.1', sport: 8080, dport: 40001 };
    expect(establishedLine(hairpin)).toBe(
      'tcp      6 86399 ESTABLISHED src=10.244.1.11 dst=10.96.45.10 sport=40001 dport=80 src=10.244.1.11 dst=10.244.1.1 sport=8080 dport=40001 [ASSURED] mark=0 use=1',
    );
  });

  it('has the spacing of the real kernel line (issue #38802): proto padded to 8, a space, protonum', () => {
    const real = 'tcp      6 86388 ESTABLISHED src=10.28.65.157 dst=10.28.65.112 sport=56912 dport=10250 src=10.28.65.112 dst=10.28.65.157 sport=10250 dport=56912 [ASSURED] mark=0 use=1';
    const ours = establishedLine(newEntry('tcp', { src: '10.28.65.157', dst: '10.28.65.112', sport: 56912, dport: 10250 }));
    expect(ours.replace(/^(tcp +6 )\d+/, '$1N')).toBe(real.replace(/^(tcp +6 )\d+/, '$1N'));
  });

  it('prints the UDP DNS line of the reference once a reply is seen: no state, no [UNREPLIED], no [ASSURED] yet', () => {
    const e = newEntry('udp', { src: '10.244.1.10', dst: '10.96.0.10', sport: 51234, dport: 53 });
    e.reply = invert({ src: '10.244.1.10', dst: '10.244.0.3', sport: 51234, dport: 53 });
    e.dstNat = true;
    expect(conntrackLine(e)).toBe(
      'udp      17 29 src=10.244.1.10 dst=10.96.0.10 sport=51234 dport=53 [UNREPLIED] src=10.244.0.3 dst=10.244.1.10 sport=53 dport=51234 mark=0 use=1',
    );
    e.seenReply = true;
    expect(conntrackLine(e)).toBe(
      'udp      17 29 src=10.244.1.10 dst=10.96.0.10 sport=51234 dport=53 src=10.244.0.3 dst=10.244.1.10 sport=53 dport=51234 mark=0 use=1',
    );
  });

  it('TCP handshake states: SYN_SENT [UNREPLIED] after the SYN, SYN_RECV after the SYN-ACK (nf_conntrack_proto_tcp timeouts 120 s / 60 s)', () => {
    const e = dnated('10.244.2.20', 8080);
    expect(conntrackLine(e)).toBe(
      'tcp      6 119 SYN_SENT src=10.244.1.10 dst=10.96.45.10 sport=43512 dport=80 [UNREPLIED] src=10.244.2.20 dst=10.244.1.10 sport=8080 dport=43512 mark=0 use=1',
    );
    e.seenReply = true;
    expect(conntrackLine(e)).toBe(
      'tcp      6 59 SYN_RECV src=10.244.1.10 dst=10.96.45.10 sport=43512 dport=80 src=10.244.2.20 dst=10.244.1.10 sport=8080 dport=43512 mark=0 use=1',
    );
  });

  it('shows mark=0: kube-proxy\'s 0x4000 is a packet mark, not a ctmark', () => {
    const e = dnated('10.244.1.11', 8080);
    e.srcNat = true;
    expect(conntrackLine(e)).toMatch(/ mark=0 use=1$/);
    expect(establishedLine(e)).toMatch(/ \[ASSURED\] mark=0 use=1$/);
  });
});
