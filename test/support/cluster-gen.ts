// A seeded generator of random, valid-by-construction clusters for property tests. Pure: the same
// seed always gives the same cluster.
//
// - 2-5 nodes with distinct /24 podCIDRs inside a random /16 pod network (10.X.0.0/16, X outside
//   96-111 so it never overlaps kubeadm's service CIDR 10.96.0.0/12); node IPs distinct in a random
//   192.168.Y.0/24, never .1 (nodeGateway) and never .0/.255.
// - 2-30 pods on random nodes, pod IPs .2-.254 of their node's podCIDR (.0 is flannel.1, .1 is cni0).
// - 1-6 ClusterIP Services in 10.96.0.0/12 (never 10.96.0.1 / 10.96.0.10), each with 1-3 ports:
//   a single port may be unnamed (Kubernetes allows that only for one port), TCP or UDP, distinct
//   (port, protocol); numeric targetPorts. Endpoints: 0-4 pods of the Service's namespace, selected
//   by a per-Service label, each declaring the targetPorts as containerPorts (so nothing RSTs).
// - proxy and network: DEFAULT_PROXY / DEFAULT_NETWORK with the pod network and clusterCIDR set to
//   the generated /16; DEFAULT_DNS.

import { DEFAULT_DNS, DEFAULT_NETWORK, DEFAULT_PROXY } from '../../src/core/cluster/defaults.js';
import { makeNode, makePod } from '../../src/core/cluster/make.js';
import type { ClusterModel, EndpointSliceModel, NodeModel, PodModel, Protocol, ServiceModel, ServicePortModel } from '../../src/core/cluster/model.js';
import { seededRng, type Rng } from '../../src/core/random.js';

export const NAMESPACES = ['default', 'shop', 'data'] as const;
const PORT_NAMES = ['http', 'grpc', 'metrics', 'admin', 'dns', 'sql'];
const SERVICE_PORTS = [80, 443, 53, 8080, 9090, 5432, 6379];
const TARGET_PORTS = [8080, 8443, 5353, 9000, 5432, 6379, 3000];

export interface GeneratedService {
  readonly service: ServiceModel;
  /** The pods behind it (possibly none), in the order they were picked. */
  readonly endpointPods: readonly PodModel[];
}

