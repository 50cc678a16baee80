import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { DEFAULT_DNS, DEFAULT_NETWORK, DEFAULT_PROXY } from '../../../src/core/cluster/defaults.js';
import { parseKubectlYaml } from '../../../src/core/cluster/fast-yaml.js';
import type { ClusterModel, PodModel } from '../../../src/core/cluster/model.js';
import { formatDumpError, readClusterDump, type DumpError, type ReadResult } from '../../../src/core/cluster/reader.js';
import { cidrContains } from '../../../src/core/net/ipv4.js';
import { seededRng } from '../../../src/core/random.js';
import { describeGeneratedDump, generateClusterDump, generateClusterObjects } from '../../support/generate-dump.js';
import { kubectlList, toKubectlJson, toKubectlYaml } from '../../support/kubectl-yaml.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/clusters/${name}`, import.meta.url), 'utf8');
const TWO = fixture('two-node-flannel.yaml');
const THREE = fixture('three-node-flannel.json');
const MULTI = fixture('multi-doc.yaml');

const COMMAND = 'kubectl get nodes,pods,services,endpointslices,configmaps -A -o yaml';
const ALWAYS_ASSUMED =
  "Not in a kubectl dump, so assumed: a 1500-byte underlay MTU, br_netfilter on (bridge-nf-call-iptables=1), flanneld --ip-masq, MASQUERADE with --random-fully, and no search domains added from the nodes' resolv.conf.";

function ok(r: ReadResult): { cluster: ClusterModel; notes: string[] } {
  if (!r.ok) throw new Error(`expected ok, got: ${formatDumpError(r.error)}`);
  return r;
}

function err(r: ReadResult): DumpError {
  if (r.ok) throw new Error('expected an error, got ok');
  return r.error;
}

