// One knob of a quiz variant turned, as plain data: the "what goes wrong" questions run on the
// variant with such a change, and the question's basis records it so the stepper (and the tests)
// can rebuild exactly the cluster the key was read from. The knobs are the failure scenarios' own
// (cluster/variants.ts, cluster/policy-variants.ts), turned on the variant's Service, pod or
// namespace; the assumptions keep the quiz's wording, which format-2 codes were made with.

import { withDefaultDenyIngressIn } from '../cluster/policy-variants.js';
import { withoutBrNetfilter, withPodDeleted, withServiceTargetPortDefaulted, withUnderlayPathMtu } from '../cluster/variants.js';
import type { ClusterModel } from '../cluster/model.js';

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
    case 'target-port-defaulted':
      return withServiceTargetPortDefaulted(base, change.service, 'its pods listen on another port');
    case 'default-deny-ingress':
      // Flannel enforces no NetworkPolicy: the question runs on calico-ipip, the calico.yaml manifest's
      // default, whatever the variant's CNI. Its prompt says "Calico (IPIP)", and format-2 codes keep it.
      return withDefaultDenyIngressIn(base, change.namespace, 'calico-ipip', null);
    case 'underlay-path-mtu':
      return withUnderlayPathMtu(base, change.mtu, `The network between the nodes carries at most ${change.mtu}-byte packets, but every node's eth0 says MTU ${base.network.underlayMtu}.`);
    case 'pod-deleted': {
      const ip = base.pods.find((p) => isRef(change.pod, p.namespace, p.name))?.ip;
      return withPodDeleted(base, change.pod, `The pod ${change.pod}${ip ? ` (${ip})` : ''} was deleted: its IP is gone from its node and from every EndpointSlice.`);
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
