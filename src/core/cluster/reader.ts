// The kubectl dump reader: the text of
//   kubectl get nodes,pods,services,endpointslices,configmaps -A -o yaml   (or -o json)
// (a v1 List, or multi-document YAML whose documents are objects or Lists) -> a ClusterModel.
//
// Expected failures are values: a DumpError naming the file, line, object and field. No exception
// escapes, whatever the input. What the dump does not say gets the documented default
// (defaults.ts) and one plain sentence in cluster.assumptions; what is skipped or odd but harmless
// gets a note.

import { cidrContains, formatIPv4, parseCidr, parseIPv4 } from '../net/ipv4.js';
import { DEFAULT_DNS, DEFAULT_NETWORK, DEFAULT_PROXY } from './defaults.js';
import { DumpFailure, Field, fieldName, isRecord, type ObjectContext } from './dump-fields.js';
import { readSource, type Path, type SourceDoc } from './dump-source.js';
import {
  readCorefileDomain,
  readEndpointSlice,
  readFlannelConfig,
  readKubeadmConfig,
  readKubeletConfig,
  readKubeProxyConfig,
  readNode,
  readPod,
  readService,
  type FlannelConfig,
  type KubeadmNetworking,
  type KubeletDns,
  type KubeProxyConfig,
  type RawNode,
} from './kubectl-objects.js';
import { makeNode, makePod } from './make.js';
import { readBlockAffinity, readCalicoNode, readCalicoPod, readIPPool, readNetworkPolicy, type RawBlockAffinity, type RawCalicoNode } from './calico-objects.js';
import type { CalicoNetworkModel, CalicoNodeModel, CalicoPoolModel, NetworkPolicyModel } from './model.js';
import type {
  ClusterModel,
  CniKind,
  DnsConfigModel,
  EndpointSliceModel,
  NetworkConfigModel,
  NodeModel,
  PodModel,
  ProxyConfigModel,
  ServiceModel,
} from './model.js';

export interface DumpError {
  readonly file: string;
  readonly line: number | null;
  /** e.g. "Pod default/web-1", "Node node-2", "ConfigMap kube-system/kube-proxy". */
  readonly object: string | null;
  /** As kubectl spells it: "status.podIP", "spec.ports[0].port". */
  readonly field: string | null;
  readonly message: string;
}

export type ReadResult = { readonly ok: true; readonly cluster: ClusterModel; readonly notes: string[] } | { readonly ok: false; readonly error: DumpError };

/** One line: `cluster.yaml:42: Pod default/web-1: status.podIP: not an IPv4 address "10.0.0"` (null parts left out). */
export function formatDumpError(e: DumpError): string {
  const head = e.line === null ? e.file : `${e.file}:${e.line}`;
  return [head, e.object, e.field, e.message].filter((p): p is string => p !== null && p !== '').join(': ');
}

const THE_COMMAND = 'kubectl get nodes,pods,services,endpointslices,configmaps -A -o yaml';

