// Builders that fill in what kubectl never shows (MACs, veth names) deterministically.

import { macFor, vethNameFor } from '../net/mac.js';
import type { NodeModel, PodModel, Protocol, ServiceModel } from './model.js';

export function makeNode(fields: { name: string; internalIP: string; podCIDR: string; vtepMac?: string | null }): NodeModel {
  return {
    name: fields.name,
    internalIP: fields.internalIP,
    podCIDR: fields.podCIDR,
    eth0Mac: macFor(`eth0@${fields.name}`),
    bridgeMac: macFor(`cni0@${fields.name}`),
    vtepMac: fields.vtepMac ?? macFor(`flannel.1@${fields.name}`),
  };
}

export function makePod(fields: {
  namespace: string;
  name: string;
  ip: string | null;
  nodeName: string;
  labels?: Record<string, string>;
  hostNetwork?: boolean;
  containerPorts?: { name: string | null; port: number; protocol: Protocol }[];
}): PodModel {
  const key = `${fields.namespace}/${fields.name}`;
  return {
    namespace: fields.namespace,
    name: fields.name,
    ip: fields.ip,
    nodeName: fields.nodeName,
    hostNetwork: fields.hostNetwork ?? false,
    labels: fields.labels ?? {},
    mac: macFor(`eth0@${key}`),
    hostVeth: vethNameFor(key),
    containerPorts: fields.containerPorts ?? [],
  };
}

/** kubeadm's kube-system/kube-dns Service (the name predates CoreDNS): dns/udp, dns-tcp, metrics. */
export function kubeDnsService(clusterIP: string): ServiceModel {
  return {
    namespace: 'kube-system',
    name: 'kube-dns',
    type: 'ClusterIP',
    clusterIP,
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53, nodePort: null },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53, nodePort: null },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153, nodePort: null },
    ],
    selector: { 'k8s-app': 'kube-dns' },
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  };
}

/** default/kubernetes: the API server's Service, no selector (its EndpointSlice holds the apiserver's host IP:6443). */
export function kubernetesService(clusterIP: string): ServiceModel {
  return {
    namespace: 'default',
    name: 'kubernetes',
    type: 'ClusterIP',
    clusterIP,
    ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443, nodePort: null }],
    selector: null,
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  };
}
