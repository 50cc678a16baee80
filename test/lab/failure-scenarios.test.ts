// lab verify --scenario vxlan-mtu and stale-udp-conntrack, pure: how they are named and planned,
// the handshake/data split of vxlan-mtu, and its comparison on synthetic observations (the live
// runs are in live.test.ts).

import { describe, expect, it } from 'vitest';
import { SOURCE_TEXT_CLUSTER } from '../../src/core/cluster/builtin.js';
import { withCni } from '../../src/core/cluster/variants.js';
import { simulate } from '../../src/core/trace.js';
import { withoutCoreDnsPod, withSmallUnderlay } from '../../src/core/traffic-scenarios.js';
import { parseCommandLine } from '../../src/cli/options.js';
import { captureKey, compareFullSegment, compareScenario, splitAtData, type Observation } from '../../src/lab/compare.js';
import { EXCHANGE_PORTS, newSocketScenario, TCP_TIMESTAMP_BYTES } from '../../src/lab/failures.js';
import type { CapturedFrame, Frame, IpPacket } from '../../src/lab/pcap.js';
import { planLab } from '../../src/lab/plan.js';
import { LAB_SCENARIO_CHOICES } from '../../src/lab/scenario-names.js';
import { namedLabScenarios, sharedVariant } from '../../src/lab/scenarios.js';
import { simulateScenario, TCP_CLIENT_PORTS } from '../../src/lab/verify.js';

const ID = 'c0ffee';

/** A failure scenario is a lab choice with its own runner, and runs alone (its cluster is its own). */
function expectRunsAlone(name: string, run: string, other: string): NonNullable<ReturnType<typeof namedLabScenarios>[number]> {
  expect(LAB_SCENARIO_CHOICES).toContain(name);
  const [s] = namedLabScenarios([name]);
  expect(s).toMatchObject({ name, run });
  expect(() => sharedVariant(namedLabScenarios([name, other]))).toThrow(/alone/);
  return s!;
}