/** The 1-based line of the n-th (1-based) occurrence of `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`not found: ${needle}`);
  }
  return text.slice(0, at).split('\n').length;
}

/** Replace the first `from` that follows `anchor`. */
function replaceAfter(text: string, anchor: string, from: string, to: string): string {
  const a = text.indexOf(anchor);
  if (a < 0) throw new Error(`anchor not found: ${anchor}`);
  const i = text.indexOf(from, a);
  if (i < 0) throw new Error(`not found after anchor: ${from}`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

/** Cut the text just after the first `needle` that follows `anchor`. */
function cutAfter(text: string, anchor: string, needle: string): string {
  const a = text.indexOf(anchor);
  const i = text.indexOf(needle, a);
  if (a < 0 || i < 0) throw new Error('cut point not found');
  return text.slice(0, i + needle.length);
}

/** The built-in cluster's myapp-v2 selects version v2, which no pod has. */
const MYAPP_V2_NOTE = 'Service default/myapp-v2: selector app=myapp,version=v2 matches no pod.';

const byKey = (a: PodModel, b: PodModel): number => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);

describe('readClusterDump: the two-node fixture is the built-in cluster', () => {
  const { cluster, notes } = ok(readClusterDump(TWO, 'two-node-flannel.yaml'));

  it('has the same nodes (IPs, pod ranges, VTEP MACs)', () => {
    expect(cluster.nodes).toEqual(BUILTIN_CLUSTER.nodes);
  });

  it('has the same pods, plus host-network system pods that use their node IP', () => {
    const podNet = cluster.pods.filter((p) => !p.hostNetwork);
    expect([...podNet].sort(byKey)).toEqual([...BUILTIN_CLUSTER.pods].sort(byKey));
    const host = cluster.pods.filter((p) => p.hostNetwork);
    expect(host.map((p) => `${p.namespace}/${p.name}=${p.ip}`)).toEqual([
      'kube-flannel/kube-flannel-ds-4vq8z=192.168.1.11',
      'kube-flannel/kube-flannel-ds-hx7tn=192.168.1.12',
      'kube-system/kube-apiserver-node-1=192.168.1.11',
      'kube-system/kube-proxy-6d2wq=192.168.1.11',
      'kube-system/kube-proxy-m9xkp=192.168.1.12',
    ]);
  });

  it('has the same services and endpoints', () => {
    expect(cluster.services).toEqual(BUILTIN_CLUSTER.services);
    expect(cluster.endpointSlices).toEqual(BUILTIN_CLUSTER.endpointSlices);
  });

  it('reads kube-proxy, Flannel, kubeadm and kubelet settings that match the defaults', () => {
    expect(cluster.proxy).toEqual(DEFAULT_PROXY);
    expect(cluster.network).toEqual(DEFAULT_NETWORK);
    expect(cluster.dns).toEqual(DEFAULT_DNS);
  });

  it('assumes only what no dump shows, notes the Service that selects nothing, and names its source', () => {
    expect(cluster.assumptions).toEqual([ALWAYS_ASSUMED]);
    expect(notes).toEqual([MYAPP_V2_NOTE]);
    expect(cluster.source).toBe('two-node-flannel.yaml');
  });

  it('reads the same with CRLF line endings and a byte-order mark', () => {
    const crlf = ok(readClusterDump(`\ufeff${TWO.replace(/\n/g, '\r\n')}`, 'two-node-flannel.yaml'));
    expect(crlf.cluster).toEqual(cluster);
  });
});

describe('readClusterDump: the three-node -o json fixture', () => {
  const { cluster, notes } = ok(readClusterDump(THREE, 'three-node-flannel.json'));
  const svc = (name: string) => cluster.services.find((s) => s.name === name);
  const slice = (service: string) => cluster.endpointSlices.find((s) => s.serviceName === service);

  it('reads three nodes with host-gw, IPVS and the kubeadm service subnet', () => {
    expect(cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR])).toEqual([
      ['cp-1', '10.0.0.10', '10.244.0.0/24'],
      ['worker-1', '10.0.0.11', '10.244.1.0/24'],
      ['worker-2', '10.0.0.12', '10.244.2.0/24'],
    ]);
    expect(cluster.network.cni).toBe('flannel-host-gw');
    expect(cluster.network.podNetwork).toBe('10.244.0.0/16');
    expect(cluster.network.serviceCIDR).toBe('10.96.0.0/12');
    expect(cluster.proxy).toEqual({ ...DEFAULT_PROXY, mode: 'ipvs', clusterCIDR: '10.244.0.0/16' });
    expect(cluster.dns).toEqual(DEFAULT_DNS);
    expect(cluster.assumptions).toEqual([ALWAYS_ASSUMED]);
  });

  it('reads a named multi-port Service with named target ports', () => {
    expect(svc('web')).toEqual({
      namespace: 'shop',
      name: 'web',
      type: 'ClusterIP',
      clusterIP: '10.104.12.7',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', nodePort: null },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', nodePort: null },
      ],
      selector: { app: 'web' },
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    });
    const web = cluster.pods.find((p) => p.name === 'web-7d9c8b6f5-8jz6r');
    expect(web?.containerPorts).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'https', port: 8443, protocol: 'TCP' },
    ]);
  });

  it('reads endpoint conditions, including a terminating endpoint that still serves', () => {
    const eps = slice('web')?.endpoints ?? [];
    expect(eps.map((e) => [e.ip, e.nodeName, e.ready, e.serving, e.terminating, e.pod])).toEqual([
      ['10.244.1.7', 'worker-1', true, true, false, 'shop/web-7d9c8b6f5-8jz6r'],
      ['10.244.1.9', 'worker-1', true, true, false, 'shop/web-7d9c8b6f5-l5hks'],
      ['10.244.2.5', 'worker-2', true, true, false, 'shop/web-7d9c8b6f5-dn4vb'],
      ['10.244.2.8', 'worker-2', false, true, true, 'shop/web-7d9c8b6f5-q2m4x'],
    ]);
    expect(slice('web')?.ports).toEqual([
      { name: 'https', port: 8443, protocol: 'TCP' },
      { name: 'http', port: 8080, protocol: 'TCP' },
    ]);
  });

  it('reads a UDP Service, a NodePort Service and a headless Service', () => {
    expect(svc('statsd')?.ports).toEqual([{ name: null, port: 8125, protocol: 'UDP', targetPort: 8125, nodePort: null }]);
    expect(slice('statsd')?.ports).toEqual([{ name: null, port: 8125, protocol: 'UDP' }]);
    expect(svc('web-public')).toMatchObject({ type: 'NodePort', sessionAffinity: 'ClientIP', externalTrafficPolicy: 'Local', affinityTimeoutSeconds: 10800 });
    expect(svc('statsd')).not.toHaveProperty('affinityTimeoutSeconds');
    expect(svc('web-public')?.ports[0]?.nodePort).toBe(30080);
    expect(svc('db')?.clusterIP).toBe('None');
    expect(slice('db')?.endpoints.map((e) => e.hostname)).toEqual(['db-0', 'db-1']);
  });

  it('keeps a Service with no endpoints (kubectl prints endpoints: null), with a note', () => {
    expect(svc('ghost')?.clusterIP).toBe('10.102.200.9');
    expect(slice('ghost')).toEqual({ namespace: 'shop', name: 'ghost-p8r2s', serviceName: 'ghost', addressType: 'IPv4', ports: [], endpoints: [] });
    expect(notes).toEqual(['Service shop/ghost: selector app=ghost matches no pod.']);
  });

  it('the kubernetes endpoint has no node and no pod; only ready is written, so serving follows it', () => {
    expect(slice('kubernetes')?.endpoints).toEqual([{ ip: '10.0.0.10', nodeName: null, ready: true, serving: true, terminating: false, pod: null, hostname: null }]);
  });
});

