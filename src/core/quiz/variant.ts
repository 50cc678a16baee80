// A quiz variant: a random but valid cluster drawn from a seed, with the roles the questions use
// (clients, a Service with several endpoints, a Service with none). Pure: the same seed gives the
// same cluster everywhere; only the seeded generator and integer arithmetic are used, and every
// list is built in a fixed order.
//
// What varies: the pod network (10.X.0.0/16), the Service CIDR (kubeadm's, k3s's or EKS's), the node
// network and node addresses, 2-4 nodes with their /24 leases, pod names, namespaces and
// placement, Service names, ClusterIPs, ports and target ports, the number of endpoints (2-5 for the
// main Service), the underlay MTU. What does not: Flannel VXLAN on UDP 8472 with VNI 1, kube-proxy
// in iptables mode, cluster.local and ndots:5: those are facts the lessons teach.

import { DEFAULT_DNS, DEFAULT_NETWORK, DEFAULT_PROXY } from '../cluster/defaults.js';
import { kubeDnsService, kubernetesService, makeNode, makePod } from '../cluster/make.js';
import type { ClusterModel, EndpointSliceModel, NodeModel, PodModel, ServiceModel } from '../cluster/model.js';
import { cidrHost } from '../net/ipv4.js';
import { pick, seededRng, shuffled, type Rng } from '../random.js';

export interface VariantService {
  readonly service: ServiceModel;
  /** The pods behind it, in the order they were placed. */
  readonly endpoints: readonly PodModel[];
}

export interface QuizVariant {
  readonly seed: number;
  readonly cluster: ClusterModel;
  /** Client pods: [0] is the main client; the others sit on other nodes when there are enough. */
  readonly clients: readonly PodModel[];
  /** The Service most questions call: 2-5 endpoints spread over the nodes. */
  readonly main: VariantService;
  /** A second Service with 1-3 endpoints, in another namespace. */
  readonly other: VariantService;
  /** A Service whose selector matches no pod. */
  readonly empty: VariantService;
  /** One line for people. */
  readonly summary: string;
}

interface ServiceRange {
  readonly cidr: string;
  /** The second octet(s) a pod network must avoid. */
  readonly avoid: readonly number[];
  /** Draws a ClusterIP. */
  readonly draw: (rng: Rng) => string;
  readonly dns: string;
  readonly apiserver: string;
}

const SERVICE_RANGES: readonly ServiceRange[] = [
  // kubeadm: 10.96.0.0/12 = 10.96.0.0 - 10.111.255.255
  { cidr: '10.96.0.0/12', avoid: range(96, 111), draw: (r) => `10.${96 + r.int(16)}.${r.int(256)}.${2 + r.int(250)}`, dns: '10.96.0.10', apiserver: '10.96.0.1' },
  // k3s: 10.43.0.0/16 (its pod network is 10.42.0.0/16)
  { cidr: '10.43.0.0/16', avoid: [43], draw: (r) => `10.43.${r.int(256)}.${2 + r.int(250)}`, dns: '10.43.0.10', apiserver: '10.43.0.1' },
  // EKS: 172.20.0.0/16 or 10.100.0.0/16
  { cidr: '172.20.0.0/16', avoid: [], draw: (r) => `172.20.${r.int(256)}.${2 + r.int(250)}`, dns: '172.20.0.10', apiserver: '172.20.0.1' },
  { cidr: '10.100.0.0/16', avoid: [100], draw: (r) => `10.100.${r.int(256)}.${2 + r.int(250)}`, dns: '10.100.0.10', apiserver: '10.100.0.1' },
];

const NODE_NETS = ['192.168', '172.31', '10.0'] as const;
const NODE_STYLES = ['node-', 'worker-', 'kube-w', 'k8s-node-'] as const;
const NAMESPACES = ['default', 'shop', 'web', 'payments', 'team-a', 'prod', 'staging', 'apps'] as const;
const APPS = ['checkout', 'catalog', 'orders', 'search', 'billing', 'auth', 'cart', 'inventory', 'profile', 'reviews', 'api', 'ledger'] as const;
const CLIENT_APPS = ['frontend', 'gateway', 'worker', 'toolbox', 'client', 'cron', 'web'] as const;
const SERVICE_PORTS = [80, 443, 8080, 8000, 5000, 3000, 9090, 7070] as const;
const TARGET_PORTS = [8080, 8443, 3000, 5000, 9376, 8000, 80, 6000, 9000] as const;
const MTUS = [1500, 1500, 1500, 9001, 1450] as const;
/** Kubernetes' SafeEncodeString alphabet, which pod-template hashes and name suffixes use. */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}

