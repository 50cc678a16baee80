// Reading a Calico cluster from a dump: the projectcalico.org/* node annotations, the
// cni.projectcalico.org/* pod annotations, IPPool objects (crd.projectcalico.org/v1) and
// networking.k8s.io/v1 NetworkPolicies. The fixture two-node-calico-ipip.yaml is the two-node
// Flannel fixture as it reads on a kubeadm cluster with the calico.yaml manifest
// (CALICO_IPV4POOL_CIDR=10.244.0.0/16, IPIP Always), dumped with
//   kubectl get nodes,pods,services,endpointslices,configmaps,networkpolicies,ippools.crd.projectcalico.org -A -o yaml
// Shapes from real output: node annotations "projectcalico.org/IPv4Address: 192.168.191.153/24",
// "projectcalico.org/IPv4VXLANTunnelAddr: 192.168.185.0" (the tunnel address is a block's first
// address); pod annotations cni.projectcalico.org/podIP "<ip>/32".

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDumpError, readClusterDump, type DumpError, type ReadResult } from '../../../src/core/cluster/reader.js';
import type { ClusterModel } from '../../../src/core/cluster/model.js';
import { nodeRoutes } from '../../../src/core/kernel/routing.js';
import { simulate } from '../../../src/core/trace.js';
import { runCli } from '../../support/run-cli.js';

const FILE = 'test/fixtures/clusters/two-node-calico-ipip.yaml';
const CALICO = readFileSync(new URL('../../fixtures/clusters/two-node-calico-ipip.yaml', import.meta.url), 'utf8');

function ok(r: ReadResult): { cluster: ClusterModel; notes: string[] } {
  if (!r.ok) throw new Error(`expected ok, got: ${formatDumpError(r.error)}`);
  return r;
}

function err(r: ReadResult): DumpError {
  if (r.ok) throw new Error('expected an error, got ok');
  return r.error;
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const read = (text: string) => readClusterDump(text, 'calico.yaml');

describe('readClusterDump: a Calico IPIP cluster', () => {
  const { cluster, notes } = ok(read(CALICO));

  it('selects calico-ipip from the IPPool, with its pool, tunnel addresses and blocks', () => {
    expect(cluster.network.cni).toBe('calico-ipip');
    expect(cluster.network.podNetwork).toBe('10.244.0.0/16');
    expect(cluster.network.calico!.pools).toEqual([{ name: 'default-ipv4-ippool', cidr: '10.244.0.0/16', blockSize: 26, ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true }]);
    expect(cluster.network.calico!.nodes['node-1']).toEqual({ address: '192.168.1.11', ipipTunnelAddr: '10.244.1.0', vxlanTunnelAddr: null, blocks: ['10.244.1.0/26'] });
    expect(cluster.network.calico!.nodes['node-2']!.blocks).toEqual(['10.244.2.0/26']);
    expect(cluster.assumptions.join(' ')).toMatch(/No BlockAffinity objects \(kubectl get blockaffinities\): each node owns the \/26 blocks/);
    expect(notes.filter((n) => /podCIDR|outside/.test(n))).toEqual([]);
  });

  it('reads the NetworkPolicy', () => {
    expect(cluster.networkPolicies).toEqual([
      {
        namespace: 'default', name: 'myapp-allow-frontend', podSelector: { app: 'myapp' }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { app: 'frontend' }, namespaceSelector: null, ipBlock: null }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      },
    ]);
  });

  it('routes like Calico: /32s on cali veths, the blackhole block, the remote block via tunl0', () => {
    const texts = nodeRoutes(cluster, cluster.nodes[0]!).map((r) => r.text);
    expect(texts).toContain('blackhole 10.244.1.0/26 proto bird');
    expect(texts).toContain('10.244.1.10 dev cali5e1c4d6c68c scope link');
    expect(texts).toContain('10.244.2.0/26 via 192.168.1.12 dev tunl0 proto bird onlink');
  });

  it('the policy drops pod-a (app=client) on node-2; relabelled app=frontend, pod-a gets through', () => {
    const r = simulate(cluster, { from: 'pod-a', to: 'myapp' }, {});
    expect(r.ok && [r.trace.verdict, r.trace.hops.at(-1)!.node, r.trace.hops.at(-1)!.step]).toEqual(['dropped', 'node-2', 'filter-forward']);
    const relabelled = ok(read(CALICO.replace('      app: client\n', '      app: frontend\n'))).cluster;
    const r2 = simulate(relabelled, { from: 'pod-a', to: 'myapp' }, {});
    expect(r2.ok && r2.trace.verdict).toBe('delivered');
    const accepted = r2.ok ? r2.trace.hops.find((h) => h.node === 'node-2' && h.step === 'filter-forward')! : null;
    expect(accepted!.rules.some((l) => l.includes('--match-set cali40s:<hash-1> src -m multiport --dports 8080 -j MARK --set-xmark 0x10000/0x10000'))).toBe(true);
  });
});