describe('readClusterDump: multi-document YAML (a k3s-style cluster)', () => {
  const { cluster, notes } = ok(readClusterDump(MULTI, 'multi-doc.yaml'));

  it('reads objects from Lists and from lone documents', () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual(['k3s-server', 'k3s-agent']);
    expect(cluster.pods.map((p) => `${p.namespace}/${p.name}=${p.ip}`)).toEqual([
      'default/web-6b7f9c5d8-2jxkq=10.42.1.4',
      'default/worker-5c4b8d7f6-qq7vn=null',
      'kube-system/coredns-ccb96694c-9mfbz=10.42.0.3',
    ]);
    expect(cluster.services.map((s) => s.name)).toEqual(['kubernetes', 'web', 'kube-dns']);
    expect(cluster.endpointSlices.map((s) => s.name)).toEqual(['kubernetes', 'web-5tqcw', 'kube-dns-2wz6h']);
  });

  it("uses Flannel's public-ip as the node address", () => {
    expect(cluster.nodes.map((n) => [n.internalIP, n.vtepMac])).toEqual([
      ['10.10.0.5', '5e:91:0a:3c:7d:22'],
      ['203.0.113.6', '0a:6e:41:b8:19:f3'],
    ]);
  });

  it('infers what the dump lacks and says so, one sentence each', () => {
    expect(cluster.network).toEqual({ ...DEFAULT_NETWORK, podNetwork: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16' });
    expect(cluster.proxy).toEqual({ ...DEFAULT_PROXY, clusterCIDR: '10.42.0.0/16' });
    expect(cluster.dns).toEqual({ ...DEFAULT_DNS, nameserver: '10.43.0.10' });
    expect(cluster.assumptions).toEqual([
      "No Flannel ConfigMap: assumed the pod network 10.42.0.0/16, the smallest /16 or wider range holding every node's podCIDR (Flannel's default 10.244.0.0/16 does not).",
      "No Flannel ConfigMap: the nodes' annotations say VXLAN with VNI 1; assumed UDP port 8472 (Linux's default).",
      "The dump does not show the service CIDR: assumed 10.43.0.0/16, the smallest /16 or wider range holding every ClusterIP (kubeadm's default 10.96.0.0/12 does not).",
      'No kube-proxy ConfigMap: assumed iptables mode, clusterCIDR 10.42.0.0/16 (the pod network).',
      ALWAYS_ASSUMED,
    ]);
  });

  it('notes what it ignored or skipped', () => {
    expect(notes).toEqual([
      'ignored 1 Deployment object',
      'ignored 1 Event object',
      "Node k3s-agent: Flannel's public-ip 203.0.113.6 differs from its InternalIP 10.10.0.6; the tour uses the public-ip, as Flannel does.",
      'skipped Pod default/migrate-8h2kd: it has finished (Succeeded), and its IP may belong to another pod now.',
      'skipped Pod default/web-6b7f9c5d8-zx8mt: it is not scheduled to a node yet.',
      "Pod default/worker-5c4b8d7f6-qq7vn has no IP yet (Pending), so it can't be a client or an endpoint.",
      'skipped Service default/billing-api: type ExternalName is only a DNS alias for billing.example.com, with no ClusterIP to follow.',
      'ignored EndpointSlice default/web-x7d2n: addressType IPv6 (the tour follows IPv4 only).',
    ]);
  });
});

describe('readClusterDump: valid dumps with notes', () => {
  it('keeps a pod with no IP yet, with ip null and a note', () => {
    const text = replaceAfter(replaceAfter(TWO, '    name: pod-a\n', '    podIP: 10.244.1.10\n', ''), '    name: pod-a\n', '    podIPs:\n    - ip: 10.244.1.10\n', '');
    const { cluster, notes } = ok(readClusterDump(text, 'c.yaml'));
    expect(cluster.pods.find((p) => p.name === 'pod-a')?.ip).toBeNull();
    expect(notes).toEqual(["Pod default/pod-a has no IP yet (Pending), so it can't be a client or an endpoint.", MYAPP_V2_NOTE]);
  });

  it('keeps a Service whose selector matches no pod, with a note naming it', () => {
    const text = replaceAfter(TWO, '    selector:\n      app: myapp', 'app: myapp', 'app: nothing');
    const { cluster, notes } = ok(readClusterDump(text, 'c.yaml'));
    expect(cluster.services.find((s) => s.name === 'myapp')?.selector).toEqual({ app: 'nothing' });
    expect(notes).toEqual(['Service default/myapp: selector app=nothing matches no pod.', MYAPP_V2_NOTE]);
  });

  it('ignores unknown kinds, counting them by kind', () => {
    const deployment = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec: { replicas: 1 } });
    const event = (name: string) => ({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name, namespace: 'default' }, reason: 'Pulled' });
    const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'myapp', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.244.1.5' }] }] };
    const extra = toKubectlYaml(kubectlList([deployment('a'), event('e1'), deployment('b'), endpoints, deployment('c'), event('e2')]));
    const { notes } = ok(readClusterDump(`${TWO}---\n${extra}`, 'c.yaml'));
    expect(notes).toEqual(['ignored 3 Deployment objects', 'ignored 1 Endpoints object (kube-proxy reads EndpointSlices)', 'ignored 2 Event objects', MYAPP_V2_NOTE]);
  });

  it('treats a Service of another API group (Knative) as an unknown kind', () => {
    const ksvc = toKubectlYaml({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'default' }, spec: {} });
    const { cluster, notes } = ok(readClusterDump(`${TWO}---\n${ksvc}`, 'c.yaml'));
    expect(cluster.services).toHaveLength(BUILTIN_CLUSTER.services.length);
    expect(notes).toEqual(['ignored 1 serving.knative.dev/v1 Service object', MYAPP_V2_NOTE]);
  });

  it('reads a kube-proxy config without clusterCIDR as no local-traffic detector (null)', () => {
    const text = replaceAfter(TWO, 'config.conf: |', 'clusterCIDR: 10.244.0.0/16\n', 'clusterCIDR: ""\n');
    expect(ok(readClusterDump(text, 'c.yaml')).cluster.proxy.clusterCIDR).toBeNull();
  });

  it('reads nftables mode as iptables, with an assumption', () => {
    const text = replaceAfter(TWO, 'config.conf: |', '    mode: ""', '    mode: nftables');
    const { cluster } = ok(readClusterDump(text, 'c.yaml'));
    expect(cluster.proxy.mode).toBe('iptables');
    expect(cluster.assumptions[0]).toBe('kube-proxy runs in nftables mode, which the tour does not simulate: shown as iptables mode, which makes the same NAT decisions.');
  });
});

/** Rename a ConfigMap or Service (its metadata name line) so the reader no longer recognises it: as if it were not in the dump. */
function hide(text: string, metadataName: string): string {
  const line = `\n    name: ${metadataName}\n`;
  const at = text.lastIndexOf(line);
  if (at < 0) throw new Error(`not found: ${metadataName}`);
  return `${text.slice(0, at)}\n    name: ${metadataName}-elsewhere\n${text.slice(at + line.length)}`;
}

