// The lab plan, pure: what would be built, and that none of it touches the host's namespace.

import { describe, expect, it } from 'vitest';
import { SOURCE_TEXT_CLUSTER as BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { nodeTables } from '../../src/core/proxy/node-tables.js';
import { renderIptablesSave } from '../../src/core/proxy/render-rules.js';
import { batchArgv, LAB_NAME_RE, labResolvConf, planLab, type LabPlan } from '../../src/lab/plan.js';
import { labScenarios } from '../../src/lab/scenarios.js';
import { maxAttempts } from '../../src/lab/verify.js';

function plan(): LabPlan {
  const r = planLab(BUILTIN_CLUSTER, 'abc123');
  if (!r.ok) throw new Error(r.reason);
  return r.plan;
}

describe('planLab on the built-in cluster', () => {
  it('one namespace for the node network, each node and each pod, all with the run prefix', () => {
    const p = plan();
    expect(p.namespaces).toEqual([
      'kpt-abc123-lan',
      'kpt-abc123-node-1',
      'kpt-abc123-node-2',
      'kpt-abc123-pod-a',
      'kpt-abc123-pod-c',
      'kpt-abc123-pod-b',
      'kpt-abc123-kube-system.coredns-7c65d6cfc9-4xk2p',
      'kpt-abc123-kube-system.coredns-7c65d6cfc9-9zq7m',
    ]);
    for (const ns of p.namespaces) expect(ns).toMatch(LAB_NAME_RE);
    expect(new Set(p.namespaces).size).toBe(p.namespaces.length);
  });

  it('every ip/bridge/sysctl/iptables step names one of the lab namespaces (never the host\'s)', () => {
    const p = plan();
    const mine = new Set(p.namespaces);
    for (const s of p.steps) {
      expect(mine.has(s.ns), `${s.kind} in ${s.ns}`).toBe(true);
      if (s.kind === 'ip' || s.kind === 'bridge') {
        expect(batchArgv(s).slice(0, 3)).toEqual([s.kind, '-n', s.ns]);
        for (const line of s.lines) {
          // A device moved elsewhere may only go to another lab namespace.
          const m = / netns (\S+)/.exec(line);
          if (m) expect(mine.has(m[1]!), line).toBe(true);
          expect(line).not.toMatch(/^netns /);
        }
      }
    }
  });

  it('nodes: eth0 on the lan bridge, cni0 with the gateway, flannel.1 as Flannel makes it, hairpin veths, routes, neighbours, FDB', () => {
    const p = plan();
    const node1 = p.steps.find((s) => s.kind === 'ip' && s.ns === 'kpt-abc123-node-1')!;
    const lines = 'lines' in node1 ? node1.lines : [];
    const n1 = BUILTIN_CLUSTER.nodes[0]!;
    const n2 = BUILTIN_CLUSTER.nodes[1]!;
    expect(lines).toContain(`link add eth0 mtu 1500 address ${n1.eth0Mac} type veth peer name n0 mtu 1500 netns kpt-abc123-lan`);
    expect(lines).toContain('addr add 192.168.1.11/24 dev eth0');
    expect(lines).toContain('addr add 10.244.1.1/24 dev cni0');
    // No dstport: Flannel leaves it to the kernel, whose default is 8472.
    expect(lines).toContain(`link add flannel.1 address ${n1.vtepMac} mtu 1450 type vxlan id 1 local 192.168.1.11 dev eth0 nolearning`);
    expect(lines).toContain('addr add 10.244.1.0/32 dev flannel.1');
    expect(lines).toContain(`neigh replace 10.244.2.0 lladdr ${n2.vtepMac} dev flannel.1 nud permanent`);
    expect(lines).toContain('route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink');
    expect(lines).toContain('route add default via 192.168.1.1 dev eth0 proto static');
    const podA = BUILTIN_CLUSTER.pods.find((x) => x.name === 'pod-a')!;
    expect(lines).toContain(`link add ${podA.hostVeth} mtu 1450 type veth peer name eth0 mtu 1450 address ${podA.mac} netns kpt-abc123-pod-a`);
    expect(lines).toContain(`link set ${podA.hostVeth} type bridge_slave hairpin on`);
    const fdb = p.steps.find((s) => s.kind === 'bridge' && s.ns === 'kpt-abc123-node-1');
    expect(fdb && 'lines' in fdb ? fdb.lines : []).toEqual([`fdb append ${n2.vtepMac} dev flannel.1 dst 192.168.1.12 self permanent`]);
    const sysctl = p.steps.find((s) => s.kind === 'sysctl' && s.ns === 'kpt-abc123-node-1');
    expect(sysctl && 'values' in sysctl ? sysctl.values : []).toEqual(
      expect.arrayContaining([['net/ipv4/ip_forward', '1'], ['net/bridge/bridge-nf-call-iptables', '1']]),
    );
  });

  it('loads exactly what `kube-packet-tour rules` prints for the node, after creating its nfacct counters', () => {
    const p = plan();
    for (const n of p.nodes) {
      const load = p.steps.find((s) => s.kind === 'iptables-restore' && s.ns === n.ns);
      expect(load && 'text' in load ? load.text : '').toBe(renderIptablesSave(nodeTables(BUILTIN_CLUSTER, n.node)));
      const acct = p.steps.find((s) => s.kind === 'nfacct' && s.ns === n.ns);
      expect(acct && 'names' in acct ? acct.names : []).toContain('ct_state_invalid_dropped_pkts');
      const idx = p.steps.indexOf(load!);
      expect(p.steps.indexOf(acct!)).toBeLessThan(idx);
      // The other form: base rules, then kube-proxy's restore input.
      expect(n.baseRestoreText).toMatch(/^\*filter\n/);
      expect(n.baseRestoreText).toContain('-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD');
      expect(n.baseRestoreText).not.toContain('-A KUBE-SEP-');
      expect(n.kubeProxyRestoreText).toContain('-A KUBE-SEP-');
    }
  });

  it('pods: their IP and routes, listeners from container ports and endpoint slices, resolv.conf, the DNS servers', () => {
    const p = plan();
    const podB = p.pods.find((x) => x.pod.name === 'pod-b')!;
    expect(podB.tcpPorts).toEqual([8080]);
    const dns = p.pods.filter((x) => x.dnsServer).map((x) => x.ip);
    expect(dns).toEqual(['10.244.1.2', '10.244.2.2']);
    const podA = p.pods.find((x) => x.pod.name === 'pod-a')!;
    expect(podA.files['resolv.conf']).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect(podA.files['resolv.conf']).toBe(labResolvConf(BUILTIN_CLUSTER, podA.pod));
    const ip = p.steps.find((s) => s.kind === 'ip' && s.ns === podA.ns);
    expect(ip && 'lines' in ip ? ip.lines : []).toEqual([
      'link set lo up',
      'addr add 10.244.1.10/24 dev eth0',
      'link set eth0 up',
      'route add default via 10.244.1.1 dev eth0',
      'route add 10.244.0.0/16 via 10.244.1.1 dev eth0',
    ]);
    expect(p.dnsRecords['myapp.default.svc.cluster.local']).toEqual(['10.96.1.20']);
    expect(p.dnsRecords['kube-dns.kube-system.svc.cluster.local']).toEqual(['10.96.0.10']);
  });

  it('refuses what it cannot build, in one sentence', () => {
    expect(planLab(BUILTIN_CLUSTER, 'xyz')).toMatchObject({ ok: false });
    const gw = { ...BUILTIN_CLUSTER, network: { ...BUILTIN_CLUSTER.network, cni: 'flannel-host-gw' as const } };
    expect(planLab(gw, 'abc123')).toEqual({ ok: false, reason: 'the lab builds Flannel VXLAN only; this cluster uses flannel-host-gw' });
  });
});

describe('verify scenarios and pinning', () => {
  it('runs the named scenarios on the built-in cluster', () => {
    expect(labScenarios(BUILTIN_CLUSTER).map((s) => s.name)).toEqual([
      'cross-node-clusterip', 'same-node-clusterip', 'pod-ip', 'same-node-pod-ip', 'dns-lookup', 'hairpin', 'no-endpoints', 'nxdomain',
    ]);
  });

  it('derives the same kinds of scenario for another cluster', () => {
    const other = { ...BUILTIN_CLUSTER, source: 'dump.yaml' };
    const names = labScenarios(other).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['cross-node-clusterip', 'same-node-clusterip', 'pod-ip', 'dns-lookup', 'hairpin', 'no-endpoints', 'nxdomain']));
  });

  it('bounds the retries so a correct rule set misses the pinned endpoint with probability < 1e-6', () => {
    expect(maxAttempts(1)).toBe(1);
    expect(maxAttempts(2)).toBe(20);
    expect(0.5 ** maxAttempts(2)).toBeLessThan(1e-6);
    expect((2 / 3) ** maxAttempts(3)).toBeLessThan(1e-6);
  });
});
