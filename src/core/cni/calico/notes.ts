// What `rules` shows of a Calico node beyond iptables-save, and what it leaves out.

import type { ClusterModel } from '../../cluster/model.js';
import { isCalico } from './names.js';

/** One sentence each: what the printed Calico rules elide or assume. */
export function calicoRulesNotes(cluster: ClusterModel): string[] {
  if (!isCalico(cluster.network.cni)) return [];
  const notes = [
    'Felix starts every rule with a comment "cali:" + a 16-character hash of the chain and the rules before it (felix/iptables/rules.go); the hashes here are computed the same way. Checked against a Calico v3.28 node in VXLAN mode: the chains every node has, and the endpoint, dispatch and profile chains, agree rule for rule; the IPIP-mode rules and table raw were not compared with a real node.',
    'Only the filter and nat tables are shown: Felix also programs raw (cali-PREROUTING: anti-spoofing rp_filter checks on cali+ interfaces) and mangle chains.',
    'Felix writes "-p 4" for IP-in-IP; iptables-save prints the /etc/protocols name for protocol 4 (ipencap, or ipv4 on newer netbase).',
    'The ksa.<namespace>.<serviceaccount> profiles assume the service account "default" (kube-system\'s CoreDNS pods: "coredns"); a dump of these kinds does not show spec.serviceAccountName.',
  ];
  if (cluster.network.cni === 'calico-vxlan') {
    notes.push('In table raw Felix (v3.29 and later) adds "-p udp --dport 4789 -j NOTRACK" to cali-PREROUTING and cali-OUTPUT, so the outer VXLAN packets have no conntrack entry; earlier versions track them, like Flannel.');
  }
  if ((cluster.networkPolicies ?? []).length > 0) {
    notes.push('Felix names a selector ipset by a hash of Calico\'s selector, which is not built here: it prints as cali40s:<hash-N>, and the "cali:" hashes of rules that name it are computed over that placeholder. A policy rule is modelled as one rule per peer and protocol with its port numbers as given (named ports resolved to numbers, an ipBlock as a set); Calico\'s converter may group, order or match them differently, so the hashes of such rules need not be a real node\'s.');
  }
  return notes;
}
