// The built-in cluster: the source text's example, on a kubeadm + Flannel VXLAN cluster.
// node-1 (192.168.1.11) is also the control plane; pod-a calls myapp, whose endpoints are
// 10.244.1.5 (node-1) and 10.244.2.6 (pod-b, node-2).
// Beyond the source text (the traffic scenarios of traffic-scenarios.ts): the Deployment "web" with
// one pod on node-2, exposed three ways (NodePort web, NodePort web-local with
// externalTrafficPolicy Local, ClusterIP web-internal with internalTrafficPolicy Local), and myapp's
// pods again behind myapp-sticky (sessionAffinity ClientIP) and myapp-headless (clusterIP None).

import { DEFAULT_DNS, DEFAULT_NETWORK, DEFAULT_PROXY } from './defaults.js';
import { kubeDnsService, kubernetesService, makeNode, makePod } from './make.js';
import type { ClusterModel, EndpointSliceModel, ServiceModel } from './model.js';

const nodes = [
  makeNode({ name: 'node-1', internalIP: '192.168.1.11', podCIDR: '10.244.1.0/24' }),
  makeNode({ name: 'node-2', internalIP: '192.168.1.12', podCIDR: '10.244.2.0/24' }),
];

const coreDnsLabels = { 'k8s-app': 'kube-dns', 'pod-template-hash': '7c65d6cfc9' };
const dnsPorts = [
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  { name: 'metrics', port: 9153, protocol: 'TCP' as const },
];

const pods = [
  makePod({ namespace: 'default', name: 'pod-a', ip: '10.244.1.10', nodeName: 'node-1', labels: { app: 'client' } }),
  makePod({
    namespace: 'default',
    name: 'pod-c',
    ip: '10.244.1.5',
    nodeName: 'node-1',
    labels: { app: 'myapp', version: 'v1' },
    containerPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }),
  makePod({
    namespace: 'default',
    name: 'pod-b',
    ip: '10.244.2.6',
    nodeName: 'node-2',
    labels: { app: 'myapp', version: 'v1' },
    containerPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }),
  makePod({
    namespace: 'default',
    name: 'web-5d8f6c7b9-k2x4m',
    ip: '10.244.2.7',
    nodeName: 'node-2',
    labels: { app: 'web', 'pod-template-hash': '5d8f6c7b9' },
    containerPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }),
  makePod({ namespace: 'kube-system', name: 'coredns-7c65d6cfc9-4xk2p', ip: '10.244.1.2', nodeName: 'node-1', labels: coreDnsLabels, containerPorts: dnsPorts }),
  makePod({ namespace: 'kube-system', name: 'coredns-7c65d6cfc9-9zq7m', ip: '10.244.2.2', nodeName: 'node-2', labels: coreDnsLabels, containerPorts: dnsPorts }),
];

const services: ServiceModel[] = [
  kubernetesService('10.96.0.1'),
  {
    namespace: 'default',
    name: 'myapp',
    type: 'ClusterIP',
    clusterIP: '10.96.1.20',
    ports: [{ name: null, port: 80, protocol: 'TCP', targetPort: 8080, nodePort: null }],
    selector: { app: 'myapp' },
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  },
  {
    // A Service whose selector matches no pod (the pods are labelled version: v1): no endpoints.
    namespace: 'default',
    name: 'myapp-v2',
    type: 'ClusterIP',
    clusterIP: '10.96.1.30',
    ports: [{ name: null, port: 80, protocol: 'TCP', targetPort: 8080, nodePort: null }],
    selector: { app: 'myapp', version: 'v2' },
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  },
  kubeDnsService('10.96.0.10'),
  // nodePorts come from the default range 30000-32767 (kube-apiserver --service-node-port-range).
  webService('web', '10.96.1.40', 'NodePort', 30080, { externalTrafficPolicy: 'Cluster' }),
  webService('web-local', '10.96.1.41', 'NodePort', 30081, { externalTrafficPolicy: 'Local' }),
  webService('web-internal', '10.96.1.42', 'ClusterIP', null, { internalTrafficPolicy: 'Local' }),
  {
    namespace: 'default',
    name: 'myapp-sticky',
    type: 'ClusterIP',
    clusterIP: '10.96.1.50',
    ports: [{ name: null, port: 80, protocol: 'TCP', targetPort: 8080, nodePort: null }],
    selector: { app: 'myapp' },
    sessionAffinity: 'ClientIP',
    affinityTimeoutSeconds: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  },
  {
    namespace: 'default',
    name: 'myapp-headless',
    type: 'ClusterIP',
    clusterIP: 'None',
    ports: [{ name: null, port: 8080, protocol: 'TCP', targetPort: 8080, nodePort: null }],
    selector: { app: 'myapp' },
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  },
];

