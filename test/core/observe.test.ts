// observe.ts: for each hop, the real command that shows it on a live node and what it prints.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { observeHop, tcpdumpLines, type Observation } from '../../src/core/observe.js';
import { nodeTables } from '../../src/core/proxy/node-tables.js';
import { saveTable } from '../../src/core/proxy/save-format.js';
import { SCENARIOS, SCENARIO_NAMES } from '../../src/core/scenarios.js';
import { simulate } from '../../src/core/trace.js';
import type { Hop, HopStep, Trace } from '../../src/core/trace-model.js';

const cluster = BUILTIN_CLUSTER;

function traceOf(name: keyof typeof SCENARIOS): Trace {
  const s = SCENARIOS[name];
  const r = simulate(cluster, s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

const crossNode = traceOf('cross-node-clusterip');

function at(trace: Trace, step: HopStep, direction: 'request' | 'reply' = 'request', nth = 0): { hop: Hop; obs: Observation[] } {
  const matches = trace.hops.map((h, i) => ({ h, i })).filter((x) => x.h.step === step && x.h.direction === direction);
  const m = matches[nth];
  if (m === undefined) throw new Error(`no ${direction} ${step} hop #${nth}`);
  return { hop: m.h, obs: observeHop(m.h, cluster, { previous: trace.hops[m.i - 1] ?? null, trace }) };
}

const pod = (name: string) => cluster.pods.find((p) => p.name === name)!;
const node = (name: string) => cluster.nodes.find((n) => n.name === name)!;

describe('observeHop', () => {
  it('gives every hop of every scenario at least one command with output or a note, deterministically', () => {
    for (const name of SCENARIO_NAMES) {
      const trace = traceOf(name);
      const tracks = [trace.hops, trace.dns?.hops ?? []];
      for (const hops of tracks) {
        hops.forEach((hop, i) => {
          const context = { previous: hops[i - 1] ?? null, trace };
          const obs = observeHop(hop, cluster, context);
          expect(obs.length, `${name} #${hop.index}`).toBeGreaterThan(0);
          for (const o of obs) {
            expect(o.command, `${name} #${hop.index}`).not.toBe('');
            expect(o.output.length > 0 || o.note !== null, `${name} #${hop.index} ${o.command}`).toBe(true);
            expect(`${o.command}\n${o.output.join('\n')}`, `${name} #${hop.index}`).not.toMatch(/undefined|NaN|null|\[object/);
          }
          expect(observeHop(hop, cluster, context)).toEqual(obs);
        });
      }
    }
  });

  it('send: the pod\'s own route to the destination, through kubectl exec', () => {
    const { obs } = at(crossNode, 'send');
    expect(obs[0]!.where).toEqual({ kind: 'kubectl', namespace: 'default', pod: 'pod-a' });
    expect(obs[0]!.command).toBe('kubectl exec pod-a -- ip route get 10.96.1.20');
    expect(obs[0]!.output).toEqual(['10.96.1.20 via 10.244.1.1 dev eth0 src 10.244.1.10 uid 0', '    cache']);
    const samePod = at(traceOf('same-node-pod-ip'), 'send').obs[0]!;
    expect(samePod.output[0]).toBe('10.244.1.5 dev eth0 src 10.244.1.10 uid 0');
  });

  it('veth and bridge: a tcpdump -e -n line built from the hop\'s packet', () => {
    const { hop, obs } = at(crossNode, 'veth');
    const o = obs[0]!;
    expect(o.where).toEqual({ kind: 'node', node: 'node-1' });
    expect(o.command).toBe(`tcpdump -tnne -i ${pod('pod-a').hostVeth} tcp port 43512`);
    expect(o.output).toHaveLength(1);
    expect(o.output[0]).toMatch(
      new RegExp(
        `^${hop.packet.srcMac} > ${hop.packet.dstMac}, ethertype IPv4 \\(0x0800\\), length 74: ` +
          '10\\.244\\.1\\.10\\.43512 > 10\\.96\\.1\\.20\\.80: Flags \\[S\\], seq \\d+, win 64860, ' +
          'options \\[mss 1410,sackOK,TS val \\d+ ecr 0,nop,wscale 7\\], length 0$',
      ),
    );
    expect(hop.packet.srcMac).toBe(pod('pod-a').mac);
    // br_netfilter runs PREROUTING at the bridge port: tcpdump -i cni0 never shows the pre-DNAT frame
    // (the real-kernel lab saw it only after the DNAT), so the frame is watched on the port itself.
    expect(at(crossNode, 'bridge-in').obs[0]!.command).toBe(`tcpdump -tnne -i ${pod('pod-a').hostVeth} tcp port 43512`);
  });

  it('keeps one connection\'s sequence numbers through NAT, and the SYN-ACK acknowledges the SYN', () => {
    const seqs = crossNode.hops
      .filter((h) => h.direction === 'request')
      .map((h) => tcpdumpLines(h, cluster, { trace: crossNode }).at(-1)!)
      .map((l) => /seq (\d+)/.exec(l)?.[1]);
    expect(new Set(seqs).size).toBe(1);
    const synAck = tcpdumpLines(crossNode.hops.find((h) => h.direction === 'reply')!, cluster, { trace: crossNode })[0]!;
    expect(synAck).toMatch(/Flags \[S\.\], seq \d+, ack (\d+), win 64308, options \[mss 1410,sackOK,TS val \d+ ecr \d+,nop,wscale 7\], length 0$/);
    expect(Number(/ack (\d+)/.exec(synAck)![1])).toBe(Number(seqs[0]) + 1);
  });

  it('conntrack: nothing listed before the entry is confirmed, then the hop\'s conntrack -L line', () => {
    const fresh = at(crossNode, 'conntrack-new').obs[0]!;
    expect(fresh.command).toBe('conntrack -L -d 10.96.1.20');
    expect(fresh.output).toEqual(['conntrack v1.4.8 (conntrack-tools): 0 flow entries have been shown.']);
    expect(fresh.note).toMatch(/unconfirmed/);

    const confirmed = at(crossNode, 'postrouting');
    const ct = confirmed.obs.find((o) => o.command.startsWith('conntrack'));
    if (confirmed.hop.conntrack !== null) {
      expect(ct?.output[0]).toBe(confirmed.hop.conntrack);
    }

    const match = at(crossNode, 'conntrack-match', 'reply', 1);
    expect(match.hop.node).toBe('node-1');
    expect(match.obs[0]!.command).toBe('conntrack -L -d 10.96.1.20');
    expect(match.obs[0]!.output).toEqual([match.hop.conntrack, 'conntrack v1.4.8 (conntrack-tools): 1 flow entries have been shown.']);

    const unDnat = at(crossNode, 'un-dnat', 'reply');
    expect(unDnat.obs[0]!.output[0]).toBe(unDnat.hop.conntrack);
  });

  it('dnat: the iptables-save lines of the Service and the chosen endpoint chain', () => {
    const { hop, obs } = at(crossNode, 'dnat');
    const o = obs[0]!;
    const sep = hop.rewrite!.chain!;
    const svc = /nat (KUBE-SVC-\S+):/.exec(hop.rules.join('\n'))![1]!;
    expect(o.command).toBe(`iptables-save -t nat | grep -E '${svc}|${sep}'`);
    const table = saveTable(nodeTables(cluster, node('node-1')).nat, null).split('\n');
    expect(o.output).toEqual(table.filter((l) => l.includes(svc) || l.includes(sep)));
    expect(o.output).toContain(`-A KUBE-SERVICES -d 10.96.1.20/32 -p tcp -m comment --comment "default/myapp cluster IP" -m tcp --dport 80 -j ${svc}`);
    expect(o.output.some((l) => l.startsWith(`-A ${sep} `) && l.endsWith('-j DNAT --to-destination 10.244.2.6:8080'))).toBe(true);
  });

  it('no-dnat: no nat rule matches a pod IP, and says so', () => {
    const { obs } = at(traceOf('pod-ip'), 'no-dnat');
    expect(obs[0]!.command).toBe("iptables-save -t nat | grep -- '-d 10.244.2.6/32'");
    expect(obs[0]!.output).toEqual([]);
    expect(obs[0]!.note).toMatch(/no nat rule/);
  });

  it('route: ip route get with the input interface, in the two-line form ip prints', () => {
    const first = at(crossNode, 'route', 'request', 0).obs[0]!;
    expect(first.command).toBe('ip route get 10.244.2.6 from 10.244.1.10 iif cni0');
    expect(first.output).toEqual(['10.244.2.6 from 10.244.1.10 via 10.244.2.0 dev flannel.1', '    cache iif cni0']);
    const second = at(crossNode, 'route', 'request', 1).obs[0]!;
    expect(second.where).toEqual({ kind: 'node', node: 'node-2' });
    expect(second.output).toEqual(['10.244.2.6 from 10.244.1.10 dev cni0', '    cache iif flannel.1']);
  });

  it('filter and postrouting: the chains the hop walked, from iptables-save', () => {
    const fwd = at(crossNode, 'filter-forward').obs[0]!;
    expect(fwd.command).toBe("iptables-save -t filter | grep -E '^-A (FORWARD|FLANNEL-FWD) '");
    expect(fwd.output.length).toBeGreaterThan(0);
    for (const l of fwd.output) expect(l).toMatch(/^-A (FORWARD|FLANNEL-FWD) /);
    const post = at(crossNode, 'postrouting').obs[0]!;
    expect(post.command).toMatch(/^iptables-save -t nat \| grep -E '\^-A \(POSTROUTING\|KUBE-POSTROUTING/);
    expect(post.output).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
  });

  it('encap: flannel.1\'s forwarding database and neighbour entry for the other node', () => {
    const { obs } = at(crossNode, 'encap');
    const n2 = node('node-2');
    expect(obs[0]!.command).toBe('bridge fdb show dev flannel.1');
    expect(obs[0]!.output).toEqual([`${n2.vtepMac} dst 192.168.1.12 self permanent`]);
    expect(obs[1]!.command).toBe('ip neigh show 10.244.2.0 dev flannel.1');
    expect(obs[1]!.output).toEqual([`10.244.2.0 lladdr ${n2.vtepMac} PERMANENT`]);
  });

  it('wire: tcpdump -T vxlan prints the outer headers, then the inner frame', () => {
    const { hop, obs } = at(crossNode, 'wire');
    const o = obs[0]!;
    const outer = hop.packet.outer!;
    expect(o.command).toBe('tcpdump -tnne -i eth0 -T vxlan udp port 8472');
    expect(o.output).toHaveLength(2);
    expect(o.output[0]).toBe(
      `${outer.srcMac} > ${outer.dstMac}, ethertype IPv4 (0x0800), length 124: 192.168.1.11.${outer.sport} > 192.168.1.12.8472: VXLAN, flags [I] (0x08), vni 1`,
    );
    expect(o.output[1]).toMatch(/^\S+ > \S+, ethertype IPv4 \(0x0800\), length 74: 10\.244\.1\.10\.43512 > 10\.244\.2\.6\.8080: Flags \[S\]/);
  });

  it('bridge-forward: the frame on the pod\'s veth and the FDB entry that chose it', () => {
    const { hop, obs } = at(crossNode, 'bridge-forward');
    expect(obs[0]!.command).toBe(`tcpdump -tnne -i ${pod('pod-b').hostVeth} tcp port 43512`);
    expect(obs[1]!.output).toEqual([`${hop.packet.dstMac} dev ${pod('pod-b').hostVeth} master cni0`]);
  });

  it('deliver: the server\'s socket in SYN-RECV, and the client\'s connected to the ClusterIP it dialled', () => {
    const server = at(crossNode, 'deliver', 'request').obs[0]!;
    expect(server.command).toBe('kubectl exec pod-b -- ss -tn sport = :8080');
    expect(server.output[1]).toMatch(/^SYN-RECV\s+0\s+0\s+10\.244\.2\.6:8080\s+10\.244\.1\.10:43512$/);
    const client = at(crossNode, 'deliver', 'reply').obs[0]!;
    expect(client.command).toBe('kubectl exec pod-a -- ss -tn dst 10.96.1.20');
    expect(client.output[1]).toMatch(/^ESTAB\s+0\s+0\s+10\.244\.1\.10:43512\s+10\.96\.1\.20:80$/);
  });

  it('no endpoints: the REJECT rule, and the ICMP error as tcpdump prints it', () => {
    const trace = traceOf('no-endpoints');
    const reject = at(trace, 'reject').obs[0]!;
    expect(reject.command).toBe('iptables-save -t filter | grep 10.96.1.30');
    expect(reject.output.some((l) => l.includes('-d 10.96.1.30/32') && l.includes('-j REJECT'))).toBe(true);
    const icmp = at(trace, 'icmp-error', 'reply').obs[0]!;
    expect(icmp.command).toBe(`tcpdump -tnne -i ${pod('pod-a').hostVeth} icmp`);
    expect(icmp.output[0]).toMatch(/, length 102: 10\.244\.1\.1 > 10\.244\.1\.10: ICMP 10\.96\.1\.30 tcp port 80 unreachable, length 68$/);
  });

  it('DNS: the query and the answer decoded as tcpdump prints them', () => {
    const trace = traceOf('dns-lookup');
    // The journey is the answering A query's (not the AAAA sent beside it).
    const q = trace.dns!.journeyQuery!;
    expect([q.type, q.answer]).toEqual(['A', '10.96.1.20']);
    const query = at(trace, 'veth').obs[0]!;
    expect(query.command).toBe(`tcpdump -tnne -i ${pod('pod-a').hostVeth} udp port 51234`);
    const wire = q.name.replace(/\.$/, '').length + 2;
    expect(query.output[0]).toMatch(new RegExp(`10\\.96\\.0\\.10\\.53: \\d+\\+ ${q.type}\\? ${q.name.replace(/\./g, '\\.')} \\(${12 + wire + 4}\\)$`));
    const answer = at(trace, 'veth', 'reply').obs[0]!;
    expect(answer.output[0]).toMatch(/10\.244\.2\.2\.53 > 10\.244\.1\.10\.51234: \d+\*- 1\/0\/0 A 10\.96\.1\.20 \(\d+\)$/);
    const id = (l: string) => /: (\d+)[+*]/.exec(l)![1];
    expect(id(answer.output[0]!)).toBe(id(query.output[0]!));
  });

  it('hairpin: the port\'s hairpin_mode', () => {
    const trace = traceOf('hairpin');
    const { hop, obs } = at(trace, 'hairpin');
    expect(obs[0]!.command).toBe(`cat /sys/class/net/${hop.device}/brport/hairpin_mode`);
    expect(obs[0]!.output).toEqual(['1']);
  });
});