export interface GeneratedCluster {
  readonly seed: number;
  readonly cluster: ClusterModel;
  readonly services: readonly GeneratedService[];
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

/** k distinct values from [lo, hi], in random order. */
function distinctInts(rng: Rng, k: number, lo: number, hi: number, exclude: ReadonlySet<number> = new Set()): number[] {
  const out: number[] = [];
  const seen = new Set(exclude);
  while (out.length < k) {
    const v = lo + rng.int(hi - lo + 1);
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

function shuffle<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

interface PodPlan {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly nodeName: string;
  readonly labels: Record<string, string>;
  readonly containerPorts: { name: string | null; port: number; protocol: Protocol }[];
}

export function generateCluster(seed: number): GeneratedCluster {
  const rng = seededRng(seed);

  // Networks.
  const second = pick(rng, [...Array(256).keys()].filter((b) => b < 96 || b > 111));
  const podNetwork = `10.${second}.0.0/16`;
  const nodeNet = 1 + rng.int(254);

  // Nodes.
  const nodeCount = 2 + rng.int(4);
  const leases = distinctInts(rng, nodeCount, 0, 255);
  const hosts = distinctInts(rng, nodeCount, 2, 254);
  const nodes: NodeModel[] = leases.map((c, i) =>
    makeNode({ name: `node-${i + 1}`, internalIP: `192.168.${nodeNet}.${hosts[i]}`, podCIDR: `10.${second}.${c}.0/24` }),
  );

  // Pods (planned first: their labels and container ports depend on the Services).
  const podCount = 2 + rng.int(29);
  const usedHosts = new Map<string, Set<number>>();
  const plans: PodPlan[] = [];
  for (let i = 0; i < podCount; i++) {
    const node = pick(rng, nodes);
    const used = usedHosts.get(node.name) ?? new Set<number>();
    usedHosts.set(node.name, used);
    const [host] = distinctInts(rng, 1, 2, 254, used);
    used.add(host!);
    const lease = node.podCIDR.split('.').slice(0, 3).join('.');
    plans.push({
      namespace: pick(rng, NAMESPACES),
      name: `pod-${i + 1}-${rng.int(0x10000).toString(16).padStart(4, '0')}`,
      ip: `${lease}.${host}`,
      nodeName: node.name,
      labels: { app: `app-${i + 1}` },
      containerPorts: [],
    });
  }

  // Services.
  const serviceCount = 1 + rng.int(6);
  const usedClusterIPs = new Set(['10.96.0.1', '10.96.0.10']);
  const serviceDrafts: { service: ServiceModel; endpointPlans: PodPlan[] }[] = [];
  for (let s = 0; s < serviceCount; s++) {
    const namespace = pick(rng, NAMESPACES);
    const name = `svc-${s + 1}`;
    let clusterIP: string;
    do {
      // 10.96.0.0/12 = 10.96.0.0 - 10.111.255.255
      clusterIP = `10.${96 + rng.int(16)}.${rng.int(256)}.${1 + rng.int(254)}`;
    } while (usedClusterIPs.has(clusterIP));
    usedClusterIPs.add(clusterIP);

    const portCount = 1 + rng.int(3);
    const names = shuffle(rng, PORT_NAMES).slice(0, portCount);
    const unnamed = portCount === 1 && rng.next() < 0.5;
    const ports: ServicePortModel[] = [];
    const usedPorts = new Set<string>();
    for (let p = 0; p < portCount; p++) {
      let port: number;
      let protocol: Protocol;
      do {
        port = pick(rng, SERVICE_PORTS);
        protocol = rng.next() < 0.5 ? 'TCP' : 'UDP';
      } while (usedPorts.has(`${port}/${protocol}`));
      usedPorts.add(`${port}/${protocol}`);
      ports.push({ name: unnamed ? null : names[p]!, port, protocol, targetPort: pick(rng, TARGET_PORTS), nodePort: null });
    }

    const candidates = shuffle(rng, plans.filter((p) => p.namespace === namespace));
    const endpointPlans = candidates.slice(0, Math.min(rng.int(5), candidates.length));
    const label = `svc-${name}`;
    for (const plan of endpointPlans) {
      plan.labels[label] = 'true';
      for (const port of ports) {
        const target = port.targetPort as number;
        if (!plan.containerPorts.some((c) => c.port === target && c.protocol === port.protocol)) {
          plan.containerPorts.push({ name: port.name, port: target, protocol: port.protocol });
        }
      }
    }
    serviceDrafts.push({
      service: {
        namespace,
        name,
        type: 'ClusterIP',
        clusterIP,
        ports,
        selector: { [label]: 'true' },
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
      },
      endpointPlans,
    });
  }

  const pods = plans.map((p) => makePod({ ...p }));
  const podOf = (plan: PodPlan): PodModel => pods.find((x) => x.namespace === plan.namespace && x.name === plan.name)!;
  const services = serviceDrafts.map((d) => ({ service: d.service, endpointPods: d.endpointPlans.map(podOf) }));
  const endpointSlices: EndpointSliceModel[] = services.map(({ service, endpointPods }) => ({
    namespace: service.namespace,
    name: `${service.name}-${rng.int(0x100000).toString(36).padStart(4, '0')}`,
    serviceName: service.name,
    addressType: 'IPv4',
    ports: endpointPods.length === 0 ? [] : service.ports.map((p) => ({ name: p.name, port: p.targetPort as number, protocol: p.protocol })),
    endpoints: endpointPods.map((p) => ({
      ip: p.ip!, nodeName: p.nodeName, ready: true, serving: true, terminating: false, pod: `${p.namespace}/${p.name}`, hostname: null,
    })),
  }));

  const cluster: ClusterModel = {
    nodes,
    pods,
    services: services.map((s) => s.service),
    endpointSlices,
    proxy: { ...DEFAULT_PROXY, clusterCIDR: podNetwork },
    network: { ...DEFAULT_NETWORK, podNetwork },
    dns: DEFAULT_DNS,
    assumptions: [],
    source: `generated:${seed}`,
  };
  return { seed, cluster, services };
}

/** A short description for failure messages. */
export function describeCluster(g: GeneratedCluster): string {
  const c = g.cluster;
  const nodes = c.nodes.map((n) => `${n.name} ${n.internalIP} ${n.podCIDR}`).join('; ');
  const svcs = g.services
    .map(({ service, endpointPods }) => `${service.namespace}/${service.name} ${service.clusterIP} [${service.ports.map((p) => `${p.name ?? '-'}:${p.port}/${p.protocol}->${p.targetPort}`).join(',')}] eps=${endpointPods.map((p) => p.ip).join(',') || 'none'}`)
    .join('; ');
  return `seed ${g.seed}: net ${c.network.podNetwork}; ${nodes}; ${c.pods.length} pods; ${svcs}`;
}
