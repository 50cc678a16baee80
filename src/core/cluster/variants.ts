// Cluster variants: a cluster with one knob turned (the CNI backend, br_netfilter, a Service's
// targetPort, the node network's real MTU, a deleted pod), for `--cni`, the failure scenarios,
// `trace --compare` and the quiz's "what goes wrong" questions (quiz/cluster-change.ts), which turn
// the same knobs on their random variant. A variant the scenarios share is built once per base
// object (memoByObject), so the per-cluster caches of the core (memo.ts) keep working.

import { memoByObject, memoByObjectAndKey } from '../memo.js';
import type { ClusterModel, CniKind, EndpointModel } from './model.js';
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
 * The Service `service` ("namespace/name") written without targetPort: the API server defaults it
 * to the Service port, and the EndpointSlice controller publishes that port for every endpoint.
 * `podsListen` ends the assumption: what the pods really listen on.
 */
export function withServiceTargetPortDefaulted(base: ClusterModel, service: string, podsListen: string): ClusterModel {
  const isIt = (ns: string, name: string): boolean => service === `${ns}/${name}`;
  const svc = base.services.find((s) => isIt(s.namespace, s.name));
  return {
    ...base,
    services: base.services.map((s) => (isIt(s.namespace, s.name) ? { ...s, ports: s.ports.map((p) => ({ ...p, targetPort: p.port })) } : s)),
    endpointSlices: base.endpointSlices.map((es) =>
      isIt(es.namespace, es.serviceName) ? { ...es, ports: es.ports.map((p, i) => ({ ...p, port: svc?.ports[i]?.port ?? p.port })) } : es),
    assumptions: [...base.assumptions, `${service} has no targetPort in its spec, so it defaulted to its port, ${svc?.ports[0]?.port ?? '?'}; ${podsListen}.`],
  };
}

/** default/myapp written without targetPort: it defaults to 80, while the pods listen on 8080 (wrong-targetport). */
export const withTargetPortDefaulted = memoByObject((base: ClusterModel): ClusterModel =>
  withServiceTargetPortDefaulted(base, 'default/myapp', 'its pods declare containerPort 8080'));

/**
 * The node network carries at most `pathMtu` bytes while every node's eth0 says more (a VLAN or
 * tunnel the hypervisor adds): VXLAN packets built for eth0's MTU vanish on the way. `assumption`
 * says so in the scenario's own words.
 */
export function withUnderlayPathMtu(base: ClusterModel, pathMtu: number, assumption: string): ClusterModel {
  return {
    ...base,
    network: { ...base.network, underlayPathMtu: pathMtu },
    assumptions: [...base.assumptions, assumption],
  };
}

/** The pod `pod` ("namespace/name") deleted: gone from the pods and from every EndpointSlice. `assumption` says what that means for the scenario. */
export function withPodDeleted(base: ClusterModel, pod: string, assumption: string): ClusterModel {
  const gone = base.pods.find((p) => `${p.namespace}/${p.name}` === pod);
  // Its endpoints go with it: by targetRef, or by address for an endpoint written without one.
  const isIt = (e: EndpointModel): boolean => e.pod === pod || (e.pod === null && gone !== undefined && e.ip === gone.ip);
  return {
    ...base,
    pods: base.pods.filter((p) => p !== gone),
    endpointSlices: base.endpointSlices.map((es) => (es.endpoints.some(isIt) ? { ...es, endpoints: es.endpoints.filter((e) => !isIt(e)) } : es)),
    assumptions: [...base.assumptions, assumption],
  };
}