describe('readClusterDump: what the dump lacks gets the documented default and one sentence', () => {
  it('no kube-proxy ConfigMap: iptables, clusterCIDR from Flannel', () => {
    const { cluster } = ok(readClusterDump(hide(TWO, 'kube-proxy'), 'c.yaml'));
    expect(cluster.proxy).toEqual(DEFAULT_PROXY);
    expect(cluster.assumptions).toEqual(['No kube-proxy ConfigMap: assumed iptables mode, clusterCIDR 10.244.0.0/16 (the Flannel network).', ALWAYS_ASSUMED]);
  });

  it('no kubeadm-config: the service CIDR is assumed, and said to hold every ClusterIP', () => {
    const { cluster } = ok(readClusterDump(hide(TWO, 'kubeadm-config'), 'c.yaml'));
    expect(cluster.network.serviceCIDR).toBe('10.96.0.0/12');
    expect(cluster.assumptions).toEqual(["The dump does not show the service CIDR: assumed kubeadm's default 10.96.0.0/12, which holds every ClusterIP.", ALWAYS_ASSUMED]);
  });

  it('no CoreDNS ConfigMap and no kubelet-config: cluster.local', () => {
    const { cluster } = ok(readClusterDump(hide(hide(TWO, 'coredns'), 'kubelet-config'), 'c.yaml'));
    expect(cluster.dns.clusterDomain).toBe('cluster.local');
    expect(cluster.assumptions).toEqual(['No CoreDNS ConfigMap: assumed the cluster domain cluster.local.', ALWAYS_ASSUMED]);
  });

  it('no kube-dns Service: the kubelet clusterDNS, else kubeadm\'s 10.96.0.10 with a sentence', () => {
    const noService = hide(TWO, 'kube-dns');
    expect(ok(readClusterDump(noService, 'c.yaml')).cluster.dns.nameserver).toBe('10.96.0.10');
    expect(ok(readClusterDump(noService, 'c.yaml')).cluster.assumptions).toEqual([ALWAYS_ASSUMED]);
    const neither = ok(readClusterDump(hide(noService, 'kubelet-config'), 'c.yaml')).cluster;
    expect(neither.dns.nameserver).toBe('10.96.0.10');
    expect(neither.assumptions).toEqual(["No kube-system/kube-dns Service: assumed the cluster DNS address 10.96.0.10 (kubeadm's default).", ALWAYS_ASSUMED]);
  });

  it('no Flannel ConfigMap: the backend from the node annotations, the pod network from kube-proxy', () => {
    const { cluster } = ok(readClusterDump(hide(TWO, 'kube-flannel-cfg'), 'c.yaml'));
    expect(cluster.network).toEqual(DEFAULT_NETWORK);
    expect(cluster.assumptions).toEqual([
      "No Flannel ConfigMap: assumed the pod network is kube-proxy's clusterCIDR 10.244.0.0/16.",
      "No Flannel ConfigMap: the nodes' annotations say VXLAN with VNI 1; assumed UDP port 8472 (Linux's default).",
      ALWAYS_ASSUMED,
    ]);
  });

  it('nothing but objects: every default, each said once', () => {
    let text = TWO;
    for (const name of ['kube-proxy', 'kube-flannel-cfg', 'coredns', 'kubeadm-config', 'kubelet-config', 'kube-dns']) text = hide(text, name);
    for (const a of ['flannel.alpha.coreos.com/backend-type: vxlan\n', 'flannel.alpha.coreos.com/backend-type: vxlan\n']) text = text.replace(`      ${a}`, '');
    const { cluster } = ok(readClusterDump(text, 'c.yaml'));
    expect(cluster.proxy).toEqual(DEFAULT_PROXY);
    expect(cluster.network).toEqual(DEFAULT_NETWORK);
    expect(cluster.dns).toEqual(DEFAULT_DNS);
    expect(cluster.assumptions).toEqual([
      "No Flannel ConfigMap: assumed Flannel's default pod network 10.244.0.0/16, which holds every node's podCIDR.",
      'No Flannel ConfigMap or node annotations: assumed Flannel VXLAN (VNI 1, UDP port 8472).',
      "The dump does not show the service CIDR: assumed kubeadm's default 10.96.0.0/12, which holds every ClusterIP.",
      'No kube-proxy ConfigMap: assumed iptables mode, clusterCIDR 10.244.0.0/16 (the pod network).',
      'No CoreDNS ConfigMap: assumed the cluster domain cluster.local.',
      "No kube-system/kube-dns Service: assumed the cluster DNS address 10.96.0.10 (kubeadm's default).",
      ALWAYS_ASSUMED,
    ]);
  });

  it('Flannel backends the tour does not simulate, and DirectRouting, are said', () => {
    const wg = ok(readClusterDump(TWO.replace('"Type": "vxlan"', '"Type": "wireguard"'), 'c.yaml')).cluster;
    expect(wg.network.cni).toBe('flannel-vxlan');
    expect(wg.assumptions[0]).toBe('Flannel\'s "wireguard" backend is not simulated: shown as VXLAN (VNI 1, UDP port 8472).');
    const direct = ok(readClusterDump(TWO.replace('"Type": "vxlan"', '"Type": "vxlan",\n        "DirectRouting": true,\n        "VNI": 4096,\n        "Port": 4789'), 'c.yaml')).cluster;
    expect(direct.network.vxlan).toEqual({ vni: 4096, port: 4789 });
    expect(direct.assumptions[0]).toBe("Flannel's VXLAN DirectRouting is on: real nodes on the same subnet route pod traffic directly without VXLAN; the tour always encapsulates.");
  });

  it('a kubelet clusterDNS that is not the kube-dns Service (NodeLocal DNSCache) keeps the Service, with a note', () => {
    const text = replaceAfter(TWO, 'clusterDNS:', '- 10.96.0.10', '- 169.254.20.10');
    const { cluster, notes } = ok(readClusterDump(text, 'c.yaml'));
    expect(cluster.dns.nameserver).toBe('10.96.0.10');
    expect(notes).toContain("The kubelet's clusterDNS is 169.254.20.10, not the kube-dns ClusterIP 10.96.0.10 (NodeLocal DNSCache?); the tour sends DNS to the kube-dns Service.");
  });

  it('reads the cluster domain from the Corefile', () => {
    const text = hide(TWO.replace(/kubernetes cluster\.local in-addr/, 'kubernetes corp.example in-addr'), 'kubelet-config');
    expect(ok(readClusterDump(text, 'c.yaml')).cluster.dns.clusterDomain).toBe('corp.example');
  });
});

