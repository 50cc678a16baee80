// A generator of realistic kubectl dumps (kubeadm + Flannel VXLAN), for tests and the load benchmark.
// Pure: the same options always give the same text.
//
// generateClusterDump({ nodes: 50, pods: 2000, services: 500, seed: 1 }) returns what
//   kubectl get nodes,pods,services,endpointslices,configmaps -A -o yaml
// would print for such a cluster: exactly `nodes` Nodes, `pods` Pods, `services` Services and one
// EndpointSlice per Service. Services include the kubernetes and kube-dns ones, and a mix of
// single-port, named multi-port, UDP, headless, NodePort and selector-matches-nothing Services;
// about one pod in fifty is Pending without an IP.

import { formatIPv4, parseIPv4 } from '../../src/core/net/ipv4.js';
import { seededRng } from '../../src/core/random.js';
import {
  COREDNS_PORTS,
  corednsConfigMap,
  endpointSlice,
  flannelConfigMap,
  kubeadmConfigMap,
  kubeDnsService,
  kubeletConfigMap,
  kubeProxyConfigMap,
  kubernetesService,
  kubernetesSlice,
  node,
  pod,
  resetResourceVersions,
  rootCaConfigMap,
  service,
  type ContainerPortSpec,
  type EndpointSpec,
  type ServicePortSpec,
} from './kube-objects.js';
import { kubectlList, toKubectlYaml } from './kubectl-yaml.js';

export interface DumpOptions {
  readonly nodes: number;
  readonly pods: number;
  readonly services: number;
  readonly seed: number;
}

export interface GeneratedSummary {
  readonly nodes: number;
  readonly pods: number;
  readonly pendingPods: number;
  readonly services: number;
  readonly headlessServices: number;
  readonly endpointSlices: number;
  /** Services with a selector that no pod matches. */
  readonly emptyServices: number;
}

type Kind = 'plain' | 'named-multi' | 'udp' | 'headless' | 'nodeport' | 'empty';

interface AppService {
  namespace: string;
  name: string;
  kind: Kind;
  clusterIP: string;
  ports: ServicePortSpec[];
  containerPorts: ContainerPortSpec[];
  pods: { namespace: string; name: string; ip: string | null; nodeName: string; ready: boolean }[];
}

