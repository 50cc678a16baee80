// One knob of a quiz variant turned, as plain data: the "what goes wrong" questions run on the
// variant with such a change, and the question's basis records it so the stepper (and the tests)
// can rebuild exactly the cluster the key was read from. The same knobs as the failure scenarios of
// the built-in cluster (scenarios.ts, traffic-scenarios.ts), written for any cluster and Service.

import { withoutBrNetfilter, withCni } from '../cluster/variants.js';
import type { ClusterModel, NetworkPolicyModel } from '../cluster/model.js';

export type ClusterChange =
  /** net.bridge.bridge-nf-call-iptables = 0 (no-br-netfilter). */
  | { readonly kind: 'no-br-netfilter' }
  /** The Service written without targetPort: it defaults to the port, and so do its EndpointSlices (wrong-targetport). */
  | { readonly kind: 'target-port-defaulted'; readonly service: string }
  /** The Kubernetes docs' default-deny-ingress policy in a namespace, on calico-ipip (networkpolicy-deny). */
  | { readonly kind: 'default-deny-ingress'; readonly namespace: string }
  /** The node network carries only this many bytes while eth0 says more (vxlan-mtu). */
  | { readonly kind: 'underlay-path-mtu'; readonly mtu: number }
  /** A pod deleted: gone from the pods and from every EndpointSlice (stale-udp-conntrack). */
  | { readonly kind: 'pod-deleted'; readonly pod: string }
  /** The Service made a NodePort with externalTrafficPolicy Local (nodeport-local-no-endpoint). */
  | { readonly kind: 'external-local-nodeport'; readonly service: string; readonly nodePort: number }
  /** The Service given internalTrafficPolicy Local (internal-local-no-endpoint). */
  | { readonly kind: 'internal-local'; readonly service: string };

const isRef = (ref: string, ns: string, name: string): boolean => ref === `${ns}/${name}`;

export function applyChange(base: ClusterModel, change: ClusterChange): ClusterModel {
  switch (change.kind) {
    case 'no-br-netfilter':
      return withoutBrNetfilter(base);
    case 'target-port-defaulted': {
      const svc = base.services.find((s) => isRef(change.service, s.namespace, s.name));
      return {
        ...base,
        services: base.services.map((s) => (s === svc ? { ...s, ports: s.ports.map((p) => ({ ...p, targetPort: p.port })) } : s)),
        endpointSlices: base.endpointSlices.map((es) =>
          isRef(change.service, es.namespace, es.serviceName) ? { ...es, ports: es.ports.map((p, i) => ({ ...p, port: svc?.ports[i]?.port ?? p.port })) } : es),
        assumptions: [...base.assumptions, `${change.service} has no targetPort in its spec, so it defaulted to its port, ${svc?.ports[0]?.port ?? '?'}; its pods listen on another port.`],
      };
    }
    case 'default-deny-ingress': {
      // Flannel enforces no NetworkPolicy: the question runs on calico-ipip, the calico.yaml manifest's default.
      const calico = withCni(base, 'calico-ipip');
      const policy: NetworkPolicyModel = { namespace: change.namespace, name: 'default-deny-ingress', podSelector: {}, policyTypes: ['Ingress'], ingress: [] };
      return {
        ...calico,
        networkPolicies: [...(calico.networkPolicies ?? []), policy],
        assumptions: [...calico.assumptions, `NetworkPolicy ${change.namespace}/default-deny-ingress (podSelector {}, policyTypes [Ingress], no ingress rules) selects every pod in namespace ${change.namespace}.`],
      };
    }
    case 'underlay-path-mtu':
      return {
        ...base,
        network: { ...base.network, underlayPathMtu: change.mtu },
        assumptions: [...base.assumptions, `The network between the nodes carries at most ${change.mtu}-byte packets, but every node's eth0 says MTU ${base.network.underlayMtu}.`],
      };
    case 'pod-deleted': {
      const pod = base.pods.find((p) => isRef(change.pod, p.namespace, p.name));
      return {
        ...base,
        pods: base.pods.filter((p) => p !== pod),
        endpointSlices: base.endpointSlices.map((es) => ({ ...es, endpoints: es.endpoints.filter((e) => e.pod !== change.pod) })),
        assumptions: [...base.assumptions, `The pod ${change.pod}${pod?.ip ? ` (${pod.ip})` : ''} was deleted: its IP is gone from its node and from every EndpointSlice.`],
      };
    }
    case 'external-local-nodeport':
      return {
        ...base,
        services: base.services.map((s) =>
          isRef(change.service, s.namespace, s.name)
            ? { ...s, type: 'NodePort' as const, externalTrafficPolicy: 'Local' as const, ports: s.ports.map((p, i) => ({ ...p, nodePort: i === 0 ? change.nodePort : p.nodePort })) }
            : s),
      };
    case 'internal-local':
      return {
        ...base,
        services: base.services.map((s) => (isRef(change.service, s.namespace, s.name) ? { ...s, internalTrafficPolicy: 'Local' as const } : s)),
      };
  }
}