describe('readClusterDump: hand-written YAML outside the kubectl style', () => {
  it('reads flow style, anchors and comments through the yaml package', () => {
    const text = [
      '# a hand-written cluster',
      '{apiVersion: v1, kind: Node, metadata: {name: n1}, spec: {podCIDR: 10.244.0.0/24}, status: {addresses: [{type: InternalIP, address: 10.0.0.1}]}}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p1, namespace: default, labels: {app: web}}',
      'spec: {nodeName: n1}',
      'status: {podIP: 10.244.0.5}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: default, labels: &l {app: web}}',
      'spec: {clusterIP: 10.96.0.50, selector: *l, ports: [{port: 80, targetPort: 8080}]}',
      '',
    ].join('\n');
    const { cluster, notes } = ok(readClusterDump(text, 'hand.yaml'));
    expect(cluster.pods.map((p) => [p.name, p.ip, p.labels])).toEqual([['p1', '10.244.0.5', { app: 'web' }]]);
    expect(cluster.services[0]?.selector).toEqual({ app: 'web' });
    expect(notes).toEqual([]);
  });

  it('names the line of an error in hand-written YAML too', () => {
    const text = 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {podCIDR: 10.244.0.0/24}\nstatus:\n  addresses: [{type: InternalIP, address: 10.0.0.300}]\n';
    expect(err(readClusterDump(text, 'hand.yaml'))).toEqual({ file: 'hand.yaml', line: 6, object: 'Node n1', field: 'status.addresses[0].address', message: 'not an IPv4 address "10.0.0.300"' });
  });
});

describe('readClusterDump: JSON and YAML of the same objects read the same', () => {
  it.each([1, 2, 3])('seed %i', (seed) => {
    const items = generateClusterObjects({ nodes: 4, pods: 40, services: 12, seed });
    const fromYaml = ok(readClusterDump(toKubectlYaml(kubectlList(items)), 'x'));
    const fromJson = ok(readClusterDump(toKubectlJson(kubectlList(items)), 'x'));
    expect(fromJson).toEqual(fromYaml);
  });
});

interface BadCase {
  readonly name: string;
  readonly text: () => string;
  readonly file?: string;
  /** The expected error; `line` may be computed from the text. */
  readonly error: (text: string) => Omit<DumpError, 'file'>;
}

