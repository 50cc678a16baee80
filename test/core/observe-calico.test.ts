// observe.ts on the Calico data planes: the commands a learner types on a Calico node and what they
// print. Sources: calico #7146 (`ip tunl show tunl0`: "any/ip remote any local any ttl inherit
// nopmtudisc"; pod `ip route get`: "via 169.254.1.1 dev eth0"), felix config (VXLAN VNI 4096, port
// 4789), cni-plugin dataplane_linux.go (proxy_arp=1 on the host veth), tcpdump's "(ipip-proto-4)".

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import type { CniKind } from '../../src/core/cluster/model.js';
import { withCni } from '../../src/core/cluster/variants.js';
import { observeHop, tcpdumpLines } from '../../src/core/observe.js';
import { SCENARIOS, SCENARIO_NAMES } from '../../src/core/scenarios.js';
import { simulate } from '../../src/core/trace.js';
import type { Hop, Trace } from '../../src/core/trace-model.js';

function trace(cni: CniKind, name: keyof typeof SCENARIOS): Trace {
  const s = SCENARIOS[name];
  const r = simulate(withCni(BUILTIN_CLUSTER, cni), s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

function obs(cni: CniKind, t: Trace, pick: (h: Hop) => boolean) {
  const i = t.hops.findIndex(pick);
  return observeHop(t.hops[i]!, withCni(BUILTIN_CLUSTER, cni), { previous: t.hops[i - 1] ?? null, trace: t });
}

describe('observeHop on Calico', () => {
  it('gives every hop of every scenario on every Calico mode a command with output or a note', () => {
    for (const cni of ['calico-bgp', 'calico-ipip', 'calico-vxlan'] as const) {
      for (const name of SCENARIO_NAMES) {
        const t = trace(cni, name);
        t.hops.forEach((h, i) => {
          const o = observeHop(h, withCni(BUILTIN_CLUSTER, cni), { previous: t.hops[i - 1] ?? null, trace: t });
          expect(o.length, `${cni} ${name} #${h.index}`).toBeGreaterThan(0);
          for (const x of o) expect(x.output.length > 0 || x.note !== null, `${cni} ${name} #${h.index} ${x.command}`).toBe(true);
          expect(o.some((x) => x.command.includes('cni0') || x.command.includes('flannel.1')), `${cni} ${name} #${h.index}`).toBe(false);
        });
      }
    }
  });

  it('the pod routes via 169.254.1.1; its cali veth has proxy_arp on; out to a pod, ip neigh shows the pod MAC', () => {
    const t = trace('calico-ipip', 'cross-node-clusterip');
    expect(obs('calico-ipip', t, (h) => h.step === 'send')[0]!.output[0]).toBe('10.96.1.20 via 169.254.1.1 dev eth0 src 10.244.1.10 uid 0');
    const inVeth = obs('calico-ipip', t, (h) => h.step === 'veth');
    expect(inVeth.map((o) => o.command)).toContain('cat /proc/sys/net/ipv4/conf/cali5e1c4d6c68c/proxy_arp');
    const podB = BUILTIN_CLUSTER.pods.find((p) => p.name === 'pod-b')!;
    const outVeth = obs('calico-ipip', t, (h) => h.step === 'veth' && h.node === 'node-2' && h.direction === 'request');
    expect(outVeth.find((o) => o.command === 'ip neigh show dev cali2f5353dd8c5')!.output).toEqual([`10.244.2.6 lladdr ${podB.mac} REACHABLE`]);
  });

  it('IPIP: ip -d link show tunl0 says ttl inherit nopmtudisc at MTU 1480; on eth0 the frame is 20 bytes longer, marked ipip-proto-4', () => {
    const t = trace('calico-ipip', 'cross-node-clusterip');
    const encap = obs('calico-ipip', t, (h) => h.step === 'encap');
    const link = encap.find((o) => o.command === 'ip -d link show tunl0')!.output.join('\n');
    expect(link).toMatch(/mtu 1480/);
    expect(link).toMatch(/ipip any remote any local any ttl inherit nopmtudisc/);
    const wire = t.hops.find((h) => h.step === 'wire')!;
    const [line] = tcpdumpLines(wire, withCni(BUILTIN_CLUSTER, 'calico-ipip'), { trace: t });
    expect(line).toMatch(/length 94: 192\.168\.1\.11 > 192\.168\.1\.12: 10\.244\.1\.10\.43512 > 10\.244\.2\.6\.8080: Flags \[S\].* \(ipip-proto-4\)$/);
    // 74 on the veth (14 Ethernet + 60 IP) -> 94 on eth0: 20 bytes of outer IPv4 header.
    expect(obs('calico-ipip', t, (h) => h.step === 'veth')[0]!.output[0]).toMatch(/length 74:/);
  });

  it('VXLAN: vxlan.calico VNI 4096 dstport 4789, the FDB and neighbour entries Felix programs', () => {
    const t = trace('calico-vxlan', 'cross-node-clusterip');
    const encap = obs('calico-vxlan', t, (h) => h.step === 'encap');
    expect(encap.find((o) => o.command === 'ip -d link show vxlan.calico')!.output.join('\n')).toMatch(/mtu 1450[\s\S]*vxlan id 4096 local 192\.168\.1\.11 dev eth0 srcport 0 0 dstport 4789/);
    expect(encap.find((o) => o.command === 'bridge fdb show dev vxlan.calico')!.output[0]).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2} dst 192\.168\.1\.12 self permanent$/);
    expect(encap.find((o) => o.command === 'ip neigh show dev vxlan.calico')!.output[0]).toMatch(/^10\.244\.2\.0 lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2} PERMANENT$/);
    const wire = t.hops.find((h) => h.step === 'wire')!;
    const [outer, inner] = tcpdumpLines(wire, withCni(BUILTIN_CLUSTER, 'calico-vxlan'), { trace: t });
    expect(outer).toMatch(/> 192\.168\.1\.12\.4789: VXLAN, flags \[I\] \(0x08\), vni 4096$/);
    const len = (l: string) => Number(/length (\d+):/.exec(l)![1]);
    expect(len(outer!) - len(inner!)).toBe(50);
  });
});