function webService(
  name: string,
  clusterIP: string,
  type: 'ClusterIP' | 'NodePort',
  nodePort: number | null,
  policy: { externalTrafficPolicy?: 'Cluster' | 'Local'; internalTrafficPolicy?: 'Cluster' | 'Local' },
): ServiceModel {
  return {
    namespace: 'default',
    name,
    type,
    clusterIP,
    ports: [{ name: null, port: 80, protocol: 'TCP', targetPort: 8080, nodePort }],
    selector: { app: 'web' },
    sessionAffinity: 'None',
    // The API server leaves externalTrafficPolicy empty on a ClusterIP Service; the model reads it as Cluster.
    externalTrafficPolicy: policy.externalTrafficPolicy ?? 'Cluster',
    internalTrafficPolicy: policy.internalTrafficPolicy ?? 'Cluster',
  };
}

function readyEndpoint(ip: string, nodeName: string | null, pod: string | null) {
  return { ip, nodeName, ready: true, serving: true, terminating: false, pod, hostname: null };
}

const endpointSlices: EndpointSliceModel[] = [
  {
    namespace: 'default',
    name: 'kubernetes',
    serviceName: 'kubernetes',
    addressType: 'IPv4',
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    endpoints: [readyEndpoint('192.168.1.11', null, null)],
  },
  {
    namespace: 'default',
    name: 'myapp-8xkqz',
    serviceName: 'myapp',
    addressType: 'IPv4',
    ports: [{ name: null, port: 8080, protocol: 'TCP' }],
    endpoints: [readyEndpoint('10.244.1.5', 'node-1', 'default/pod-c'), readyEndpoint('10.244.2.6', 'node-2', 'default/pod-b')],
  },
  {
    // The EndpointSlice controller keeps an empty placeholder slice for a Service with no endpoints.
    namespace: 'default',
    name: 'myapp-v2-pl4cq',
    serviceName: 'myapp-v2',
    addressType: 'IPv4',
    ports: [],
    endpoints: [],
  },
  ...['web', 'web-local', 'web-internal'].map((svc, i): EndpointSliceModel => ({
    namespace: 'default',
    name: `${svc}-${['x7k2p', 'q9m4d', 'h3v8n'][i]}`,
    serviceName: svc,
    addressType: 'IPv4',
    ports: [{ name: null, port: 8080, protocol: 'TCP' }],
    endpoints: [readyEndpoint('10.244.2.7', 'node-2', 'default/web-5d8f6c7b9-k2x4m')],
  })),
  ...['myapp-sticky', 'myapp-headless'].map((svc, i): EndpointSliceModel => ({
    namespace: 'default',
    name: `${svc}-${['r5t7w', 'z2c6b'][i]}`,
    serviceName: svc,
    addressType: 'IPv4',
    ports: [{ name: null, port: 8080, protocol: 'TCP' }],
    endpoints: [readyEndpoint('10.244.1.5', 'node-1', 'default/pod-c'), readyEndpoint('10.244.2.6', 'node-2', 'default/pod-b')],
  })),
  {
    namespace: 'kube-system',
    name: 'kube-dns-6lw2r',
    serviceName: 'kube-dns',
    addressType: 'IPv4',
    ports: dnsPorts,
    endpoints: [
      readyEndpoint('10.244.1.2', 'node-1', 'kube-system/coredns-7c65d6cfc9-4xk2p'),
      readyEndpoint('10.244.2.2', 'node-2', 'kube-system/coredns-7c65d6cfc9-9zq7m'),
    ],
  },
];

export const BUILTIN_CLUSTER: ClusterModel = {
  nodes,
  pods,
  services,
  endpointSlices,
  proxy: DEFAULT_PROXY,
  network: DEFAULT_NETWORK,
  dns: DEFAULT_DNS,
  assumptions: [],
  source: 'built-in',
};

/** The Services the traffic scenarios added (src/core/traffic-scenarios.ts), beyond the source text. */
const TRAFFIC_EXAMPLES = new Set(['web', 'web-local', 'web-internal', 'myapp-sticky', 'myapp-headless']);

/**
 * The source text's cluster alone: the built-in one without the traffic scenarios' Deployment and
 * Services. `lab verify` builds this one, the cluster its recorded kernel runs were taken on.
 */
export const SOURCE_TEXT_CLUSTER: ClusterModel = {
  ...BUILTIN_CLUSTER,
  pods: pods.filter((p) => p.labels['app'] !== 'web'),
  services: services.filter((s) => !(s.namespace === 'default' && TRAFFIC_EXAMPLES.has(s.name))),
  endpointSlices: endpointSlices.filter((es) => !(es.namespace === 'default' && TRAFFIC_EXAMPLES.has(es.serviceName))),
};