const BAD: BadCase[] = [
  {
    name: 'a pod IP that is not IPv4',
    text: () => replaceAfter(TWO, '    name: pod-b\n', 'podIP: 10.244.2.6', 'podIP: 10.0.0'),
    error: (t) => ({ line: lineOf(t, 'podIP: 10.0.0'), object: 'Pod default/pod-b', field: 'status.podIP', message: 'not an IPv4 address "10.0.0"' }),
  },
  {
    name: 'a Service port above 65535',
    text: () => replaceAfter(TWO, '    name: myapp\n    namespace: default\n', '- port: 80', '- port: 70000'),
    error: (t) => ({ line: lineOf(t, '- port: 70000'), object: 'Service default/myapp', field: 'spec.ports[0].port', message: 'not a port number (1-65535): 70000' }),
  },
  {
    name: 'a Service port that is a name',
    text: () => replaceAfter(TWO, '    name: kube-dns\n', '      port: 9153', '      port: metrics'),
    error: (t) => ({ line: lineOf(t, 'port: metrics'), object: 'Service kube-system/kube-dns', field: 'spec.ports[2].port', message: 'not a port number (1-65535): "metrics"' }),
  },
  {
    name: 'a ClientIP affinity timeout above the API maximum (86400 s)',
    text: () => replaceAfter(TWO, '    name: myapp\n    namespace: default\n', '    sessionAffinity: None', '    sessionAffinity: ClientIP\n    sessionAffinityConfig:\n      clientIP:\n        timeoutSeconds: 90000'),
    error: (t) => ({ line: lineOf(t, 'timeoutSeconds: 90000'), object: 'Service default/myapp', field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', message: 'not a timeout in seconds (1-86400): 90000' }),
  },
  {
    name: 'a Service protocol that is not TCP, UDP or SCTP',
    text: () => replaceAfter(TWO, '    name: myapp\n    namespace: default\n', 'protocol: TCP', 'protocol: ICMP'),
    error: (t) => ({ line: lineOf(t, 'protocol: ICMP'), object: 'Service default/myapp', field: 'spec.ports[0].protocol', message: 'not a protocol (TCP, UDP or SCTP): "ICMP"' }),
  },
  {
    name: 'a Node without a name',
    text: () => TWO.replace('    name: node-2\n', ''),
    error: (t) => ({ line: lineOf(t, '  kind: Node\n  metadata:', 2) + 1, object: 'Node (items[1])', field: 'metadata.name', message: 'missing' }),
  },
  {
    name: 'a Node without an InternalIP or public-ip',
    text: () => replaceAfter(TWO.replace('      flannel.alpha.coreos.com/public-ip: 192.168.1.12\n', ''), '    name: node-2\n', 'type: InternalIP', 'type: ExternalIP'),
    error: (t) => ({ line: lineOf(t, '    addresses:', 2), object: 'Node node-2', field: 'status.addresses', message: 'no InternalIP address (and no flannel.alpha.coreos.com/public-ip annotation)' }),
  },
  {
    name: 'a VTEP MAC that is not a MAC address',
    text: () => TWO.replace('"VtepMAC":"5a:19:3d:98:2d:61"', '"VtepMAC":"5a:19:3d:98:2d:zz"'),
    error: (t) => ({
      line: lineOf(t, '2d:zz'),
      object: 'Node node-1',
      field: 'metadata.annotations["flannel.alpha.coreos.com/backend-data"] (VtepMAC)',
      message: 'not a MAC address "5a:19:3d:98:2d:zz"',
    }),
  },
  {
    name: "a node podCIDR outside Flannel's network",
    text: () => replaceAfter(TWO, '    name: node-2\n', 'podCIDR: 10.244.2.0/24', 'podCIDR: 10.245.2.0/24'),
    error: (t) => ({ line: lineOf(t, 'podCIDR: 10.245.2.0/24'), object: 'Node node-2', field: 'spec.podCIDR', message: "10.245.2.0/24 is outside the pod network 10.244.0.0/16 (Flannel's net-conf.json)" }),
  },
  {
    name: 'a pod on a node the dump does not have',
    text: () => replaceAfter(TWO, '    name: pod-b\n', 'nodeName: node-2', 'nodeName: node-9'),
    error: (t) => ({ line: lineOf(t, 'nodeName: node-9'), object: 'Pod default/pod-b', field: 'spec.nodeName', message: `node "node-9" is not in the dump (make it with ${COMMAND})` }),
  },
  {
    name: 'two pods with one IP',
    text: () => replaceAfter(TWO, '    name: pod-c\n', 'podIP: 10.244.1.5', 'podIP: 10.244.2.6'),
    error: (t) => ({ line: lineOf(t, 'podIP: 10.244.2.6', 2), object: 'Pod default/pod-c', field: 'status.podIP', message: '10.244.2.6 is also the IP of Pod default/pod-b' }),
  },
  {
    name: 'an endpoint on a node the dump does not have',
    text: () => replaceAfter(TWO, '    - 10.244.2.6\n', 'nodeName: node-2', 'nodeName: node-9'),
    error: (t) => ({ line: lineOf(t, 'nodeName: node-9'), object: 'EndpointSlice default/myapp-8xkqz', field: 'endpoints[1].nodeName', message: 'node "node-9" is not in the dump' }),
  },
  {
    name: 'a kube-proxy masqueradeBit out of range (inside config.conf)',
    text: () => replaceAfter(TWO, 'config.conf: |', 'masqueradeBit: null', 'masqueradeBit: 40'),
    error: (t) => ({
      line: lineOf(t, 'masqueradeBit: 40'),
      object: 'ConfigMap kube-system/kube-proxy',
      field: 'data["config.conf"] (iptables.masqueradeBit)',
      message: 'not a mark bit (0-31): 40',
    }),
  },
  {
    name: "a Flannel Network that is not a CIDR (inside net-conf.json)",
    text: () => TWO.replace('"Network": "10.244.0.0/16"', '"Network": "10.244.0.0/33"'),
    error: (t) => ({ line: lineOf(t, '"Network": "10.244.0.0/33"'), object: 'ConfigMap kube-flannel/kube-flannel-cfg', field: 'data["net-conf.json"] (Network)', message: 'not an IPv4 CIDR "10.244.0.0/33"' }),
  },
  {
    name: 'a pod IP that is not IPv4, in -o json',
    file: 'three-node-flannel.json',
    text: () => THREE.replace('"podIP": "10.244.1.7"', '"podIP": "10.244.1.700"'),
    error: (t) => ({ line: lineOf(t, '"podIP": "10.244.1.700"'), object: 'Pod shop/web-7d9c8b6f5-8jz6r', field: 'status.podIP', message: 'not an IPv4 address "10.244.1.700"' }),
  },
  {
    name: 'a truncated file that is still valid YAML (the List never gets its kind)',
    text: () => cutAfter(TWO, '    name: pod-b\n', '    qosClass: BestEffort\n'),
    error: (t) => ({ line: t.trimEnd().split('\n').length, object: null, field: null, message: 'the List ends without "kind: List" (kubectl prints it after the items): the file looks truncated' }),
  },
  {
    name: 'a file cut inside a quoted string',
    text: () => cutAfter(TWO, '    name: node-1\n', '"VtepMAC":"5e:19'),
    error: (t) => ({ line: lineOf(t, '"VtepMAC":"5e:19'), object: null, field: null, message: 'not valid YAML: the file ends inside a single-quoted string that starts here: it looks truncated' }),
  },
  {
    name: 'a file cut in the middle of a key',
    text: () => cutAfter(TWO, '    name: pod-c\n', '    nodeNa'),
    error: (t) => ({ line: t.split('\n').length, object: null, field: null, message: 'not valid YAML: the last line is incomplete: the file looks truncated' }),
  },
  {
    name: 'truncated JSON',
    file: 'three-node-flannel.json',
    text: () => THREE.slice(0, Math.floor(THREE.length / 2)),
    error: (t) => ({ line: t.trimEnd().split('\n').length, object: null, field: null, message: 'not valid JSON: the file ends early; it looks truncated' }),
  },
  {
    name: 'a YAML syntax error the fast reader leaves to the yaml package (a repeated key)',
    text: () => replaceAfter(TWO, '    name: pod-a\n', '    podIP: 10.244.1.10\n', '    podIP: 10.244.1.10\n    podIP: 10.244.1.11\n'),
    error: (t) => ({ line: lineOf(t, 'podIP: 10.244.1.11'), object: null, field: null, message: 'not valid YAML: Map keys must be unique' }),
  },
  {
    name: 'binary data (NUL bytes)',
    text: () => Buffer.from([...Buffer.from('apiVersion: v1\nitems:\n'), 0x00, 0x01, 0x02, 0x9c]).toString('utf8'),
    error: () => ({ line: 3, object: null, field: null, message: 'not a text file: it contains a NUL byte (is it binary, or compressed?)' }),
  },
  {
    name: 'bytes that are not UTF-8',
    text: () => Buffer.from([...Buffer.from('kind: List\nitems: '), 0xc3, 0x28]).toString('utf8'),
    error: () => ({ line: 2, object: null, field: null, message: 'not UTF-8 text: it contains bytes that are not valid UTF-8 (is it binary, or in another encoding?)' }),
  },
  {
    name: 'a gzip-compressed dump',
    text: () => Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xed, 0x5d]).toString('utf8'),
    error: () => ({ line: 1, object: null, field: null, message: 'the file is gzip-compressed: decompress it first (gunzip)' }),
  },
  {
    name: "UTF-16 text (Windows PowerShell's >)",
    text: () => Buffer.from(`\ufeff${TWO.slice(0, 300)}`, 'utf16le').toString('utf8'),
    error: () => ({
      line: 1,
      object: null,
      field: null,
      message: 'the file is UTF-16 text, not UTF-8 (Windows PowerShell\'s ">" writes UTF-16): save it as UTF-8, e.g. kubectl ... -o yaml | Out-File -Encoding utf8 cluster.yaml',
    }),
  },
  {
    name: 'terminal colour codes',
    text: () => `apiVersion: v1\n\x1b[32mitems\x1b[0m: []\n`,
    error: () => ({ line: 2, object: null, field: null, message: 'the text contains terminal escape codes (was it saved from coloured output?): save plain kubectl output instead' }),
  },
  {
    name: 'YAML that is not a Kubernetes object',
    text: () => 'foo: bar\n',
    error: () => ({ line: 1, object: null, field: 'kind', message: 'missing: every object needs a kind' }),
  },
  {
    name: 'a List item that is not an object',
    text: () => 'apiVersion: v1\nitems:\n- just text\nkind: List\n',
    error: () => ({ line: 3, object: 'items[0]', field: null, message: 'expected a Kubernetes object or a List, got the string "just text"' }),
  },
  {
    name: 'an empty file',
    text: () => '',
    error: () => ({ line: null, object: null, field: null, message: `no Kubernetes objects found: expected the output of ${COMMAND}` }),
  },
  {
    name: 'a dump without nodes',
    text: () => MULTI.split('---\n')[1] ?? '',
    error: () => ({ line: null, object: null, field: null, message: `the dump has no Node objects: make it with ${COMMAND}` }),
  },
];