describe('NetworkPolicy named ports', () => {
  it('port: http is the selected pods\' container port named http (8080); a name nobody declares admits nothing', () => {
    const frontend = CALICO.replace('      app: client\n', '      app: frontend\n');
    const named = ok(read(frontend.replace('      - port: 8080\n        protocol: TCP', '      - port: http\n        protocol: TCP'))).cluster;
    const r = simulate(named, { from: 'pod-a', to: 'myapp' }, {});
    expect(r.ok && r.trace.verdict).toBe('delivered');
    const hop = r.ok ? r.trace.hops.find((h) => h.node === 'node-2' && h.step === 'filter-forward')! : null;
    expect(hop!.rules.some((l) => l.includes('-m multiport --dports 8080 -j MARK --set-xmark 0x10000/0x10000'))).toBe(true);
    const unknown = ok(read(frontend.replace('      - port: 8080\n        protocol: TCP', '      - port: grpc\n        protocol: TCP'))).cluster;
    const r2 = simulate(unknown, { from: 'pod-a', to: 'myapp' }, {});
    expect(r2.ok && r2.trace.verdict).toBe('dropped');
  });
});

describe('readClusterDump: Calico modes from the dump', () => {
  it('a VXLAN pool and IPv4VXLANTunnelAddr annotations: calico-vxlan', () => {
    const text = CALICO.replace('ipipMode: Always', 'ipipMode: Never').replace('vxlanMode: Never', 'vxlanMode: Always').replaceAll('IPv4IPIPTunnelAddr', 'IPv4VXLANTunnelAddr');
    const { cluster } = ok(read(text));
    expect(cluster.network.cni).toBe('calico-vxlan');
    expect(cluster.network.calico!.nodes['node-2']!.vxlanTunnelAddr).toBe('10.244.2.0');
    expect(nodeRoutes(cluster, cluster.nodes[0]!).map((r) => r.text)).toContain('10.244.2.0/26 via 10.244.2.0 dev vxlan.calico proto 80 onlink');
  });

  it('no IPPool objects: the mode from the tunnel annotations, the pool from kube-proxy, said once', () => {
    const cut = CALICO.slice(0, CALICO.indexOf('- apiVersion: crd.projectcalico.org/v1')) + CALICO.slice(CALICO.indexOf('kind: List'));
    const { cluster } = ok(read(cut));
    expect(cluster.network.cni).toBe('calico-ipip');
    expect(cluster.assumptions.filter((a) => a.startsWith('No IPPool objects'))).toHaveLength(1);
    expect(cluster.assumptions.join(' ')).toMatch(/No IPPool objects .*10\.244\.0\.0\/16 \(the cluster CIDR\).*IPIP Always/);
  });

  it('CrossSubnet with every node on one subnet routes without a tunnel (calico-bgp), and says so', () => {
    const { cluster } = ok(read(CALICO.replace('ipipMode: Always', 'ipipMode: CrossSubnet')));
    expect(cluster.network.cni).toBe('calico-bgp');
    expect(cluster.assumptions.join(' ')).toMatch(/CrossSubnet only, and every node is on one subnet/);
  });

  it('a Flannel dump with NetworkPolicies says Flannel enforces none', () => {
    const flannel = readFileSync(new URL('../../fixtures/clusters/two-node-flannel.yaml', import.meta.url), 'utf8');
    const policy = CALICO.slice(CALICO.indexOf('- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy'), CALICO.indexOf('- apiVersion: crd.projectcalico.org/v1'));
    const text = flannel.replace('kind: List', `${policy}kind: List`).replace(/\n(- apiVersion: networking)/, '\n$1');
    const r = ok(read(text.replace(/items:\n/, 'items:\n')));
    expect(r.cluster.network.cni).toBe('flannel-vxlan');
    expect(r.cluster.assumptions.join(' ')).toMatch(/Flannel enforces no NetworkPolicy/);
  });
});

