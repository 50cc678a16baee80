// Cluster variants: the built-in cluster with one knob turned (the CNI backend, br_netfilter, an
// extra Service), for `--cni`, the failure scenarios and `trace --compare`. Each variant of one base
// object is built once, so the per-cluster caches of the core (memo.ts) keep working.

import { memoByObject, memoByObjectAndKey } from '../memo.js';
import type { ClusterModel, CniKind } from './model.js';
import { calicoAssumption } from '../cni/calico/ipam.js';
import { isCalico } from '../cni/calico/names.js';

const cniVariant = memoByObjectAndKey((base: ClusterModel, cni: CniKind): ClusterModel => {
  const c = { ...base, network: { ...base.network, cni } };
  // The built-in cluster says nothing of Calico's pool and blocks: say what is assumed.
  const note = isCalico(cni) ? calicoAssumption(c) : null;
  return note === null ? c : { ...c, assumptions: [...c.assumptions, note] };
});

/** The same cluster with another CNI data plane (routes, devices and encapsulation follow it). */
export function withCni(base: ClusterModel, cni: CniKind): ClusterModel {
  return base.network.cni === cni ? base : cniVariant(base, cni);
}

/**
 * --cni: the cluster with the chosen data plane (null: as it is). A --cluster dump says its own CNI
 * (flannel's net-conf.json), so --cni may only repeat it there; anything else is refused with one sentence.
 */
export function chooseCni(cluster: ClusterModel, cni: CniKind | null): { readonly ok: true; readonly cluster: ClusterModel } | { readonly ok: false; readonly reason: string } {
  if (cni === null || cni === cluster.network.cni) return { ok: true, cluster };
  if (cluster.source !== 'built-in') return { ok: false, reason: `--cni ${cni}: ${cluster.source} runs ${cluster.network.cni}; --cni changes the built-in cluster only` };
  return { ok: true, cluster: withCni(cluster, cni) };
}

/** The CNI data planes the simulator walks today. */
export const SIMULATED_CNIS: readonly CniKind[] = ['flannel-vxlan', 'flannel-host-gw', 'calico-bgp', 'calico-ipip', 'calico-vxlan'];

/** net.bridge.bridge-nf-call-iptables = 0 (br_netfilter not loaded): bridged frames skip iptables and conntrack. */
export const withoutBrNetfilter = memoByObject((base: ClusterModel): ClusterModel => ({
  ...base,
  network: { ...base.network, brNetfilter: false },
  assumptions: [...base.assumptions, 'net.bridge.bridge-nf-call-iptables is 0 on every node (br_netfilter not loaded), against the Kubernetes network-plugin requirement.'],
}));

/**
 * default/myapp written without targetPort: the API server defaults it to the Service port (80),
 * and the EndpointSlice controller publishes port 80 for every endpoint, while the pods listen on 8080.
 */
export const withTargetPortDefaulted = memoByObject((base: ClusterModel): ClusterModel => {
  const isMyapp = (ns: string, name: string) => ns === 'default' && name === 'myapp';
  return {
    ...base,
    services: base.services.map((s) =>
      isMyapp(s.namespace, s.name) ? { ...s, ports: s.ports.map((p) => ({ ...p, targetPort: p.port })) } : s),
    endpointSlices: base.endpointSlices.map((es) => {
      if (!isMyapp(es.namespace, es.serviceName)) return es;
      const svc = base.services.find((s) => isMyapp(s.namespace, s.name));
      return { ...es, ports: es.ports.map((p, i) => ({ ...p, port: svc?.ports[i]?.port ?? p.port })) };
    }),
    assumptions: [...base.assumptions, 'default/myapp has no targetPort in its spec, so it defaulted to its port, 80; its pods declare containerPort 8080.'],
  };
});