describe('readClusterDump: bad input is an error naming file, line, object and field', () => {
  it.each(BAD)('$name', ({ text, file, error }) => {
    const t = text();
    const name = file ?? 'cluster.yaml';
    const e = err(readClusterDump(t, name));
    expect(e).toEqual({ file: name, ...error(t) });
  });

  it('formats one line, leaving out what is unknown', () => {
    expect(formatDumpError({ file: 'cluster.yaml', line: 42, object: 'Pod default/web-1', field: 'status.podIP', message: 'not an IPv4 address "10.0.0"' })).toBe(
      'cluster.yaml:42: Pod default/web-1: status.podIP: not an IPv4 address "10.0.0"',
    );
    expect(formatDumpError({ file: 'c.yaml', line: null, object: null, field: null, message: 'no Kubernetes objects found' })).toBe('c.yaml: no Kubernetes objects found');
    expect(formatDumpError({ file: 'c.yaml', line: 3, object: null, field: 'kind', message: 'missing' })).toBe('c.yaml:3: kind: missing');
  });

  it('formats the pod-IP error exactly as the CLI prints it', () => {
    const t = replaceAfter(TWO, '    name: pod-b\n', 'podIP: 10.244.2.6', 'podIP: 10.0.0');
    expect(formatDumpError(err(readClusterDump(t, 'cluster.yaml')))).toBe(`cluster.yaml:${lineOf(t, 'podIP: 10.0.0')}: Pod default/pod-b: status.podIP: not an IPv4 address "10.0.0"`);
  });

  it('never throws, whatever the bytes: cuts and corruptions of real dumps are values', () => {
    const rng = seededRng(2024);
    const sources = [TWO, THREE, MULTI];
    for (let i = 0; i < 150; i++) {
      const src = sources[i % sources.length] as string;
      let t: string;
      const mode = rng.int(4);
      if (mode === 0) t = src.slice(0, rng.int(src.length));
      else if (mode === 1) {
        const at = rng.int(src.length);
        t = src.slice(0, at) + String.fromCharCode(32 + rng.int(95)) + src.slice(at + 1);
      } else if (mode === 2) {
        const at = rng.int(src.length);
        t = src.slice(0, at) + src.slice(at + 1 + rng.int(40));
      } else {
        const lines = src.split('\n');
        const a = rng.int(lines.length);
        lines.splice(a, 1 + rng.int(3));
        t = lines.join('\n');
      }
      let r: ReadResult | undefined;
      expect(() => {
        r = readClusterDump(t, 'fuzz.yaml');
      }).not.toThrow();
      if (r !== undefined && !r.ok) {
        expect(r.error.message).not.toMatch(/internal error/);
        if (r.error.line !== null) expect(r.error.line).toBeGreaterThanOrEqual(1);
        if (r.error.line !== null) expect(r.error.line).toBeLessThanOrEqual(t.split('\n').length + 1);
      }
    }
  });
});

