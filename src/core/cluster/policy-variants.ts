// NetworkPolicy variants of the built-in cluster, for the "what goes wrong" scenarios.

import { memoByObject } from '../memo.js';
import { isCalico } from '../cni/calico/names.js';
import { withCni } from './variants.js';
import type { ClusterModel, NetworkPolicyModel } from './model.js';

/** The Kubernetes docs' "default deny all ingress traffic" policy, in namespace default. */
export const DEFAULT_DENY_INGRESS: NetworkPolicyModel = {
  namespace: 'default',
  name: 'default-deny-ingress',
  podSelector: {},
  policyTypes: ['Ingress'],
  ingress: [],
};

/**
 * default-deny-ingress applied in namespace default, on a Calico data plane (Flannel enforces no
 * NetworkPolicy): the cluster's own Calico mode, or calico-ipip (the calico.yaml manifest's default).
 */
export const withDefaultDenyIngress = memoByObject((base: ClusterModel): ClusterModel => {
  const calico = isCalico(base.network.cni) ? base : withCni(base, 'calico-ipip');
  return {
    ...calico,
    networkPolicies: [...(calico.networkPolicies ?? []), DEFAULT_DENY_INGRESS],
    assumptions: [
      ...calico.assumptions,
      `NetworkPolicy default/default-deny-ingress (podSelector {}, policyTypes [Ingress], no ingress rules) selects every pod in namespace default; ${isCalico(base.network.cni) ? '' : 'the scenario runs on calico-ipip, the calico.yaml manifest\'s mode, because Flannel enforces no NetworkPolicy; '}Calico enforces it in filter FORWARD on the destination pod's node.`,
    ],
  };
});