describe('lab verify --scenario vxlan-mtu', () => {
  it('is a lab scenario on withSmallUnderlay, run as a handshake and a whole exchange, alone', () => {
    const s = expectRunsAlone('vxlan-mtu', 'full-segment', 'pod-ip');
    expect(s.cluster).toBe(withSmallUnderlay);
    expect(sharedVariant([s])).toBe(withSmallUnderlay);
    expect(parseCommandLine(['lab', 'verify', '--scenario', 'vxlan-mtu'], {})).toMatchObject({ kind: 'lab', scenarios: ['vxlan-mtu'] });
  });

  it('plans the lan bridge ports at the node network\'s real MTU (1450) and leaves every eth0 at 1500', () => {
    const cluster = withSmallUnderlay(SOURCE_TEXT_CLUSTER);
    const r = planLab(cluster, ID);
    if (!r.ok) throw new Error(r.reason);
    const eth0 = r.plan.steps.flatMap((s) => (s.kind === 'ip' ? s.lines : [])).filter((l) => l.startsWith('link add eth0 mtu 1500 address') && / peer name n\d /.test(l));
    expect(eth0).toHaveLength(2);
    for (const l of eth0) expect(l).toMatch(/ type veth peer name n\d mtu 1450 netns kpt-c0ffee-lan$/);
    expect(r.plan.steps.flatMap((s) => (s.kind === 'ip' ? s.lines : [])).find((l) => l.startsWith('link add flannel.1'))).toMatch(/ mtu 1450 /);
    // Without the variant the ports keep eth0's MTU.
    const base = planLab(SOURCE_TEXT_CLUSTER, ID);
    if (!base.ok) throw new Error(base.reason);
    for (const l of base.plan.steps.flatMap((s) => (s.kind === 'ip' ? s.lines : [])).filter((x) => / peer name n\d /.test(x))) expect(l).toMatch(/ peer name n\d mtu 1500 /);
  });

  it('splits the trace: the handshake (delivered) and the full-size segment from pod-b, 1398 bytes of data with timestamps', () => {
    const [s] = namedLabScenarios(['vxlan-mtu']);
    const trace = simulateScenario(withSmallUnderlay(SOURCE_TEXT_CLUSTER), s!);
    const split = splitAtData(trace)!;
    expect(split.handshake.outcome).toBe('delivered');
    expect(split.handshake.hops.at(-1)).toMatchObject({ step: 'deliver', direction: 'reply', netns: 'pod-a' });
    const data = trace.hops.filter((h) => h.index >= split.firstData);
    expect(data[0]).toMatchObject({ step: 'send', netns: 'pod-b' });
    expect(data[0]!.packet.length! - 40 - TCP_TIMESTAMP_BYTES).toBe(1398);
    expect(data.at(-1)).toMatchObject({ step: 'wire', node: 'node-2' });
    expect(EXCHANGE_PORTS[0]).toBeGreaterThan(TCP_CLIENT_PORTS[1]);
    expect(splitAtData(simulateScenario(SOURCE_TEXT_CLUSTER, namedLabScenarios(['pod-ip'])[0]!))).toBe(null);
  });

  it("the core, as the kernel showed: the data segment's outer packet is not its flow's first (the SYN-ACK's), so no nat rule", () => {
    const trace = simulateScenario(withSmallUnderlay(SOURCE_TEXT_CLUSTER), namedLabScenarios(['vxlan-mtu'])[0]!);
    const encaps = trace.hops.filter((h) => h.step === 'encap' && h.node === 'node-2');
    expect(encaps).toHaveLength(2);
    expect(encaps[0]!.packet.outer!.sport).toBe(encaps[1]!.packet.outer!.sport);
    expect(encaps[0]!.rules.some((r) => r.startsWith('nat '))).toBe(true);
    expect(encaps[1]!.rules.filter((r) => r.startsWith('nat '))).toEqual([]);
    expect(encaps[1]!.rules.some((r) => r.startsWith('filter OUTPUT'))).toBe(true);
  });

  describe('compareFullSegment on synthetic observations', () => {
    const cluster = withSmallUnderlay(SOURCE_TEXT_CLUSTER);
    const trace = simulateScenario(cluster, namedLabScenarios(['vxlan-mtu'])[0]!);
    const wire = trace.hops.filter((h) => h.step === 'wire').at(-1)!;
    const port = 45000;
    const inner: IpPacket = { src: '10.244.2.6', dst: '10.244.1.10', ttl: 63, proto: 'TCP', sport: 8080, dport: port, flags: 'P.', icmp: null, vxlan: null, length: 1450, df: true };
    const innerFrame: Frame = { srcMac: wire.packet.srcMac!, dstMac: wire.packet.dstMac!, ip: inner };
    const outer = (sport: number): CapturedFrame => ({
      index: 0, time: 1,
      frame: { srcMac: wire.packet.outer!.srcMac, dstMac: wire.packet.outer!.dstMac, ip: { src: '192.168.1.12', dst: '192.168.1.11', ttl: 64, proto: 'UDP', sport, dport: 8472, flags: null, icmp: null, vxlan: { vni: 1, inner: innerFrame }, length: 1500, df: false } },
    });
    const base: Observation = {
      scenario: 'vxlan-mtu', clientPort: port, attempts: 1, maxAttempts: 1,
      client: { ok: false, code: 'ETIMEDOUT', remote: null, answers: [], rcode: null },
      conntrack: {}, counters: {}, frames: {}, routes: {}, dnsLog: null, lookup: null, resolvConf: null,
      portRange: [32768, 60999], vxlanPort: 8472, icmp: [],
    };
    const rowsOf = (obs: Observation) => compareFullSegment(trace, { ...base, clientPort: 43512 }, obs, cluster).rows;

    it('the segment on node-2\'s wire at 1500/1450 bytes, nowhere beyond, no ICMP: the size, loss and ICMP rows agree', () => {
      const rows = rowsOf({ ...base, frames: { [captureKey('node-2', 'node-2', 'eth0')]: [outer(40000), outer(41000)] } });
      const pick = (ref: string) => rows.find((r) => r.ref === ref)!;
      expect(pick('size')).toMatchObject({ status: 'ok', simulator: 'outer 1500 bytes, DF clear; inner 1450 bytes, DF set' });
      expect(pick('size').kernel).toMatch(/sent 2 times/);
      expect(pick('lost').status).toBe('ok');
      expect(pick('icmp').status).toBe('ok');
      expect(pick('end').status).toBe('ok');
      expect(rows.find((r) => r.section === 'rules' && r.what === 'counters')?.status).toBe('info');
    });

    it('a segment that arrives, an ICMP error, a DF outer header or a delivered response are differences', () => {
      const arrived = rowsOf({ ...base, frames: { [captureKey('node-2', 'node-2', 'eth0')]: [outer(40000)], [captureKey('node-1', 'node-1', 'eth0')]: [outer(40000)] } });
      expect(arrived.find((r) => r.ref === 'lost')!.status).toBe('diff');
      const icmp = rowsOf({ ...base, icmp: ['node-2|node-2|eth0: ICMP 192.168.1.11 > 192.168.1.12 type 3 code 4'] });
      expect(icmp.find((r) => r.ref === 'icmp')!.status).toBe('diff');
      const df = outer(40000);
      const dfSet = { ...df, frame: { ...df.frame, ip: { ...df.frame.ip!, df: true } } };
      expect(rowsOf({ ...base, frames: { [captureKey('node-2', 'node-2', 'eth0')]: [dfSet] } }).find((r) => r.ref === 'size')!.status).toBe('diff');
      const delivered = rowsOf({ ...base, client: { ok: true, code: null, remote: '10.96.1.20:80', answers: [], rcode: null } });
      expect(delivered.find((r) => r.ref === 'end')!.status).toBe('diff');
      expect(rowsOf(base).find((r) => r.ref === 'size')!.status).toBe('diff');
    });
  });
});