describe('generated dumps', () => {
  it('a small generated dump reads with the right objects and nothing assumed beyond the invisible', () => {
    const opts = { nodes: 3, pods: 24, services: 8, seed: 7 };
    const summary = describeGeneratedDump(opts);
    const { cluster, notes } = ok(readClusterDump(generateClusterDump(opts), 'gen.yaml'));
    expect(cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR])).toEqual([
      ['cp-1', '10.0.0.10', '10.244.0.0/24'],
      ['worker-01', '10.0.0.11', '10.244.1.0/24'],
      ['worker-02', '10.0.0.12', '10.244.2.0/24'],
    ]);
    expect(cluster.pods).toHaveLength(24);
    expect(cluster.pods.filter((p) => p.ip === null)).toHaveLength(summary.pendingPods);
    expect(cluster.services).toHaveLength(8);
    expect(cluster.services.slice(0, 1).map((s) => [s.namespace, s.name, s.clusterIP])).toEqual([['default', 'kubernetes', '10.96.0.1']]);
    expect(cluster.services.find((s) => s.name === 'kube-dns')?.clusterIP).toBe('10.96.0.10');
    expect(cluster.endpointSlices).toHaveLength(8);
    expect(cluster.dns.nameserver).toBe('10.96.0.10');
    expect(cluster.assumptions).toEqual([ALWAYS_ASSUMED]);
    const selectorNotes = notes.filter((n) => n.includes('matches no pod'));
    expect(selectorNotes).toHaveLength(summary.emptyServices);
  });

  it('every generated dump reads with ok:true, the right counts and a consistent cluster (20 seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = seededRng(seed * 7919);
      const opts = { nodes: 1 + rng.int(12), pods: rng.int(160), services: rng.int(40), seed };
      const summary = describeGeneratedDump(opts);
      const r = readClusterDump(generateClusterDump(opts), `seed-${seed}.yaml`);
      const { cluster, notes } = ok(r);
      expect(cluster.nodes, `seed ${seed}`).toHaveLength(opts.nodes);
      expect(cluster.pods, `seed ${seed}`).toHaveLength(opts.pods);
      expect(cluster.services, `seed ${seed}`).toHaveLength(opts.services);
      expect(cluster.endpointSlices, `seed ${seed}`).toHaveLength(summary.endpointSlices);
      expect(cluster.services.filter((s) => s.clusterIP === 'None'), `seed ${seed}`).toHaveLength(summary.headlessServices);
      expect(cluster.pods.filter((p) => p.ip === null), `seed ${seed}`).toHaveLength(summary.pendingPods);
      const pendingNotes = notes.filter((n) => n.includes('has no IP yet'));
      expect(pendingNotes.length, `seed ${seed}`).toBe(Math.min(5, summary.pendingPods));
      // Consistency: pod IPs inside their node's range, endpoints pointing at real pods with that IP.
      const nodes = new Map(cluster.nodes.map((n) => [n.name, n]));
      const pods = new Map(cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
      for (const n of cluster.nodes) expect(cidrContains(cluster.network.podNetwork, n.podCIDR.split('/')[0] as string)).toBe(true);
      for (const p of cluster.pods) if (p.ip !== null) expect(cidrContains(nodes.get(p.nodeName)?.podCIDR ?? '', p.ip), `${p.name}`).toBe(true);
      for (const s of cluster.endpointSlices) {
        for (const e of s.endpoints) {
          if (e.nodeName !== null) expect(nodes.has(e.nodeName)).toBe(true);
          if (e.pod !== null) expect(pods.get(e.pod)?.ip).toBe(e.ip);
        }
      }
      for (const s of cluster.services) if (s.clusterIP !== 'None') expect(cidrContains(cluster.network.serviceCIDR, s.clusterIP)).toBe(true);
    }
  });

  it('a 50-node, 2,000-pod, 500-Service dump takes the fast path and loads quickly', () => {
    const text = generateClusterDump({ nodes: 50, pods: 2000, services: 500, seed: 1 });
    expect(parseKubectlYaml(text).kind).toBe('ok');
    const start = performance.now();
    const { cluster } = ok(readClusterDump(text, 'big.yaml'));
    const ms = performance.now() - start;
    expect([cluster.nodes.length, cluster.pods.length, cluster.services.length, cluster.endpointSlices.length]).toEqual([50, 2000, 500, 500]);
    // Typically a few hundred ms; the bound is loose for busy CI machines (the yaml package alone needs ~10 s).
    expect(ms).toBeLessThan(5000);
  });
});
