// flanneld --ip-masq's rules (flannel pkg/trafficmngr/iptables/iptables.go), in the Rulespec order
// flannel writes them. Pod-to-pod traffic RETURNs (no SNAT); only traffic leaving the pod network,
// or entering it from a host, is masqueraded.

import type { ClusterModel, NodeModel } from '../cluster/model.js';
import type { IptRule } from '../proxy/rule.js';

/**
 * flannel pkg/trafficmngr: `const KubeProxyMark string = "0x4000/0x4000"`. A constant: flanneld does
 * not read kube-proxy's masqueradeBit, so with another bit its RETURN rule no longer matches.
 */
const KUBE_PROXY_MARK = '0x4000/0x4000';

export function flannelIptables(cluster: ClusterModel, node: NodeModel): IptRule[] {
  const net = cluster.network.podNetwork;
  const lease = node.podCIDR;
  const masq = cluster.proxy.randomFully ? ['-j', 'MASQUERADE', '--random-fully'] : ['-j', 'MASQUERADE'];
  const c = ['-m', 'comment', '--comment'];
  const out: IptRule[] = [];
  const nat = (chain: string, ...args: string[]): void => {
    out.push({ table: 'nat', chain, args, owner: 'flannel' });
  };
  const filter = (chain: string, ...args: string[]): void => {
    out.push({ table: 'filter', chain, args, owner: 'flannel' });
  };
  if (cluster.network.flannelIpMasq) {
    nat('POSTROUTING', ...c, 'flanneld masq', '-j', 'FLANNEL-POSTRTG');
    nat('FLANNEL-POSTRTG', '-m', 'mark', '--mark', KUBE_PROXY_MARK, ...c, 'flanneld masq', '-j', 'RETURN');
    nat('FLANNEL-POSTRTG', '-s', lease, '-d', net, ...c, 'flanneld masq', '-j', 'RETURN');
    nat('FLANNEL-POSTRTG', '-s', net, '-d', lease, ...c, 'flanneld masq', '-j', 'RETURN');
    nat('FLANNEL-POSTRTG', '!', '-s', net, '-d', lease, ...c, 'flanneld masq', '-j', 'RETURN');
    nat('FLANNEL-POSTRTG', '-s', net, '!', '-d', '224.0.0.0/4', ...c, 'flanneld masq', ...masq);
    nat('FLANNEL-POSTRTG', '!', '-s', net, '-d', net, ...c, 'flanneld masq', ...masq);
  }
  filter('FORWARD', ...c, 'flanneld forward', '-j', 'FLANNEL-FWD');
  filter('FLANNEL-FWD', '-s', net, ...c, 'flanneld forward', '-j', 'ACCEPT');
  filter('FLANNEL-FWD', '-d', net, ...c, 'flanneld forward', '-j', 'ACCEPT');
  return out;
}

export function flannelChains(cluster: ClusterModel): { nat: string[]; filter: string[] } {
  return { nat: cluster.network.flannelIpMasq ? ['FLANNEL-POSTRTG'] : [], filter: ['FLANNEL-FWD'] };
}