describe('lab verify --scenario stale-udp-conntrack', () => {
  it('builds the cluster WITH the CoreDNS pod and meets withoutCoreDnsPod after deleting it; alone', () => {
    const s = expectRunsAlone('stale-udp-conntrack', 'stale-udp', 'dns-lookup');
    expect(s.cluster).toBe(undefined);
    expect(s.after).toBe(withoutCoreDnsPod);
    expect(sharedVariant([s])).toBe(undefined);
    const built = planLab(SOURCE_TEXT_CLUSTER, ID);
    if (!built.ok) throw new Error(built.reason);
    expect(built.plan.pods.find((p) => p.ip === '10.244.2.2')).toMatchObject({ dnsServer: true, node: 'node-2' });
    const after = planLab(withoutCoreDnsPod(SOURCE_TEXT_CLUSTER), ID);
    if (!after.ok) throw new Error(after.reason);
    expect(after.plan.pods.some((p) => p.ip === '10.244.2.2')).toBe(false);
    // The rules the lab reloads no longer DNAT to the deleted pod.
    for (const n of after.plan.nodes) expect(n.saveText).not.toMatch(/--to-destination 10\.244\.2\.2:53/);
    for (const n of built.plan.nodes) expect(n.saveText).toMatch(/--to-destination 10\.244\.2\.2:53/);
  });

  it('the same socket follows the stale entry and is lost at node-2; a new socket reaches the live CoreDNS pod', () => {
    const [s] = namedLabScenarios(['stale-udp-conntrack']);
    const after = withoutCoreDnsPod(SOURCE_TEXT_CLUSTER);
    const stale = simulateScenario(after, s!);
    expect(stale.outcome).toBe('dropped');
    expect(stale.endpoint).toBe('10.244.2.2:53');
    const lost = stale.hops.at(-1)!;
    // As the kernel showed: out of node-2's cni0 from its MAC (the stale neighbour entry's MAC is the deleted pod's).
    expect(lost).toMatchObject({ node: 'node-2', device: 'cni0', step: 'bridge-forward' });
    expect(lost.packet.srcMac).toBe(SOURCE_TEXT_CLUSTER.nodes.find((n) => n.name === 'node-2')!.bridgeMac);
    expect(lost.packet.dstMac).toBe(null);
    // The earlier datagrams' outer VXLAN flow is still tracked: no nat rule for this one's outer packet.
    for (const h of stale.hops.filter((x) => x.step === 'encap' || x.step === 'decap')) expect(h.rules.filter((r) => r.startsWith('nat '))).toEqual([]);
    const fresh = newSocketScenario(s!);
    expect(fresh.name).toBe('stale-udp-conntrack/new-socket');
    const t = simulateScenario(after, fresh);
    expect(t).toMatchObject({ outcome: 'delivered', endpoint: '10.244.1.2:53', target: '10.96.0.10:53' });
    expect(t.request.proto).toBe('UDP');
    // Without the lab's deletion the same request may go to either pod: the variant is what pins it.
    expect(simulate(SOURCE_TEXT_CLUSTER, { ...s!.request }, { endpoint: '10.244.2.2' }).ok).toBe(true);
  });
});