function build(o: DumpOptions): { items: Record<string, unknown>[]; summary: GeneratedSummary } {
  if (o.nodes < 1 || o.nodes > 250) throw new Error('generateClusterDump: 1-250 nodes');
  if (o.pods / o.nodes > 200) throw new Error('generateClusterDump: at most 200 pods per node');
  resetResourceVersions(1000 + (o.seed % 997));
  const rng = seededRng(o.seed);
  const nodeNames = Array.from({ length: o.nodes }, (_, i) => (i === 0 ? 'cp-1' : `worker-${String(i).padStart(2, '0')}`));
  const nodeIP = (i: number): string => `10.0.${Math.floor(i / 200)}.${10 + (i % 200)}`;
  const nextHost = nodeNames.map(() => 2);
  const hex = (n: number): string => n.toString(16).padStart(2, '0');

  const nodes = nodeNames.map((name, i) =>
    node({
      name,
      ip: nodeIP(i),
      podCIDR: `10.244.${i}.0/24`,
      controlPlane: i === 0,
      vtepMac: `${hex(0x02 | (rng.int(64) << 2))}:${hex(rng.int(256))}:${hex(rng.int(256))}:${hex(rng.int(256))}:${hex(rng.int(256))}:${hex(i)}`,
    }),
  );

  const namespaces = Array.from({ length: Math.max(1, Math.ceil((o.services - 2) / 60)) }, (_, i) => `team-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`);
  let pendingPods = 0;
  let podBudget = o.pods;
  const podObjects: Record<string, unknown>[] = [];
  const placePod = (namespace: string, name: string, labels: Record<string, string>, ports: AppService['containerPorts'], owner: string) => {
    let n = rng.int(o.nodes);
    while ((nextHost[n] as number) > 250) n = (n + 1) % o.nodes;
    const pending = rng.next() < 0.02;
    const ip = pending ? null : formatIPv4((parseIPv4(`10.244.${n}.0`) as number) + (nextHost[n] as number));
    if (!pending) nextHost[n] = (nextHost[n] as number) + 1;
    else pendingPods++;
    const nodeName = nodeNames[n] as string;
    podObjects.push(
      pod({
        namespace,
        name,
        nodeName,
        nodeIP: nodeIP(n),
        podIP: ip,
        labels,
        ports,
        owner: { kind: 'ReplicaSet', name: owner },
        containerName: labels['app'] ?? 'app',
      }),
    );
    podBudget--;
    return { namespace, name, ip, nodeName, ready: rng.next() > 0.05 };
  };

  const services: Record<string, unknown>[] = [];
  const slices: Record<string, unknown>[] = [];
  let headless = 0;
  let empty = 0;
  if (o.services >= 1) {
    services.push(kubernetesService('10.96.0.1'));
    slices.push(kubernetesSlice(nodeIP(0)));
  }
  if (o.services >= 2) {
    services.push(kubeDnsService('10.96.0.10'));
    const dnsPods = [];
    for (let i = 0; i < 2 && podBudget > 0; i++) {
      const name = `coredns-668d6bf9bc-${['4xk2p', '9zq7m'][i]}`;
      dnsPods.push(placePod('kube-system', name, { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' }, COREDNS_PORTS, 'coredns-668d6bf9bc'));
    }
    slices.push(
      endpointSlice({
        namespace: 'kube-system',
        name: 'kube-dns-6lw2r',
        service: 'kube-dns',
        ports: [
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
        endpoints: dnsPods.filter((p) => p.ip !== null).map((p) => ({ ip: p.ip as string, nodeName: p.nodeName, pod: p })),
      }),
    );
  }

  // Application Services and their pods.
  const apps: AppService[] = [];
  let ipCursor = (parseIPv4('10.96.0.0') as number) + 256 + rng.int(4096);
  for (let j = 0; j < o.services - 2; j++) {
    const r = rng.next();
    const kind: Kind = r < 0.7 ? 'plain' : r < 0.8 ? 'named-multi' : r < 0.85 ? 'udp' : r < 0.9 ? 'headless' : r < 0.95 ? 'nodeport' : 'empty';
    const namespace = namespaces[j % namespaces.length] as string;
    const name = `${['api', 'web', 'cache', 'queue', 'auth', 'search'][j % 6]}-${j}`;
    ipCursor += 1 + rng.int(5);
    let ports: ServicePortSpec[];
    let containerPorts: AppService['containerPorts'];
    if (kind === 'named-multi') {
      ports = [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'grpc', port: 9090, targetPort: 9090 },
      ];
      containerPorts = [
        { name: 'http', containerPort: 8080 },
        { name: 'grpc', containerPort: 9090 },
      ];
    } else if (kind === 'udp') {
      ports = [{ port: 8125, protocol: 'UDP', targetPort: 8125 }];
      containerPorts = [{ name: 'statsd', containerPort: 8125, protocol: 'UDP' }];
    } else if (kind === 'nodeport') {
      ports = [{ port: 80, targetPort: 8080, nodePort: 30000 + j }];
      containerPorts = [{ containerPort: 8080 }];
    } else {
      ports = [{ port: 80, targetPort: 8080 }];
      containerPorts = [{ containerPort: 8080 }];
    }
    if (kind === 'headless') headless++;
    if (kind === 'empty') empty++;
    apps.push({ namespace, name, kind, clusterIP: kind === 'headless' ? 'None' : formatIPv4(ipCursor), ports, containerPorts, pods: [] });
  }
  const withPods = apps.filter((a) => a.kind !== 'empty');
  for (let k = 0; podBudget > 0; k++) {
    const app = withPods.length > 0 ? withPods[k % withPods.length] : undefined;
    if (app === undefined) {
      placePod('default', `standalone-${k}`, { run: `standalone-${k}` }, [], `standalone-${k}`);
      continue;
    }
    const hash = (0x5d8f7c9b4 + apps.indexOf(app)).toString(16).slice(-9);
    const suffix = (k * 2654435761 + o.seed).toString(36).slice(-5).padStart(5, 'x');
    app.pods.push(placePod(app.namespace, `${app.name}-${hash}-${suffix}`, { app: app.name, 'pod-template-hash': hash }, app.containerPorts, `${app.name}-${hash}`));
  }

  for (const app of apps) {
    services.push(
      service({
        namespace: app.namespace,
        name: app.name,
        clusterIP: app.clusterIP,
        ports: app.ports,
        selector: { app: app.kind === 'empty' ? `${app.name}-gone` : app.name },
        type: app.kind === 'nodeport' ? 'NodePort' : 'ClusterIP',
        labels: { app: app.name },
      }),
    );
    const endpoints: EndpointSpec[] = app.pods
      .filter((p) => p.ip !== null)
      .map((p) => ({
        ip: p.ip as string,
        nodeName: p.nodeName,
        pod: p,
        ready: p.ready,
        serving: p.ready,
        ...(app.kind === 'headless' ? { hostname: p.name } : {}),
      }));
    const slicePorts = app.kind === 'named-multi' ? [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090 }] : app.ports.map((p) => ({ port: Number(p.targetPort), protocol: p.protocol ?? 'TCP' }));
    slices.push(
      endpointSlice({
        namespace: app.namespace,
        name: `${app.name}-${(apps.indexOf(app) * 7919 + o.seed).toString(36).slice(-5).padStart(5, 'q')}`,
        service: app.name,
        ports: slicePorts,
        endpoints: endpoints.length > 0 ? endpoints : null,
        headless: app.kind === 'headless',
      }),
    );
  }

  const configMaps = [
    kubeProxyConfigMap({}),
    flannelConfigMap({}),
    corednsConfigMap(),
    kubeadmConfigMap({}),
    kubeletConfigMap({}),
    ...['default', 'kube-system', ...namespaces].map(rootCaConfigMap),
  ];

  // kubectl prints resources in the order asked for, each sorted by namespace and name.
  const byKey = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    const ka = `${(a['metadata'] as { namespace?: string }).namespace ?? ''}/${(a['metadata'] as { name: string }).name}`;
    const kb = `${(b['metadata'] as { namespace?: string }).namespace ?? ''}/${(b['metadata'] as { name: string }).name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const items = [...nodes, ...podObjects.sort(byKey), ...services.sort(byKey), ...slices.sort(byKey), ...configMaps.sort(byKey)];
  return {
    items,
    summary: {
      nodes: o.nodes,
      pods: o.pods,
      pendingPods,
      services: o.services,
      headlessServices: headless,
      endpointSlices: slices.length,
      emptyServices: empty,
    },
  };
}

/** kubectl List YAML for a generated cluster. */
export function generateClusterDump(o: DumpOptions): string {
  return toKubectlYaml(kubectlList(build(o).items));
}

/** What generateClusterDump(o) contains, for assertions. */
export function describeGeneratedDump(o: DumpOptions): GeneratedSummary {
  return build(o).summary;
}

/** The generated cluster's objects, for tests that print them another way (JSON). */
export function generateClusterObjects(o: DumpOptions): Record<string, unknown>[] {
  return build(o).items;
}
