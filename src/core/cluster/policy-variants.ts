// NetworkPolicy variants, for the "what goes wrong" scenarios and quiz questions.

import { memoByObject } from '../memo.js';
import { isCalico } from '../cni/calico/names.js';
import { withCni } from './variants.js';
import type { ClusterModel, CniKind, NetworkPolicyModel } from './model.js';

/** A Calico data plane: Flannel enforces no NetworkPolicy, so a policy scenario needs one of these. */
type CalicoCni = Extract<CniKind, `calico-${string}`>;

/** The Kubernetes docs' "default deny all ingress traffic" policy, in a namespace. */
function defaultDenyIngress(namespace: string): NetworkPolicyModel {
  return { namespace, name: 'default-deny-ingress', podSelector: {}, policyTypes: ['Ingress'], ingress: [] };
}

/**
 * default-deny-ingress applied in `namespace`, on the Calico data plane `cni`. `enforcement`, when
 * given, ends the assumption: where and how Calico enforces it.
 */
export function withDefaultDenyIngressIn(base: ClusterModel, namespace: string, cni: CalicoCni, enforcement: string | null): ClusterModel {
  const calico = withCni(base, cni);
  return {
    ...calico,
    networkPolicies: [...(calico.networkPolicies ?? []), defaultDenyIngress(namespace)],
    assumptions: [
      ...calico.assumptions,
      `NetworkPolicy ${namespace}/default-deny-ingress (podSelector {}, policyTypes [Ingress], no ingress rules) selects every pod in namespace ${namespace}${enforcement === null ? '' : `; ${enforcement}`}.`,
    ],
  };
}

/**
 * default-deny-ingress applied in namespace default (networkpolicy-deny): on the cluster's own Calico
 * mode, or on calico-ipip (the calico.yaml manifest's default) when it runs Flannel.
 */
export const withDefaultDenyIngress = memoByObject((base: ClusterModel): ClusterModel => {
  const own = base.network.cni;
  const switched = isCalico(own) ? '' : 'the scenario runs on calico-ipip, the calico.yaml manifest\'s mode, because Flannel enforces no NetworkPolicy; ';
  return withDefaultDenyIngressIn(base, 'default', isCalico(own) ? own : 'calico-ipip', `${switched}Calico enforces it in filter FORWARD on the destination pod's node`);
});
