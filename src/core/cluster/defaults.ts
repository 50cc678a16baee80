// Documented defaults: what a cluster gets when its source does not say. Each value names its origin.

import type { DnsConfigModel, NetworkConfigModel, ProxyConfigModel } from './model.js';

/** kube-proxy defaults (pkg/proxy/apis/config/v1alpha1/defaults.go): iptables mode, masqueradeBit 14. */
export const DEFAULT_PROXY: ProxyConfigModel = {
  mode: 'iptables',
  clusterCIDR: '10.244.0.0/16',
  masqueradeAll: false,
  masqueradeBit: 14,
  randomFully: true,
};

/** kube-flannel.yml net-conf, kubeadm's service subnet, a 1500-byte underlay, br_netfilter loaded. */
export const DEFAULT_NETWORK: NetworkConfigModel = {
  cni: 'flannel-vxlan',
  podNetwork: '10.244.0.0/16',
  serviceCIDR: '10.96.0.0/12',
  vxlan: { vni: 1, port: 8472 },
  underlayMtu: 1500,
  brNetfilter: true,
  flannelIpMasq: true,
};

/** kubelet ClusterFirst: kubeadm's clusterDNS 10.96.0.10, domain cluster.local, ndots:5. */
export const DEFAULT_DNS: DnsConfigModel = {
  clusterDomain: 'cluster.local',
  nameserver: '10.96.0.10',
  nodeSearch: [],
  ndots: 5,
};

/**
 * The mark kube-proxy's KUBE-MARK-MASQ sets, 1 << masqueradeBit, spelled as kube-proxy writes it:
 * fmt.Sprintf("%#08x", ...) pads the digits to eight, so bit 14 is "0x00004000" (iptables-save
 * prints it back as 0x4000).
 */
export function masqueradeMark(bit: number): string {
  return `0x${(2 ** bit).toString(16).padStart(8, '0')}`;
}
