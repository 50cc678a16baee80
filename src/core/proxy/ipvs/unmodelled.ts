// What the simulator does not model in kube-proxy IPVS mode yet. Each is refused with one line
// (exit 2 on the command line) rather than traced wrongly.

import type { ClusterModel } from '../../cluster/model.js';
import { isCalico } from '../../cni/calico/names.js';
import type { TraceOptions } from '../../request.js';

export interface IpvsGap {
  readonly field: 'proxy-mode';
  readonly message: string;
}

/** The first gap this request falls into in IPVS mode, or null (also null in iptables mode). */
export function ipvsGap(cluster: ClusterModel, client: 'pod' | 'host' | 'external', options: TraceOptions): IpvsGap | null {
  if (cluster.proxy.mode !== 'ipvs') return null;
  if (client === 'host') {
    return { field: 'proxy-mode', message: 'a host-network client (--from node/NAME or a hostNetwork pod) is not simulated in IPVS mode yet: IPVS schedules its connections at LOCAL_OUT (ip_vs_local_request4), and the simulator models IPVS at LOCAL_IN only; use --proxy-mode iptables' };
  }
  if (options.staleEntryTo !== undefined) {
    return { field: 'proxy-mode', message: "a stale UDP flow (stale-udp-conntrack) is simulated in iptables mode only: in IPVS mode the flow lives in IPVS's own connection table, whose fate after an endpoint's deletion (kube-proxy's graceful deletion, net.ipv4.vs.expire_nodest_conn) is not modelled; use --proxy-mode iptables" };
  }
  if (isCalico(cluster.network.cni) && (cluster.networkPolicies?.length ?? 0) > 0) {
    return { field: 'proxy-mode', message: "NetworkPolicy is not simulated with kube-proxy in IPVS mode: Felix's rules for IPVS mode (its KubeIPVSSupportEnabled handling) are not modelled, so the trace would miss the policy; use --proxy-mode iptables" };
  }
  return null;
}
