// Cluster variants for the DNS tests, built on the built-in cluster.

import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { makePod } from '../../../src/core/cluster/make.js';
import type { ClusterModel, EndpointModel, PodModel, ServiceModel } from '../../../src/core/cluster/model.js';

export function pod(cluster: ClusterModel, ns: string, name: string): PodModel {
  const found = cluster.pods.find((p) => p.namespace === ns && p.name === name);
  if (!found) throw new Error(`no pod ${ns}/${name}`);
  return found;
}

function service(fields: Partial<ServiceModel> & Pick<ServiceModel, 'namespace' | 'name' | 'clusterIP'>): ServiceModel {
  return {
    type: 'ClusterIP',
    ports: [{ name: 'tcp', port: 5432, protocol: 'TCP', targetPort: 5432, nodePort: null }],
    selector: { app: fields.name },
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ...fields,
  };
}

function endpoint(ip: string, ready: boolean, hostname: string | null): EndpointModel {
  return { ip, nodeName: 'node-1', ready, serving: ready, terminating: false, pod: null, hostname };
}

/**
 * The built-in cluster plus:
 * - default/db: headless, endpoints db-0 10.244.1.7 and db-1 10.244.2.8 (ready), db-2 10.244.2.9 (not ready);
 * - default/empty: headless, one endpoint that is not ready;
 * - default/lonely: a ClusterIP Service (10.96.5.5) with no endpoints at all;
 * - default/ext: an ExternalName Service;
 * - kube-system/tools: a pod in kube-system; default/host-agent: a hostNetwork pod.
 */
export const DNS_CLUSTER: ClusterModel = {
  ...BUILTIN_CLUSTER,
  pods: [
    ...BUILTIN_CLUSTER.pods,
    makePod({ namespace: 'kube-system', name: 'tools', ip: '10.244.2.30', nodeName: 'node-2' }),
    makePod({ namespace: 'default', name: 'host-agent', ip: '192.168.1.11', nodeName: 'node-1', hostNetwork: true }),
  ],
  services: [
    ...BUILTIN_CLUSTER.services,
    service({ namespace: 'default', name: 'db', clusterIP: 'None' }),
    service({ namespace: 'default', name: 'empty', clusterIP: 'None' }),
    service({ namespace: 'default', name: 'lonely', clusterIP: '10.96.5.5' }),
    service({ namespace: 'default', name: 'ext', clusterIP: '', type: 'ExternalName', ports: [] }),
  ],
  endpointSlices: [
    ...BUILTIN_CLUSTER.endpointSlices,
    {
      namespace: 'default',
      name: 'db-abcde',
      serviceName: 'db',
      addressType: 'IPv4',
      ports: [{ name: 'tcp', port: 5432, protocol: 'TCP' }],
      endpoints: [endpoint('10.244.1.7', true, 'db-0'), endpoint('10.244.2.8', true, 'db-1'), endpoint('10.244.2.9', false, 'db-2')],
    },
    {
      namespace: 'default',
      name: 'empty-fghij',
      serviceName: 'empty',
      addressType: 'IPv4',
      ports: [],
      endpoints: [endpoint('10.244.1.8', false, null)],
    },
  ],
};

export function withNodeSearch(cluster: ClusterModel, nodeSearch: string[]): ClusterModel {
  return { ...cluster, dns: { ...cluster.dns, nodeSearch } };
}