function token(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[rng.int(NAME_CHARS.length)];
  return s;
}

interface PodPlan {
  namespace: string;
  name: string;
  ip: string;
  nodeName: string;
  labels: Record<string, string>;
  containerPorts: { name: string | null; port: number; protocol: 'TCP' | 'UDP' }[];
}

export function makeVariant(seed: number): QuizVariant {
  const rng = seededRng(seed);

  // ---- networks ----
  const services = pick(rng, SERVICE_RANGES)!;
  const nodeNetPrefix = pick(rng, NODE_NETS)!;
  const avoid = new Set([...services.avoid, ...(nodeNetPrefix === '10.0' ? [0] : [])]);
  const second = pick(rng, range(1, 254).filter((b) => !avoid.has(b)))!;
  const podNetwork = `10.${second}.0.0/16`;
  const nodeNet = `${nodeNetPrefix}.${nodeNetPrefix === '10.0' ? 1 + rng.int(250) : rng.int(256)}`;
  const mtu = pick(rng, MTUS)!;

  // ---- nodes ----
  const nodeCount = 2 + rng.int(3);
  const style = pick(rng, NODE_STYLES)!;
  const leases = shuffled(rng, range(0, 255)).slice(0, nodeCount);
  const hosts = shuffled(rng, range(10, 250)).slice(0, nodeCount).sort((a, b) => a - b);
  const nodes: NodeModel[] = leases.map((lease, i) =>
    makeNode({ name: `${style}${i + 1}`, internalIP: `${nodeNet}.${hosts[i]}`, podCIDR: `10.${second}.${lease}.0/24` }),
  );

  const usedHosts = new Map<string, Set<number>>(nodes.map((n) => [n.name, new Set<number>()]));
  const podIP = (node: NodeModel): string => {
    const used = usedHosts.get(node.name)!;
    let host: number;
    do host = 2 + rng.int(252);
    while (used.has(host));
    used.add(host);
    return cidrHost(node.podCIDR, host);
  };
  const usedNames = new Set<string>();
  const podName = (app: string): string => {
    let name: string;
    do name = `${app}-${token(rng, 9 + rng.int(2))}-${token(rng, 5)}`;
    while (usedNames.has(name));
    usedNames.add(name);
    return name;
  };

  // ---- namespaces and apps ----
  const [nsMain, nsOther] = shuffled(rng, NAMESPACES) as [string, string];
  const [appMain, appOther, appEmpty] = shuffled(rng, APPS) as [string, string, string];
  const clientNs = rng.int(10) < 6 ? nsMain : nsOther;
  const clientApp = pick(rng, CLIENT_APPS)!;

  const plans: PodPlan[] = [];
  // Clients: one per node, up to 3, the main client on a random node.
  const clientNodes = shuffled(rng, nodes).slice(0, Math.min(3, nodes.length));
  const clientPlans = clientNodes.map((node) => {
    const plan: PodPlan = { namespace: clientNs, name: podName(clientApp), ip: podIP(node), nodeName: node.name, labels: { app: clientApp }, containerPorts: [] };
    plans.push(plan);
    return plan;
  });

  // ---- Services ----
  const usedIPs = new Set([services.dns, services.apiserver]);
  const clusterIP = (): string => {
    let ip: string;
    do ip = services.draw(rng);
    while (usedIPs.has(ip));
    usedIPs.add(ip);
    return ip;
  };
  const portPair = (): { port: number; targetPort: number } => {
    const port = pick(rng, SERVICE_PORTS)!;
    const targets = TARGET_PORTS.filter((t) => t !== port);
    return { port, targetPort: pick(rng, targets)! };
  };
  const makeService = (namespace: string, app: string, selector: Record<string, string>): ServiceModel => {
    const { port, targetPort } = portPair();
    const named = rng.int(2) === 0;
    return {
      namespace,
      name: app,
      type: 'ClusterIP',
      clusterIP: clusterIP(),
      ports: [{ name: named ? 'http' : null, port, protocol: 'TCP', targetPort, nodePort: null }],
      selector,
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    };
  };
  const placeEndpoints = (svc: ServiceModel, app: string, count: number): PodPlan[] => {
    const target = svc.ports[0]!.targetPort as number;
    // Spread over the nodes: a shuffled round-robin, so a 2-node cluster gets both nodes.
    const order = shuffled(rng, nodes);
    const out: PodPlan[] = [];
    for (let i = 0; i < count; i++) {
      const node = i < order.length ? order[i]! : pick(rng, nodes)!;
      const plan: PodPlan = {
        namespace: svc.namespace,
        name: podName(app),
        ip: podIP(node),
        nodeName: node.name,
        labels: { app, version: 'v1' },
        containerPorts: [{ name: svc.ports[0]!.name, port: target, protocol: 'TCP' }],
      };
      plans.push(plan);
      out.push(plan);
    }
    return out;
  };

  const mainSvc = makeService(nsMain, appMain, { app: appMain });
  const mainEps = placeEndpoints(mainSvc, appMain, 2 + rng.int(4));
  const otherSvc = makeService(nsOther, appOther, { app: appOther });
  const otherEps = placeEndpoints(otherSvc, appOther, 1 + rng.int(3));
  // The empty Service selects a version no pod has.
  const emptySvc = makeService(nsMain, `${appEmpty}`, { app: appEmpty, version: 'v2' });
  // CoreDNS: two replicas, as kubeadm deploys it.
  const dnsNodes = shuffled(rng, nodes);
  const dnsPorts = [
    { name: 'dns', port: 53, protocol: 'UDP' as const },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
    { name: 'metrics', port: 9153, protocol: 'TCP' as const },
  ];
  const dnsHash = token(rng, 10);
  const dnsPlans: PodPlan[] = [0, 1].map((i) => {
    const node = dnsNodes[i % dnsNodes.length]!;
    const plan: PodPlan = {
      namespace: 'kube-system',
      name: `coredns-${dnsHash}-${token(rng, 5)}`,
      ip: podIP(node),
      nodeName: node.name,
      labels: { 'k8s-app': 'kube-dns' },
      containerPorts: dnsPorts,
    };
    plans.push(plan);
    return plan;
  });

  const pods = plans.map((p) => makePod(p));
  const podOf = (plan: PodPlan): PodModel => pods.find((p) => p.namespace === plan.namespace && p.name === plan.name)!;
  const ready = (plan: PodPlan) => ({ ip: plan.ip, nodeName: plan.nodeName, ready: true, serving: true, terminating: false, pod: `${plan.namespace}/${plan.name}`, hostname: null });
  const slice = (svc: ServiceModel, eps: readonly PodPlan[], ports: EndpointSliceModel['ports']): EndpointSliceModel => ({
    namespace: svc.namespace,
    name: `${svc.name}-${token(rng, 5)}`,
    serviceName: svc.name,
    addressType: 'IPv4',
    ports,
    endpoints: eps.map(ready),
  });
  const slicePorts = (svc: ServiceModel) => svc.ports.map((p) => ({ name: p.name, port: p.targetPort as number, protocol: p.protocol }));

  const kubeDns = kubeDnsService(services.dns);
  const apiserver = kubernetesService(services.apiserver);
  const endpointSlices: EndpointSliceModel[] = [
    {
      namespace: 'default', name: 'kubernetes', serviceName: 'kubernetes', addressType: 'IPv4',
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
      endpoints: [{ ip: nodes[0]!.internalIP, nodeName: null, ready: true, serving: true, terminating: false, pod: null, hostname: null }],
    },
    slice(mainSvc, mainEps, slicePorts(mainSvc)),
    slice(otherSvc, otherEps, slicePorts(otherSvc)),
    // The EndpointSlice controller keeps an empty placeholder slice for a Service with no endpoints.
    slice(emptySvc, [], []),
    slice(kubeDns, dnsPlans, dnsPorts),
  ];

  const cluster: ClusterModel = {
    nodes,
    pods,
    services: [apiserver, mainSvc, otherSvc, emptySvc, kubeDns],
    endpointSlices,
    proxy: { ...DEFAULT_PROXY, clusterCIDR: podNetwork },
    network: { ...DEFAULT_NETWORK, podNetwork, serviceCIDR: services.cidr, underlayMtu: mtu },
    dns: { ...DEFAULT_DNS, nameserver: services.dns },
    assumptions: [],
    source: `quiz variant ${seed}`,
  };
  const summary =
    `${nodes.length} nodes in ${nodeNet}.0/24 (${nodes.map((n) => `${n.name} ${n.internalIP}`).join(', ')}), ` +
    `pod network ${podNetwork}, Services in ${services.cidr}, Flannel VXLAN, kube-proxy iptables mode, eth0 MTU ${mtu}`;
  return {
    seed,
    cluster,
    clients: clientPlans.map(podOf),
    main: { service: mainSvc, endpoints: mainEps.map(podOf) },
    other: { service: otherSvc, endpoints: otherEps.map(podOf) },
    empty: { service: emptySvc, endpoints: [] },
    summary,
  };
}
