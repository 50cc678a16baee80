// What `rules` shows of a Calico node beyond iptables-save, and what it leaves out.

import type { ClusterModel } from '../../cluster/model.js';
import { isCalico } from './names.js';

/** One sentence each: what the printed Calico rules elide or assume. */
export function calicoRulesNotes(cluster: ClusterModel): string[] {
  if (!isCalico(cluster.network.cni)) return [];
  const notes = [
    'Felix starts every rule with a comment "cali:" + a 16-character hash of the chain and its rules; the hashes are not computed here and print as "cali:<hash>".',
    'Only the filter and nat tables are shown: Felix also programs raw (cali-PREROUTING: anti-spoofing rp_filter checks on cali+ interfaces) and mangle chains.',
    'Felix writes "-p 4" for IP-in-IP; iptables-save prints the /etc/protocols name for protocol 4 (ipencap, or ipv4 on newer netbase).',
    'Dispatch chains are flat here; with many pods Felix splits cali-from-wl-dispatch and cali-to-wl-dispatch into a tree by interface-name prefix.',
    'The ksa.<namespace>.<serviceaccount> profiles assume the service account "default" (kube-system\'s CoreDNS pods: "coredns"); a dump of these kinds does not show spec.serviceAccountName.',
  ];
  if (cluster.network.cni === 'calico-vxlan') {
    notes.push('In table raw Felix (v3.29 and later) adds "-p udp --dport 4789 -j NOTRACK" to cali-PREROUTING and cali-OUTPUT, so the outer VXLAN packets have no conntrack entry; earlier versions track them, like Flannel.');
  }
  if ((cluster.networkPolicies ?? []).length > 0) {
    notes.push('Policy chains and selector ipsets are named by hashes in Felix; they print as cali-pi-_<knp.default.NAME> and cali40s:<hash-N>.');
  }
  return notes;
}