describe('readClusterDump: BlockAffinity objects give each node its blocks', () => {
  const affinity = (name: string, cidr: string, node: string, state = 'confirmed') =>
    `- apiVersion: crd.projectcalico.org/v1\n  kind: BlockAffinity\n  metadata:\n    name: ${name}\n  spec:\n    cidr: ${cidr}\n    deleted: "false"\n    node: ${node}\n    state: ${state}\n`;
  const withAffinities = (...items: string[]) => CALICO.replace('kind: List\n', `${items.join('')}kind: List\n`);

  it('uses the confirmed blocks (two for node-1), no longer assumes them, and routes each', () => {
    const text = withAffinities(
      affinity('node-1-10-244-1-0-26', '10.244.1.0/26', 'node-1'),
      affinity('node-1-10-244-1-64-26', '10.244.1.64/26', 'node-1'),
      affinity('node-2-10-244-2-0-26', '10.244.2.0/26', 'node-2'),
      affinity('node-2-10-244-2-64-26', '10.244.2.64/26', 'node-2', 'pendingDeletion'),
    );
    const { cluster } = ok(read(text));
    expect(cluster.network.calico!.nodes['node-1']!.blocks).toEqual(['10.244.1.0/26', '10.244.1.64/26']);
    expect(cluster.network.calico!.nodes['node-2']!.blocks).toEqual(['10.244.2.0/26']);
    expect(cluster.assumptions.join(' ')).not.toMatch(/No BlockAffinity/);
    const texts = nodeRoutes(cluster, cluster.nodes.find((n) => n.name === 'node-2')!).map((r) => r.text);
    expect(texts).toContain('10.244.1.64/26 via 192.168.1.11 dev tunl0 proto bird onlink');
    expect(texts).toContain('blackhole 10.244.2.0/26 proto bird');
  });

  it('a bad state is an error naming the object and field', () => {
    const text = withAffinities(affinity('node-1-10-244-1-0-26', '10.244.1.0/26', 'node-1', 'maybe'));
    expect(err(read(text))).toMatchObject({ object: 'BlockAffinity node-1-10-244-1-0-26', field: 'spec.state', message: 'expected confirmed or pending or pendingDeletion, got "maybe"', line: lineOf(text, 'state: maybe') });
  });
});

describe('readClusterDump: bad Calico objects are errors naming file, line, object and field', () => {
  const cases: [string, string, string, Partial<DumpError>][] = [
    ['ipipMode: Always', 'ipipMode: Sometimes', 'ipipMode: Sometimes', { object: 'IPPool default-ipv4-ippool', field: 'spec.ipipMode', message: 'expected Always or CrossSubnet or Never, got "Sometimes"' }],
    ['vxlanMode: Never', 'vxlanMode: Always', 'vxlanMode: Always', { object: 'IPPool default-ipv4-ippool', field: 'spec.vxlanMode', message: 'Always with ipipMode Always: Calico allows IPIP or VXLAN on a pool, not both' }],
    ['blockSize: 26', 'blockSize: 8', 'blockSize: 8', { object: 'IPPool default-ipv4-ippool', field: 'spec.blockSize', message: 'not an IPv4 block size (20-32): 8' }],
    ['IPv4IPIPTunnelAddr: 10.244.1.0', 'IPv4IPIPTunnelAddr: 10.244.1', 'IPv4IPIPTunnelAddr: 10.244.1', { object: 'Node node-1', field: 'metadata.annotations["projectcalico.org/IPv4IPIPTunnelAddr"]', message: 'not an IPv4 address "10.244.1"' }],
    ['podIP: 10.244.1.10/32', 'podIP: 10.244.1.10/24', 'podIP: 10.244.1.10/24', { object: 'Pod default/pod-a', field: 'metadata.annotations["cni.projectcalico.org/podIP"]', message: 'not a pod address such as 10.244.1.10/32: "10.244.1.10/24"' }],
    ['          matchLabels:\n            app: frontend', '          matchExpressions:\n          - key: app\n            operator: In\n            values: [frontend]', 'matchExpressions', { object: 'NetworkPolicy default/myapp-allow-frontend', field: 'spec.ingress[0].from[0].podSelector.matchExpressions', message: 'matchExpressions are not simulated; the tour reads matchLabels only' }],
  ];
  for (const [from, to, at, want] of cases) {
    it(`${to.split('\n')[0]!.trim()}`, () => {
      expect(CALICO).toContain(from);
      const text = CALICO.replace(from, to);
      const e = err(read(text));
      expect(e).toMatchObject({ file: 'calico.yaml', line: lineOf(text, at), ...want });
    });
  }

  it('the CLI prints one line naming the file, line, object and field, and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpt-calico-'));
    const bad = join(dir, 'bad.yaml');
    const text = CALICO.replace('ipipMode: Always', 'ipipMode: Sometimes');
    writeFileSync(bad, text);
    const r = runCli(['trace', '--cluster', bad, '--from', 'pod-a', '--to', 'myapp']);
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}:${lineOf(text, 'ipipMode: Sometimes')}: IPPool default-ipv4-ippool: spec.ipipMode: expected Always or CrossSubnet or Never, got "Sometimes"`);
    const good = runCli(['trace', '--cluster', FILE, '--from', 'pod-a', '--to', 'myapp', '--json']);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout).verdict).toBe('dropped');
  });
});