export function readClusterDump(text: string, fileName: string): ReadResult {
  const fail = (line: number | null, object: string | null, field: string | null, message: string): ReadResult => ({
    ok: false,
    error: { file: fileName, line, object, field, message },
  });
  let docs: readonly SourceDoc[] = [];
  let lineText: (n: number) => string = () => '';
  try {
    if (typeof text !== 'string') return fail(null, null, null, 'not text');
    const source = readSource(text);
    if (!source.ok) return fail(source.line, null, null, source.message);
    docs = source.docs;
    lineText = source.lineText;
    const lastLine = (): number => {
      const body = text.trimEnd();
      let n = 1;
      for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) n++;
      return n;
    };
    const { cluster, notes } = assemble(docs, fileName, lastLine);
    return { ok: true, cluster, notes };
  } catch (e) {
    if (e instanceof DumpFailure) {
      let line: number | null = e.atLine;
      const doc = e.doc === null ? undefined : docs[e.doc];
      if (line === null && doc !== undefined) {
        try {
          line = doc.locate(e.path);
          // An error inside an embedded file (config.conf: |) points at its line when the file is a block literal.
          if (e.innerLine !== null && /:\s*\|[-+0-9]*\s*(#.*)?$/.test(lineText(line))) line += e.innerLine;
        } catch {
          line = null;
        }
      }
      return fail(line, e.object, e.field, e.message);
    }
    return fail(null, null, null, `could not read the dump (internal error: ${e instanceof Error ? e.message : String(e)})`);
  }
}

// ---- Collecting objects ----

interface DumpObject {
  readonly kind: string;
  readonly apiVersion: string | null;
  readonly root: Field;
  readonly namespace: string;
}

const NAMESPACED = new Set(['Pod', 'Service', 'EndpointSlice', 'ConfigMap', 'NetworkPolicy']);
const CORE_VERSIONS: Record<string, readonly string[]> = {
  Node: ['v1'],
  Pod: ['v1'],
  Service: ['v1'],
  ConfigMap: ['v1'],
  EndpointSlice: ['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  // Calico's pools: the CRD behind `kubectl get ippools` and, with Calico's API server, v3.
  IPPool: ['crd.projectcalico.org/v1', 'projectcalico.org/v3'],
  // Which node owns which IPAM block (kubectl get blockaffinities).
  BlockAffinity: ['crd.projectcalico.org/v1', 'projectcalico.org/v3'],
};

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'object') return 'a mapping';
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

interface Collection {
  readonly objects: DumpObject[];
  readonly ignored: Map<string, number>;
  defaultedNamespaces: number;
}

function where(docIndex: number, docCount: number, base: Path): string {
  const inDoc = fieldName(base);
  if (docCount > 1) return inDoc === '' ? `document ${docIndex + 1}` : `document ${docIndex + 1}, ${inDoc}`;
  return inDoc === '' ? 'the document' : inDoc;
}

function collect(docs: readonly SourceDoc[], lastLine: () => number): Collection {
  const out: Collection = { objects: [], ignored: new Map(), defaultedNamespaces: 0 };
  const visit = (value: unknown, d: number, base: Path, inferredKind: string | null, depth: number): void => {
    const here = where(d, docs.length, base);
    // An object that cannot be named yet is named by where it is (no name at all for a lone document).
    const anon: ObjectContext = { doc: d, base, label: here === 'the document' ? '' : here };
    if (!isRecord(value)) {
      throw new DumpFailure(d, base, anon.label || null, null, `expected a Kubernetes object or a List, got ${describeValue(value)}`);
    }
    let rawKind = value['kind'];
    if (rawKind === undefined && 'items' in value && inferredKind === null) {
      throw new DumpFailure(d, base, null, null, 'the List ends without "kind: List" (kubectl prints it after the items): the file looks truncated', null, lastLine());
    }
    if (rawKind === undefined && inferredKind !== null) rawKind = inferredKind;
    if (typeof rawKind !== 'string' || rawKind === '') {
      return new Field(anon, [], value).get('kind').fail(rawKind === undefined ? 'missing: every object needs a kind' : `expected a kind name, got ${describeValue(rawKind)}`);
    }
    const kind = rawKind;
    const apiVersionRaw = value['apiVersion'];
    const apiVersion = typeof apiVersionRaw === 'string' ? apiVersionRaw : null;
    if (kind.endsWith('List') && 'items' in value) {
      if (depth > 2) throw new DumpFailure(d, base, null, null, 'Lists nested too deeply');
      const items = new Field(anon, [], value).get('items').list();
      const itemKind = kind === 'List' ? null : kind.slice(0, -'List'.length);
      items.forEach((item, i) => visit(item.value, d, [...base, 'items', i], itemKind, depth + 1));
      return;
    }
    const meta = value['metadata'];
    const name = isRecord(meta) && typeof meta['name'] === 'string' && meta['name'] !== '' ? meta['name'] : null;
    const nsRaw = isRecord(meta) ? meta['namespace'] : undefined;
    const namespaced = NAMESPACED.has(kind);
    let namespace = '';
    if (namespaced) {
      if (typeof nsRaw === 'string' && nsRaw !== '') namespace = nsRaw;
      else {
        if (nsRaw !== undefined && nsRaw !== null && typeof nsRaw !== 'string') {
          new Field(anon, [], value).get('metadata').get('namespace').fail(`expected a string, got ${describeValue(nsRaw)}`);
        }
        namespace = 'default';
        out.defaultedNamespaces++;
      }
    }
    const known = CORE_VERSIONS[kind];
    if (known === undefined || (apiVersion !== null && !known.includes(apiVersion)) || (apiVersion === null && inferredKind === null)) {
      const key = apiVersion !== null && known !== undefined ? `${apiVersion} ${kind}` : kind;
      out.ignored.set(key, (out.ignored.get(key) ?? 0) + 1);
      if (known !== undefined && apiVersion === null) {
        // A core kind without an apiVersion outside a typed List: not kubectl output; say so rather than guess.
        new Field(anon, [], value).get('apiVersion').fail(`missing (expected ${known[0]})`);
      }
      return;
    }
    const label = name === null ? (here === 'the document' ? kind : `${kind} (${here})`) : namespaced ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
    out.objects.push({ kind, apiVersion, root: new Field({ doc: d, base, label }, [], value), namespace });
  };
  docs.forEach((doc, d) => {
    if (doc.value === null || doc.value === undefined) return;
    visit(doc.value, d, [], null, 0);
  });
  return out;
}

// ---- Notes ----

class Notes {
  private readonly groups = new Map<string, string[]>();
  add(group: string, text: string): void {
    const g = this.groups.get(group);
    if (g === undefined) this.groups.set(group, [text]);
    else g.push(text);
  }
  list(): string[] {
    const out: string[] = [];
    for (const items of this.groups.values()) {
      out.push(...items.slice(0, 5));
      if (items.length > 5) out.push(`... and ${items.length - 5} more like the one above.`);
    }
    return out;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---- CIDR helpers ----

function cidrRange(cidr: string): { first: number; last: number } {
  const c = parseCidr(cidr);
  if (c === null) return { first: NaN, last: NaN };
  return { first: c.base, last: c.base + 2 ** (32 - c.prefix) - 1 };
}

function cidrInside(inner: string, outer: string): boolean {
  const i = cidrRange(inner);
  const o = cidrRange(outer);
  return i.first >= o.first && i.last <= o.last;
}

/** The smallest CIDR of prefix 16 or shorter, on `anchor`'s network, that holds every range. */
function coveringCidr(anchor: number, ranges: readonly { first: number; last: number }[]): string {
  for (let p = 16; p >= 0; p--) {
    const size = 2 ** (32 - p);
    const base = anchor - (anchor % size);
    if (ranges.every((r) => r.first >= base && r.last < base + size)) return `${formatIPv4(base)}/${p}`;
  }
  return '0.0.0.0/0';
}

// ---- Assembly ----

interface Settings {
  kubeProxy: { cm: Field; config: KubeProxyConfig | null } | null;
  flannel: FlannelConfig | null;
  corefile: { found: boolean; domain: string | null };
  kubeadm: KubeadmNetworking | null;
  kubelet: KubeletDns | null;
}

function readSettings(configMaps: readonly DumpObject[]): Settings {
  const s: Settings = { kubeProxy: null, flannel: null, corefile: { found: false, domain: null }, kubeadm: null, kubelet: null };
  for (const cm of configMaps) {
    const name = cm.root.get('metadata').get('name').value;
    const ns = cm.namespace;
    if (ns === 'kube-system' && name === 'kube-proxy') s.kubeProxy = { cm: cm.root, config: readKubeProxyConfig(cm.root) };
    else if ((ns === 'kube-flannel' || ns === 'kube-system') && name === 'kube-flannel-cfg') s.flannel = readFlannelConfig(cm.root) ?? s.flannel;
    else if (ns === 'kube-system' && name === 'coredns') s.corefile = { found: true, domain: readCorefileDomain(cm.root) };
    else if (ns === 'kube-system' && name === 'kubeadm-config') s.kubeadm = readKubeadmConfig(cm.root);
    else if (ns === 'kube-system' && typeof name === 'string' && /^kubelet-config(-\d+\.\d+)?$/.test(name)) s.kubelet = readKubeletConfig(cm.root) ?? s.kubelet;
  }
  return s;
}

function checkDuplicates(objects: readonly DumpObject[], kind: string): void {
  const seen = new Map<string, DumpObject>();
  for (const o of objects) {
    const name = o.root.get('metadata').get('name').value;
    if (typeof name !== 'string') continue;
    const key = `${o.namespace}/${name}`;
    const prev = seen.get(key);
    if (prev !== undefined) o.root.get('metadata').get('name').fail(`the dump has this ${kind} twice (also ${where(prev.root.ctx.doc, 2, prev.root.ctx.base)})`);
    seen.set(key, o);
  }
}

function assemble(docs: readonly SourceDoc[], source: string, lastLine: () => number): { cluster: ClusterModel; notes: string[] } {
  const collection = collect(docs, lastLine);
  const byKind = (k: string): DumpObject[] => collection.objects.filter((o) => o.kind === k);
  const nodeObjs = byKind('Node');
  const podObjs = byKind('Pod');
  const serviceObjs = byKind('Service');
  const sliceObjs = byKind('EndpointSlice');
  const cmObjs = byKind('ConfigMap');
  const poolObjs = byKind('IPPool');
  const policyObjs = byKind('NetworkPolicy');
  const affinityObjs = byKind('BlockAffinity');
  const notes = new Notes();
  const assumptions: string[] = [];

  if (collection.objects.length === 0 && collection.ignored.size === 0) {
    throw new DumpFailure(null, [], null, null, `no Kubernetes objects found: expected the output of ${THE_COMMAND}`);
  }
  if (nodeObjs.length === 0) {
    throw new DumpFailure(null, [], null, null, `the dump has no Node objects: make it with ${THE_COMMAND}`);
  }

  for (const [kind, count] of [...collection.ignored.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const why = kind === 'Endpoints' ? ' (kube-proxy reads EndpointSlices)' : '';
    notes.add('ignored', `ignored ${count} ${kind} object${count === 1 ? '' : 's'}${why}`);
  }
  if (collection.defaultedNamespaces > 0) {
    notes.add('namespace', `${plural(collection.defaultedNamespaces, 'object')} had no metadata.namespace and ${collection.defaultedNamespaces === 1 ? 'was' : 'were'} read as namespace "default".`);
  }

  const settings = readSettings(cmObjs);

  // Calico: its IP pools, its node agent's annotations, its CNI plugin's pod annotations.
  checkDuplicates(poolObjs, 'IPPool');
  const pools = poolObjs.map((o) => readIPPool(o.root)).filter((p): p is CalicoPoolModel => p !== null);
  const calicoNodes: RawCalicoNode[] = nodeObjs.map((o) => readCalicoNode(o.root));
  const calicoPodsSeen = podObjs.some((o) => readCalicoPod(o.root).present);
  checkDuplicates(affinityObjs, 'BlockAffinity');
  const affinities = affinityObjs.map((o) => readBlockAffinity(o.root)).filter((a): a is RawBlockAffinity => a !== null);
  const calico = pools.length > 0 || affinities.length > 0 || calicoNodes.some((n) => n.present) || calicoPodsSeen;

  // Nodes.
  checkDuplicates(nodeObjs, 'Node');
  const rawNodes: RawNode[] = nodeObjs.map((o) => readNode(o.root, calico));
  const nodeIPs = new Map<string, string>();
  const nodes: NodeModel[] = rawNodes.map((n) => {
    const ip = n.publicIP ?? n.internalIP;
    if (ip === null) return n.addressesField.fail('no InternalIP address (and no flannel.alpha.coreos.com/public-ip annotation)');
    if (n.publicIP !== null && n.internalIP === null) notes.add('public-ip', `Node ${n.name} has no InternalIP address; the tour uses Flannel's public-ip ${n.publicIP}.`);
    else if (n.publicIP !== null && n.publicIP !== n.internalIP) {
      notes.add('public-ip', `Node ${n.name}: Flannel's public-ip ${n.publicIP} differs from its InternalIP ${n.internalIP}; the tour uses the public-ip, as Flannel does.`);
    }
    const other = nodeIPs.get(ip);
    if (other !== undefined) n.addressesField.fail(`${ip} is also the address of node ${other}`);
    nodeIPs.set(ip, n.name);
    // A Calico node without spec.podCIDR: its first block stands in (set once the pods are read).
    return makeNode({ name: n.name, internalIP: ip, podCIDR: n.podCIDR ?? '0.0.0.0/32', vtepMac: n.vtepMac });
  });
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  {
    const sorted = rawNodes.filter((n) => n.podCIDR !== null).map((n) => ({ n, r: cidrRange(n.podCIDR!) })).sort((a, b) => a.r.first - b.r.first);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (prev !== undefined && cur !== undefined && cur.r.first <= prev.r.last) {
        cur.n.podCIDRField.fail(`${cur.n.podCIDR} overlaps node ${prev.n.name}'s podCIDR ${prev.n.podCIDR}`);
      }
    }
  }

  // Pods.
  checkDuplicates(podObjs, 'Pod');
  const pods: PodModel[] = [];
  const podByIP = new Map<string, string>();
  const podKeys = new Set<string>();
  for (const o of podObjs) {
    const raw = readPod(o.root, o.namespace);
    if (raw.kind === 'finished') {
      notes.add('finished', `skipped Pod ${raw.key}: it has finished (${raw.phase}), and its IP may belong to another pod now.`);
      continue;
    }
    if (raw.kind === 'unscheduled') {
      notes.add('unscheduled', `skipped Pod ${raw.key}: it is not scheduled to a node yet.`);
      continue;
    }
    const key = `${raw.namespace}/${raw.name}`;
    const node = nodeByName.get(raw.nodeName);
    if (node === undefined) return raw.nodeNameField.fail(`node ${JSON.stringify(raw.nodeName)} is not in the dump (make it with ${THE_COMMAND})`);
    let ip = raw.podIP;
    if (ip === null) notes.add('pending', `Pod ${key} has no IP yet (Pending), so it can't be a client or an endpoint.`);
    else if (raw.hostNetwork) ip = node.internalIP;
    else {
      const other = podByIP.get(ip);
      if (other !== undefined) raw.podIPField.fail(`${ip} is also the IP of Pod ${other}`);
      podByIP.set(ip, key);
      if (calico) {
        const annotated = readCalicoPod(o.root);
        if (annotated.podIP !== null && annotated.podIP !== ip) notes.add('calico-pod', `Pod ${key}: its cni.projectcalico.org/podIP ${annotated.podIP} differs from status.podIP ${ip}; the tour uses status.podIP.`);
      } else if (!cidrContains(node.podCIDR, ip)) notes.add('outside', `Pod ${key}: its IP ${ip} is outside node ${node.name}'s podCIDR ${node.podCIDR}.`);
    }
    podKeys.add(key);
    pods.push(
      makePod({
        namespace: raw.namespace,
        name: raw.name,
        ip,
        nodeName: raw.nodeName,
        labels: raw.labels,
        hostNetwork: raw.hostNetwork,
        containerPorts: raw.containerPorts,
      }),
    );
  }

  // Services.
  const podsByNamespace = new Map<string, PodModel[]>();
  for (const p of pods) {
    const list = podsByNamespace.get(p.namespace);
    if (list === undefined) podsByNamespace.set(p.namespace, [p]);
    else list.push(p);
  }
  checkDuplicates(serviceObjs, 'Service');
  const services: ServiceModel[] = [];
  const serviceByIP = new Map<string, string>();
  let kubeDnsIP: string | null = null;
  let apiServerIP: string | null = null;
  for (const o of serviceObjs) {
    const raw = readService(o.root, o.namespace);
    if (raw.kind === 'external') {
      const target = raw.externalName === null ? '' : ` for ${raw.externalName}`;
      notes.add('external', `skipped Service ${raw.key}: type ExternalName is only a DNS alias${target}, with no ClusterIP to follow.`);
      continue;
    }
    const s = raw.model;
    const key = `${s.namespace}/${s.name}`;
    if (s.clusterIP !== 'None') {
      const other = serviceByIP.get(s.clusterIP);
      if (other !== undefined) raw.clusterIPField.fail(`${s.clusterIP} is also the ClusterIP of Service ${other}`);
      serviceByIP.set(s.clusterIP, key);
      if (key === 'kube-system/kube-dns') kubeDnsIP = s.clusterIP;
      if (key === 'default/kubernetes') apiServerIP = s.clusterIP;
    }
    if (s.selector !== null) {
      const sel = Object.entries(s.selector);
      const matches = (podsByNamespace.get(s.namespace) ?? []).some((p) => sel.every(([k, v]) => p.labels[k] === v));
      if (!matches) notes.add('selector', `Service ${key}: selector ${raw.selectorText ?? ''} matches no pod.`);
    }
    services.push(s);
  }

  // EndpointSlices.
  checkDuplicates(sliceObjs, 'EndpointSlice');
  const endpointSlices: EndpointSliceModel[] = [];
  for (const o of sliceObjs) {
    const raw = readEndpointSlice(o.root, o.namespace);
    if (raw.kind === 'other-family') {
      notes.add('family', `ignored EndpointSlice ${raw.key}: addressType ${raw.addressType} (the tour follows IPv4 only).`);
      continue;
    }
    if (raw.kind === 'unowned') {
      notes.add('unowned', `ignored EndpointSlice ${raw.key}: it has no kubernetes.io/service-name label, so kube-proxy does not use it.`);
      continue;
    }
    const key = `${raw.namespace}/${raw.name}`;
    const endpoints = raw.endpoints.map(({ model, nodeNameField }) => {
      if (model.nodeName !== null && !nodeByName.has(model.nodeName)) {
        nodeNameField.fail(`node ${JSON.stringify(model.nodeName)} is not in the dump`);
      }
      if (model.pod !== null && !podKeys.has(model.pod)) {
        notes.add('target', `EndpointSlice ${key}: endpoint ${model.ip} belongs to Pod ${model.pod}, which is not in the dump.`);
        return { ...model, pod: null };
      }
      return model;
    });
    endpointSlices.push({ namespace: raw.namespace, name: raw.name, serviceName: raw.serviceName, addressType: 'IPv4', ports: raw.ports, endpoints });
  }

  // NetworkPolicies.
  checkDuplicates(policyObjs, 'NetworkPolicy');
  const networkPolicies: NetworkPolicyModel[] = policyObjs.map((o) => readNetworkPolicy(o.root, o.namespace));
  for (const p of networkPolicies) {
    if (p.policyTypes.includes('Egress')) notes.add('policy', `NetworkPolicy ${p.namespace}/${p.name}: its egress rules are not simulated; only ingress is enforced in the trace.`);
  }

  const network = calico
    ? resolveCalicoNetwork(settings, rawNodes, calicoNodes, nodes, pods, pools, affinities, services, apiServerIP, assumptions, notes, source)
    : resolveNetwork(settings, rawNodes, services, apiServerIP, assumptions, notes);
  if (!calico && networkPolicies.length > 0) {
    assumptions.push(`Flannel enforces no NetworkPolicy: the dump's ${plural(networkPolicies.length, 'NetworkPolicy')} change nothing in the trace (a policy engine such as Calico would enforce them).`);
  }
  const finalNodes = calico ? nodes.map((n) => (n.podCIDR === '0.0.0.0/32' ? { ...n, podCIDR: network.model.calico!.nodes[n.name]!.blocks[0]! } : n)) : nodes;
  const proxy = resolveProxy(settings, network.model.podNetwork, network.podNetworkOrigin, assumptions);
  const dns = resolveDns(settings, kubeDnsIP, assumptions, notes);
  assumptions.push(
    calico
      ? "Not in a kubectl dump, so assumed: a 1500-byte underlay MTU, Calico's iptables data plane (not eBPF or nftables) with Felix's default marks, MASQUERADE with --random-fully, and no search domains added from the nodes' resolv.conf."
      : "Not in a kubectl dump, so assumed: a 1500-byte underlay MTU, br_netfilter on (bridge-nf-call-iptables=1), flanneld --ip-masq, MASQUERADE with --random-fully, and no search domains added from the nodes' resolv.conf.",
  );

  const cluster: ClusterModel = {
    nodes: finalNodes, pods, services, endpointSlices, proxy, network: network.model, dns, assumptions, source,
    ...(networkPolicies.length > 0 ? { networkPolicies } : {}),
  };
  return { cluster, notes: notes.list() };
}

function resolveNetwork(
  settings: Settings,
  nodes: readonly RawNode[],
  services: readonly ServiceModel[],
  apiServerIP: string | null,
  assumptions: string[],
  notes: Notes,
): { model: NetworkConfigModel; podNetworkOrigin: string } {
  const flannel = settings.flannel;
  let podNetwork: string;
  let origin: string;
  if (flannel !== null) {
    podNetwork = flannel.network;
    origin = "Flannel's net-conf.json";
  } else if (settings.kubeProxy?.config?.clusterCIDR) {
    podNetwork = settings.kubeProxy.config.clusterCIDR;
    origin = "kube-proxy's clusterCIDR";
    assumptions.push(`No Flannel ConfigMap: assumed the pod network is kube-proxy's clusterCIDR ${podNetwork}.`);
  } else if (settings.kubeadm?.podSubnet) {
    podNetwork = settings.kubeadm.podSubnet;
    origin = "kubeadm's podSubnet";
    assumptions.push(`No Flannel ConfigMap: assumed the pod network is kubeadm's podSubnet ${podNetwork}.`);
  } else if (nodes.every((n) => cidrInside(n.podCIDR!, DEFAULT_NETWORK.podNetwork))) {
    podNetwork = DEFAULT_NETWORK.podNetwork;
    origin = 'the assumed pod network';
    assumptions.push(`No Flannel ConfigMap: assumed Flannel's default pod network ${podNetwork}, which holds every node's podCIDR.`);
  } else {
    const first = nodes[0] as RawNode;
    podNetwork = coveringCidr(cidrRange(first.podCIDR!).first, nodes.map((n) => cidrRange(n.podCIDR!)));
    origin = 'the assumed pod network';
    assumptions.push(
      `No Flannel ConfigMap: assumed the pod network ${podNetwork}, the smallest /16 or wider range holding every node's podCIDR (Flannel's default ${DEFAULT_NETWORK.podNetwork} does not).`,
    );
  }
  for (const n of nodes) {
    if (!cidrInside(n.podCIDR!, podNetwork)) n.podCIDRField.fail(`${n.podCIDR} is outside the pod network ${podNetwork} (${origin})`);
  }

  let cni: CniKind = 'flannel-vxlan';
  let vxlan = DEFAULT_NETWORK.vxlan;
  const unsupported = (type: string): void => {
    assumptions.push(`Flannel's ${JSON.stringify(type)} backend is not simulated: shown as VXLAN (VNI ${vxlan.vni}, UDP port ${vxlan.port}).`);
  };
  if (flannel !== null) {
    const type = flannel.backendType.toLowerCase();
    vxlan = { vni: flannel.vni, port: flannel.port };
    if (type === 'host-gw') cni = 'flannel-host-gw';
    else if (type !== 'vxlan') unsupported(flannel.backendType);
    if (type === 'vxlan' && flannel.directRouting) {
      assumptions.push("Flannel's VXLAN DirectRouting is on: real nodes on the same subnet route pod traffic directly without VXLAN; the tour always encapsulates.");
    }
    for (const n of nodes) {
      if (n.backendType !== null && n.backendType.toLowerCase() !== type) {
        notes.add('backend', `Node ${n.name}: its Flannel backend-type annotation ${JSON.stringify(n.backendType)} differs from net-conf.json's ${JSON.stringify(flannel.backendType)}.`);
      }
    }
  } else {
    const types = [...new Set(nodes.map((n) => n.backendType?.toLowerCase()).filter((t): t is string => t !== undefined && t !== ''))];
    const type = types[0];
    if (types.length > 1) notes.add('backend', `The nodes' Flannel backend-type annotations disagree (${types.join(', ')}); the tour uses ${type}.`);
    if (type === undefined) {
      assumptions.push(`No Flannel ConfigMap or node annotations: assumed Flannel VXLAN (VNI ${vxlan.vni}, UDP port ${vxlan.port}).`);
    } else if (type === 'host-gw') {
      cni = 'flannel-host-gw';
    } else {
      const vni = nodes.find((n) => n.vni !== null)?.vni ?? DEFAULT_NETWORK.vxlan.vni;
      vxlan = { vni, port: DEFAULT_NETWORK.vxlan.port };
      if (type === 'vxlan') {
        assumptions.push(`No Flannel ConfigMap: the nodes' annotations say VXLAN with VNI ${vni}; assumed UDP port ${vxlan.port} (Linux's default).`);
      } else unsupported(type);
    }
  }

  const serviceCIDR = resolveServiceCidr(settings, services, apiServerIP, assumptions, notes);
  return { model: { ...DEFAULT_NETWORK, cni, podNetwork, serviceCIDR, vxlan }, podNetworkOrigin: origin };
}

function resolveServiceCidr(settings: Settings, services: readonly ServiceModel[], apiServerIP: string | null, assumptions: string[], notes: Notes): string {
  const clusterIPs = services.filter((s) => s.clusterIP !== 'None').map((s) => s.clusterIP);
  let serviceCIDR: string;
  const kubeadmSubnet = settings.kubeadm?.serviceSubnet ?? null;
  if (kubeadmSubnet !== null) {
    serviceCIDR = kubeadmSubnet;
    for (const s of services) {
      if (s.clusterIP !== 'None' && !cidrContains(serviceCIDR, s.clusterIP)) {
        notes.add('service-cidr', `Service ${s.namespace}/${s.name}: its ClusterIP ${s.clusterIP} is outside kubeadm's serviceSubnet ${serviceCIDR}.`);
      }
    }
  } else if (clusterIPs.every((ip) => cidrContains(DEFAULT_NETWORK.serviceCIDR, ip))) {
    serviceCIDR = DEFAULT_NETWORK.serviceCIDR;
    assumptions.push(`The dump does not show the service CIDR: assumed kubeadm's default ${serviceCIDR}, which holds every ClusterIP.`);
  } else {
    const anchorIP = apiServerIP ?? (clusterIPs[0] as string);
    const anchor = (parseIPv4(anchorIP) as number) - (apiServerIP !== null ? 1 : 0);
    serviceCIDR = coveringCidr(anchor, clusterIPs.map((ip) => ({ first: parseIPv4(ip) as number, last: parseIPv4(ip) as number })));
    assumptions.push(
      `The dump does not show the service CIDR: assumed ${serviceCIDR}, the smallest /16 or wider range holding every ClusterIP (kubeadm's default ${DEFAULT_NETWORK.serviceCIDR} does not).`,
    );
  }
  return serviceCIDR;
}

/** The /blockSize block an address falls in. */
function blockOf(ip: string, blockSize: number): string {
  const base = parseIPv4(ip) as number;
  const size = 2 ** (32 - blockSize);
  return `${formatIPv4(base - (base % size))}/${blockSize}`;
}

function resolveCalicoNetwork(
  settings: Settings,
  rawNodes: readonly RawNode[],
  calicoNodes: readonly RawCalicoNode[],
  nodes: readonly NodeModel[],
  pods: readonly PodModel[],
  pools: readonly CalicoPoolModel[],
  affinities: readonly RawBlockAffinity[],
  services: readonly ServiceModel[],
  apiServerIP: string | null,
  assumptions: string[],
  notes: Notes,
  source: string,
): { model: NetworkConfigModel; podNetworkOrigin: string } {
  if (settings.flannel !== null) notes.add('calico', `The dump has both a Flannel ConfigMap and Calico objects (Canal?); the tour follows Calico's data plane.`);
  let pool: CalicoPoolModel;
  const podIPs = pods.filter((p) => !p.hostNetwork && p.ip !== null).map((p) => p.ip!);
  if (pools.length > 0) {
    pool = pools.find((p) => podIPs.some((ip) => cidrContains(p.cidr, ip))) ?? pools[0]!;
    if (pools.length > 1) notes.add('calico', `The dump has ${pools.length} IPv4 IP pools; the tour uses ${pool.name} (${pool.cidr}) for the pod network and mode, and every pool for natOutgoing.`);
  } else {
    const cidr = settings.kubeProxy?.config?.clusterCIDR ?? settings.kubeadm?.podSubnet ?? (podIPs.every((ip) => cidrContains('192.168.0.0/16', ip)) ? '192.168.0.0/16' : null);
    const tunnel = calicoNodes.some((n) => n.vxlanTunnelAddr !== null) ? 'vxlan' : calicoNodes.some((n) => n.ipipTunnelAddr !== null) ? 'ipip' : 'none';
    const chosen = cidr ?? (podIPs.length > 0 ? coveringCidr(parseIPv4(podIPs[0]!) as number, podIPs.map((ip) => ({ first: parseIPv4(ip) as number, last: parseIPv4(ip) as number }))) : '192.168.0.0/16');
    pool = {
      name: 'default-ipv4-ippool', cidr: chosen, blockSize: 26, natOutgoing: true,
      ipipMode: tunnel === 'ipip' ? 'Always' : 'Never', vxlanMode: tunnel === 'vxlan' ? 'Always' : 'Never',
    };
    assumptions.push(
      `No IPPool objects (add ippools.crd.projectcalico.org to the kubectl get): assumed one pool ${pool.cidr} (${cidr === null ? 'the range holding every pod address' : cidr === '192.168.0.0/16' ? "Calico's default" : "the cluster CIDR"}), blockSize 26, natOutgoing true, ${tunnel === 'none' ? 'no encapsulation (no node has a tunnel address)' : `${tunnel === 'vxlan' ? 'VXLAN' : 'IPIP'} Always (the nodes' tunnel-address annotations)`}.`,
    );
  }
  const crossSubnet = pool.ipipMode === 'CrossSubnet' || pool.vxlanMode === 'CrossSubnet';
  const subnets = new Set(nodes.map((n) => `${n.internalIP.split('.').slice(0, 3).join('.')}`));
  let cni: CniKind = pool.vxlanMode !== 'Never' ? 'calico-vxlan' : pool.ipipMode !== 'Never' ? 'calico-ipip' : 'calico-bgp';
  if (crossSubnet) {
    if (subnets.size === 1) {
      assumptions.push(`IP pool ${pool.name} encapsulates CrossSubnet only, and every node is on one subnet: Calico routes pod traffic between them without a tunnel, as calico-bgp.`);
      cni = 'calico-bgp';
    } else {
      assumptions.push(`IP pool ${pool.name} encapsulates CrossSubnet: the tour encapsulates between every pair of nodes, also those on the same subnet (which Calico would route directly).`);
    }
  }
  // Blocks: the nodes' BlockAffinity objects are not in the dump; each node owns the blocks its pods and tunnel address fall in.
  const calicoNodesModel: Record<string, CalicoNodeModel> = {};
  nodes.forEach((node, i) => {
    const raw = calicoNodes[i]!;
    const ips = pods.filter((p) => p.nodeName === node.name && !p.hostNetwork && p.ip !== null).map((p) => p.ip!);
    const tunnelOwn = cni === 'calico-ipip' ? raw.ipipTunnelAddr : cni === 'calico-vxlan' ? raw.vxlanTunnelAddr : null;
    const affine = affinities.filter((a) => a.node === node.name && a.state === 'confirmed').map((a) => a.cidr);
    const derived = [...new Set([...(tunnelOwn ? [tunnelOwn] : []), ...ips].map((ip) => blockOf(ip, pool.blockSize)))];
    const blocks = [...new Set(affinities.length > 0 ? affine : derived)].sort();
    if (affinities.length > 0) {
      for (const ip of [...(tunnelOwn ? [tunnelOwn] : []), ...ips]) {
        if (!blocks.some((b) => cidrContains(b, ip))) notes.add('calico-affinity', `Node ${node.name}: ${ip} is in none of its BlockAffinity blocks (${blocks.join(', ') || 'none'}); Calico borrows from another node's block only when its own are full.`);
      }
    }
    if (blocks.length === 0) {
      const podCIDR = rawNodes[i]!.podCIDR;
      blocks.push(podCIDR !== null ? blockOf(podCIDR.split('/')[0]!, pool.blockSize) : blockOf(node.internalIP, pool.blockSize));
      notes.add('calico-block', `Node ${node.name} has no pods and no tunnel address in the dump; the tour gives it the block ${blocks[0]}.`);
    }
    let tunnel = tunnelOwn;
    if (cni !== 'calico-bgp' && tunnel === null) {
      tunnel = blocks[0]!.split('/')[0]!;
      notes.add('calico-tunnel', `Node ${node.name} has no projectcalico.org/IPv4${cni === 'calico-vxlan' ? 'VXLAN' : 'IPIP'}TunnelAddr annotation; the tour uses its first block's first address, ${tunnel}.`);
    }
    if (raw.address !== null && raw.address !== node.internalIP) notes.add('calico-address', `Node ${node.name}: projectcalico.org/IPv4Address ${raw.address} differs from its InternalIP ${node.internalIP}; the tour uses the InternalIP.`);
    calicoNodesModel[node.name] = {
      address: raw.address ?? node.internalIP,
      ipipTunnelAddr: cni === 'calico-ipip' ? tunnel : raw.ipipTunnelAddr,
      vxlanTunnelAddr: cni === 'calico-vxlan' ? tunnel : raw.vxlanTunnelAddr,
      blocks,
    };
  });
  if (affinities.length === 0) {
    assumptions.push(`No BlockAffinity objects (kubectl get blockaffinities): each node owns the /${pool.blockSize} blocks its pods' addresses fall in.`);
  }
  const known = new Set(nodes.map((n) => n.name));
  for (const a of affinities) {
    if (!known.has(a.node)) notes.add('calico-affinity', `BlockAffinity for ${a.cidr} names node ${a.node}, which is not in the dump.`);
  }
  for (const ip of podIPs) {
    if (!pools.some((p) => cidrContains(p.cidr, ip)) && !cidrContains(pool.cidr, ip)) notes.add('calico-pool', `Pod address ${ip} is in no IP pool of ${source}.`);
  }
  const calicoModel: CalicoNetworkModel = { pools: pools.length > 0 ? pools : [pool], nodes: calicoNodesModel };
  const serviceCIDR = resolveServiceCidr(settings, services, apiServerIP, assumptions, notes);
  return {
    model: { ...DEFAULT_NETWORK, cni, podNetwork: pool.cidr, serviceCIDR, calico: calicoModel },
    podNetworkOrigin: pools.length > 0 ? `Calico's IP pool ${pool.name}` : 'the assumed pod network',
  };
}

function resolveProxy(settings: Settings, podNetwork: string, podNetworkOrigin: string, assumptions: string[]): ProxyConfigModel {
  const kp = settings.kubeProxy;
  const config = kp?.config ?? null;
  if (config === null) {
    const what = kp === null ? 'No kube-proxy ConfigMap' : 'The kube-proxy ConfigMap has no config.conf';
    const from = podNetworkOrigin === "Flannel's net-conf.json" ? 'the Flannel network' : 'the pod network';
    assumptions.push(`${what}: assumed iptables mode, clusterCIDR ${podNetwork} (${from}).`);
    return { ...DEFAULT_PROXY, clusterCIDR: podNetwork };
  }
  let mode: ProxyConfigModel['mode'] = 'iptables';
  if (config.mode === 'ipvs') mode = 'ipvs';
  else if (config.mode === 'nftables') assumptions.push('kube-proxy runs in nftables mode, which the tour does not simulate: shown as iptables mode, which makes the same NAT decisions.');
  else if (config.mode === 'kernelspace') assumptions.push('kube-proxy runs in kernelspace mode (Windows), which the tour does not simulate: shown as iptables mode.');
  // An explicit config without clusterCIDR means kube-proxy has no local-traffic detector: keep null (no off-cluster masquerade rule).
  let clusterCIDR = config.clusterCIDR;
  if (config.detectLocalMode !== null && config.detectLocalMode !== 'ClusterCIDR') {
    clusterCIDR ??= podNetwork;
    assumptions.push(`kube-proxy detects local traffic by ${config.detectLocalMode}, which the tour does not model: it uses the cluster CIDR ${clusterCIDR} instead.`);
  }
  return { ...DEFAULT_PROXY, mode, clusterCIDR, masqueradeAll: config.masqueradeAll, masqueradeBit: config.masqueradeBit };
}

function resolveDns(settings: Settings, kubeDnsIP: string | null, assumptions: string[], notes: Notes): DnsConfigModel {
  // The pods' search list uses the kubelet's clusterDomain; CoreDNS serves its Corefile zone. They agree on a sound cluster.
  const kubelet = settings.kubelet;
  let clusterDomain = kubelet?.clusterDomain ?? settings.corefile.domain;
  if (kubelet?.clusterDomain && settings.corefile.domain && kubelet.clusterDomain !== settings.corefile.domain) {
    notes.add('dns', `The kubelet's clusterDomain ${kubelet.clusterDomain} differs from the CoreDNS zone ${settings.corefile.domain}; the tour uses the kubelet's.`);
  }
  if (clusterDomain === null) {
    clusterDomain = DEFAULT_DNS.clusterDomain;
    assumptions.push(
      settings.corefile.found
        ? `The CoreDNS Corefile has no kubernetes plugin: assumed the cluster domain ${clusterDomain}.`
        : `No CoreDNS ConfigMap: assumed the cluster domain ${clusterDomain}.`,
    );
  }
  // The model's nameserver is the kube-dns Service (the tour follows DNS through kube-proxy to CoreDNS).
  // A kubelet clusterDNS that differs is usually NodeLocal DNSCache (169.254.20.10).
  let nameserver = kubeDnsIP ?? kubelet?.clusterDNS ?? null;
  if (kubeDnsIP !== null && kubelet?.clusterDNS && kubelet.clusterDNS !== kubeDnsIP) {
    notes.add('dns', `The kubelet's clusterDNS is ${kubelet.clusterDNS}, not the kube-dns ClusterIP ${kubeDnsIP} (NodeLocal DNSCache?); the tour sends DNS to the kube-dns Service.`);
  }
  if (nameserver === null) {
    nameserver = DEFAULT_DNS.nameserver;
    assumptions.push(`No kube-system/kube-dns Service: assumed the cluster DNS address ${nameserver} (kubeadm's default).`);
  }
  return { ...DEFAULT_DNS, clusterDomain, nameserver };
}