describe('stale-udp-conntrack on Calico: the blackhole route row', () => {
  // As the kernel showed (lab verify --cni calico-bgp --scenario stale-udp-conntrack): node-2 has no
  // /32 for the deleted pod, so its own block's blackhole route matches and `ip route get` fails
  // with EINVAL, the error the kernel gives RTN_BLACKHOLE.
  const [s] = namedLabScenarios(['stale-udp-conntrack']);
  const after = withoutCoreDnsPod(withCni(SOURCE_TEXT_CLUSTER, 'calico-bgp'));
  const trace = simulateScenario(after, s!);
  const route = trace.hops.at(-1)!;
  const base: Observation = {
    scenario: 'stale-udp-conntrack', clientPort: 43512, attempts: 1, maxAttempts: 1,
    client: { ok: false, code: 'ETIMEDOUT', remote: null, answers: [], rcode: null },
    conntrack: {}, counters: {}, frames: {}, routes: {}, dnsLog: null, lookup: null, resolvConf: null,
    portRange: [32768, 60999], vxlanPort: 4789, icmp: [],
  };
  const rowOf = (got: string) => compareScenario(trace, { ...base, routes: { [String(route.index)]: got } }, after).rows.find((r) => r.ref === String(route.index))!;

  it('the trace ends at the blackhole route on node-2', () => {
    expect(route).toMatchObject({ node: 'node-2', step: 'route' });
    expect(trace.outcome).toBe('dropped');
  });

  it('agrees with the EINVAL of `ip route get`, and differs from a route the kernel would forward by', () => {
    expect(rowOf('ip route get failed: RTNETLINK answers: Invalid argument').status).toBe('ok');
    expect(rowOf('10.244.2.2 from 10.244.1.10 via 192.168.1.12 dev eth0 \n    cache').status).toBe('diff');
  });
});

describe("a route row to a Calico node's own tunnel address (inside its block's blackhole route)", () => {
  it('is local delivery, not the blackhole: the row agrees with "local ..." and differs from EINVAL', () => {
    const cluster = withCni(SOURCE_TEXT_CLUSTER, 'calico-vxlan');
    const trace = simulate(cluster, { from: 'node/node-1', to: '10.244.2.6:8080' }, { seed: 1 });
    if (!trace.ok) throw new Error(trace.error.message);
    const hops = trace.trace.hops;
    const route = hops.find((h, i) => h.step === 'route' && h.node === 'node-1' && h.direction === 'reply' && hops[i + 1]?.step === 'filter-input')!;
    expect(route.packet.dst.split(':')[0]).toBe('10.244.1.0');
    const obs = (got: string): Observation => ({
      scenario: 'host-to-pod', clientPort: 43512, attempts: 1, maxAttempts: 1,
      client: { ok: true, code: null, remote: null, answers: [], rcode: null },
      conntrack: {}, counters: {}, frames: {}, routes: { [String(route.index)]: got }, dnsLog: null, lookup: null, resolvConf: null,
      portRange: [32768, 60999], vxlanPort: 4789, icmp: [],
    });
    const rowOf = (got: string) => compareScenario(trace.trace, obs(got), cluster).rows.find((r) => r.ref === String(route.index))!;
    expect(rowOf('local 10.244.1.0 from 10.244.2.6 dev lo table local \n    cache <local>').status).toBe('ok');
    expect(rowOf('ip route get failed: RTNETLINK answers: Invalid argument').status).toBe('diff');
  });
});
