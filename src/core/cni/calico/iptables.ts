// What Felix programs into the filter and nat tables of a node (iptables data plane), as
// iptables-save prints it. Structure and rule text follow projectcalico/calico felix/rules:
//   static.go     cali-FORWARD, the FORWARD append rules, cali-INPUT/OUTPUT (IPIP and VXLAN
//                 allow rules), cali-PREROUTING/OUTPUT/POSTROUTING (nat) with the tunnel MASQUERADE
//   nat.go        cali-nat-outgoing: -m set --match-set cali40masq-ipam-pools src
//                                    -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE
//   endpoints.go  cali-tw-<iface> / cali-fw-<iface>: conntrack rules, clear the policy marks,
//                 (egress) drop VXLAN/IPIP from workloads, policies of tier default, then the
//                 profiles kns.<ns> and ksa.<ns>.<sa>, and a final DROP
//   dispatch.go   cali-from-wl-dispatch / cali-to-wl-dispatch: -i/-o <iface> -g cali-fw/tw-<iface>
// Felix's default marks (IptablesMarkMask 0xffff0000): accept 0x10000, pass 0x20000, scratch
// 0x40000 and 0x80000. Felix starts every rule with a comment "cali:" + a 16-character hash of the
// chain and the rules before it; those hashes are not computed here and print as "cali:<hash>".

import type { ClusterModel, NodeModel, PodModel } from '../../cluster/model.js';
import type { IptRule } from '../../proxy/rule.js';
import { CALICO_MARK_BITS, CALICO_VXLAN_DEV, CALICO_VXLAN_PORT, caliVethName, fromWorkloadChain, IPIP_DEV, profileChain, toWorkloadChain } from './names.js';
import { policiesFor, policyChainName, policyChains } from './policy.js';

export const HASH_COMMENT = 'cali:<hash>';

const MARK_ACCEPT = '0x10000';

/** The pod's service account as Calico's ksa profile names it (the built-in pods use "default"; CoreDNS its own). */
export function serviceAccountOf(pod: PodModel): string {
  return pod.namespace === 'kube-system' && pod.name.startsWith('coredns-') ? 'coredns' : 'default';
}

export function workloadPods(cluster: ClusterModel, node: NodeModel): PodModel[] {
  return cluster.pods
    .filter((p) => p.nodeName === node.name && !p.hostNetwork && p.ip !== null)
    .sort((a, b) => caliVethName(a.namespace, a.name).localeCompare(caliVethName(b.namespace, b.name)));
}

export interface CalicoTables {
  /** Rules Felix inserts at the top of the built-in chains (before kube-proxy's jumps). */
  readonly inserted: IptRule[];
  /** Rules Felix appends to the built-in chains (after kube-proxy's jumps). */
  readonly appended: IptRule[];
  /** Felix's own chains' rules. */
  readonly rules: IptRule[];
  readonly chains: { readonly filter: string[]; readonly nat: string[] };
}

export function calicoIptables(cluster: ClusterModel, node: NodeModel): CalicoTables {
  const cni = cluster.network.cni;
  const inserted: IptRule[] = [];
  const appended: IptRule[] = [];
  const rules: IptRule[] = [];
  const filterChains = new Set<string>();
  const natChains = new Set<string>();
  const c = (...extra: string[]): string[] => ['-m', 'comment', '--comment', HASH_COMMENT, ...extra.flatMap((x) => ['-m', 'comment', '--comment', x])];
  const add = (to: IptRule[], table: 'filter' | 'nat', chain: string, args: string[]): void => {
    to.push({ table, chain, args, owner: 'calico' });
    if (!['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING'].includes(chain)) (table === 'filter' ? filterChains : natChains).add(chain);
  };
  const f = (chain: string, ...args: string[]): void => add(rules, 'filter', chain, args);
  const n = (chain: string, ...args: string[]): void => add(rules, 'nat', chain, args);
  const declare = (table: 'filter' | 'nat', ...chains: string[]): void => {
    for (const ch of chains) (table === 'filter' ? filterChains : natChains).add(ch);
  };
  const masq = cluster.proxy.randomFully ? ['-j', 'MASQUERADE', '--random-fully'] : ['-j', 'MASQUERADE'];

  // ---- filter: built-in chains
  add(inserted, 'filter', 'INPUT', [...c(), '-j', 'cali-INPUT']);
  add(inserted, 'filter', 'FORWARD', [...c(), '-j', 'cali-FORWARD']);
  add(inserted, 'filter', 'OUTPUT', [...c(), '-j', 'cali-OUTPUT']);
  add(appended, 'filter', 'FORWARD', [...c('Policy explicitly accepted packet.'), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'ACCEPT']);
  add(appended, 'filter', 'FORWARD', [...c(), '-j', 'MARK', '--set-xmark', `${MARK_ACCEPT}/${MARK_ACCEPT}`]);

  // ---- filter: cali-FORWARD and its dispatch chains
  declare('filter', 'cali-from-hep-forward', 'cali-to-hep-forward', 'cali-cidr-block');
  f('cali-FORWARD', ...c(), '-j', 'MARK', '--set-xmark', '0x0/0xe0000');
  f('cali-FORWARD', ...c(), '-m', 'mark', '--mark', `0x0/${MARK_ACCEPT}`, '-j', 'cali-from-hep-forward');
  f('cali-FORWARD', '-i', 'cali+', ...c(), '-j', 'cali-from-wl-dispatch');
  f('cali-FORWARD', '-o', 'cali+', ...c(), '-j', 'cali-to-wl-dispatch');
  f('cali-FORWARD', ...c(), '-j', 'cali-to-hep-forward');
  f('cali-FORWARD', ...c(), '-j', 'cali-cidr-block');

  // ---- filter: cali-INPUT / cali-OUTPUT (what lets the tunnel's outer packets through)
  declare('filter', 'cali-wl-to-host', 'cali-from-host-endpoint', 'cali-to-host-endpoint');
  if (cni === 'calico-ipip') {
    f('cali-INPUT', '-p', '4', ...c('Allow IPIP packets from Calico hosts'), '-m', 'set', '--match-set', 'cali40all-hosts-net', 'src', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'ACCEPT');
    f('cali-INPUT', '-p', '4', ...c('Drop IPIP packets from non-Calico hosts'), '-j', 'DROP');
  }
  if (cni === 'calico-vxlan') {
    f('cali-INPUT', '-p', 'udp', ...c('Allow IPv4 VXLAN packets from allowed hosts'), '-m', 'multiport', '--dports', String(CALICO_VXLAN_PORT), '-m', 'set', '--match-set', 'cali40all-vxlan-net', 'src', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'ACCEPT');
    f('cali-INPUT', '-p', 'udp', ...c('Drop IPv4 VXLAN packets from non-allowed hosts'), '-m', 'multiport', '--dports', String(CALICO_VXLAN_PORT), '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DROP');
  }
  f('cali-INPUT', '-i', 'cali+', ...c(), '-g', 'cali-wl-to-host');
  f('cali-INPUT', ...c(), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'ACCEPT');
  f('cali-INPUT', ...c(), '-j', 'MARK', '--set-xmark', '0x0/0xf0000');
  f('cali-INPUT', ...c(), '-j', 'cali-from-host-endpoint');
  f('cali-INPUT', ...c('Host endpoint policy accepted packet.'), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'ACCEPT');
  f('cali-wl-to-host', ...c(), '-j', 'cali-from-wl-dispatch');
  f('cali-wl-to-host', ...c('Configured DefaultEndpointToHostAction'), '-j', 'ACCEPT');
  f('cali-OUTPUT', ...c(), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'ACCEPT');
  f('cali-OUTPUT', '-o', 'cali+', ...c(), '-j', 'RETURN');
  if (cni === 'calico-ipip') {
    f('cali-OUTPUT', '-p', '4', ...c('Allow IPIP packets to other Calico hosts'), '-m', 'set', '--match-set', 'cali40all-hosts-net', 'dst', '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'ACCEPT');
  }
  if (cni === 'calico-vxlan') {
    f('cali-OUTPUT', '-p', 'udp', ...c('Allow IPv4 VXLAN packets to other allowed hosts'), '-m', 'multiport', '--dports', String(CALICO_VXLAN_PORT), '-m', 'addrtype', '--src-type', 'LOCAL', '-m', 'set', '--match-set', 'cali40all-vxlan-net', 'dst', '-j', 'ACCEPT');
  }
  f('cali-OUTPUT', ...c(), '-j', 'MARK', '--set-xmark', '0x0/0xf0000');
  f('cali-OUTPUT', ...c(), '-m', 'conntrack', '!', '--ctstate', 'DNAT', '-j', 'cali-to-host-endpoint');
  f('cali-OUTPUT', ...c('Host endpoint policy accepted packet.'), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'ACCEPT');

  // ---- filter: one pair of endpoint chains per local pod, and the dispatch chains to them
  const pods = workloadPods(cluster, node);
  for (const pod of pods) {
    const iface = caliVethName(pod.namespace, pod.name);
    f('cali-from-wl-dispatch', '-i', iface, ...c(), '-g', fromWorkloadChain(iface));
  }
  f('cali-from-wl-dispatch', ...c('Unknown interface'), '-j', 'DROP');
  for (const pod of pods) {
    const iface = caliVethName(pod.namespace, pod.name);
    f('cali-to-wl-dispatch', '-o', iface, ...c(), '-g', toWorkloadChain(iface));
  }
  f('cali-to-wl-dispatch', ...c('Unknown interface'), '-j', 'DROP');
  const profiles = new Set<string>();
  for (const pod of pods) {
    const iface = caliVethName(pod.namespace, pod.name);
    const own = [`kns.${pod.namespace}`, `ksa.${pod.namespace}.${serviceAccountOf(pod)}`];
    own.forEach((p) => profiles.add(p));
    for (const dir of ['in', 'out'] as const) {
      const chain = dir === 'in' ? toWorkloadChain(iface) : fromWorkloadChain(iface);
      f(chain, ...c(), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
      f(chain, ...c(), '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
      f(chain, ...c(), '-j', 'MARK', '--set-xmark', '0x0/0x30000');
      if (dir === 'out') {
        f(chain, '-p', 'udp', ...c('Drop VXLAN encapped packets originating in workloads'), '-m', 'multiport', '--dports', String(CALICO_VXLAN_PORT), '-j', 'DROP');
        f(chain, '-p', '4', ...c('Drop IPinIP encapped packets originating in workloads'), '-j', 'DROP');
      }
      const policies = dir === 'in' ? policiesFor(cluster, pod) : [];
      if (policies.length > 0) {
        f(chain, ...c('Start of tier default'), '-j', 'MARK', '--set-xmark', '0x0/0x20000');
        for (const pol of policies) {
          f(chain, ...c(), '-m', 'mark', '--mark', '0x0/0x20000', '-j', policyChainName('in', pol));
          f(chain, ...c('Return if policy accepted'), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'RETURN');
        }
        f(chain, ...c('Drop if no policies passed packet'), '-m', 'mark', '--mark', '0x0/0x20000', '-j', 'DROP');
      }
      for (const p of own) {
        f(chain, ...c(), '-j', profileChain(dir, p));
        f(chain, ...c('Return if profile accepted'), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'RETURN');
      }
      f(chain, ...c('Drop if no profiles matched'), '-j', 'DROP');
    }
  }
  // Profiles: a namespace's profile allows everything both ways; a service account's has no rules.
  for (const p of [...profiles].sort()) {
    for (const dir of ['in', 'out'] as const) {
      const chain = profileChain(dir, p);
      declare('filter', chain);
      if (p.startsWith('kns.')) {
        f(chain, ...c(), '-j', 'MARK', '--set-xmark', `${MARK_ACCEPT}/${MARK_ACCEPT}`);
        f(chain, ...c(), '-m', 'mark', '--mark', `${MARK_ACCEPT}/${MARK_ACCEPT}`, '-j', 'RETURN');
      }
    }
  }
  for (const r of policyChains(cluster, pods, c)) {
    if (r.args.length === 0) declare('filter', r.chain);
    else add(rules, 'filter', r.chain, [...r.args]);
  }

  // ---- nat
  add(inserted, 'nat', 'PREROUTING', [...c(), '-j', 'cali-PREROUTING']);
  add(inserted, 'nat', 'OUTPUT', [...c(), '-j', 'cali-OUTPUT']);
  add(inserted, 'nat', 'POSTROUTING', [...c(), '-j', 'cali-POSTROUTING']);
  declare('nat', 'cali-fip-dnat', 'cali-fip-snat');
  n('cali-PREROUTING', ...c(), '-j', 'cali-fip-dnat');
  n('cali-OUTPUT', ...c(), '-j', 'cali-fip-dnat');
  n('cali-POSTROUTING', ...c(), '-j', 'cali-fip-snat');
  n('cali-POSTROUTING', ...c(), '-j', 'cali-nat-outgoing');
  const tunnel = cni === 'calico-ipip' ? IPIP_DEV : cni === 'calico-vxlan' ? CALICO_VXLAN_DEV : null;
  if (tunnel !== null) {
    n('cali-POSTROUTING', '-o', tunnel, ...c(), '-m', 'addrtype', '!', '--src-type', 'LOCAL', '--limit-iface-out', '-m', 'addrtype', '--src-type', 'LOCAL', ...masq);
  }
  n('cali-nat-outgoing', ...c(), '-m', 'set', '--match-set', 'cali40masq-ipam-pools', 'src', '-m', 'set', '!', '--match-set', 'cali40all-ipam-pools', 'dst', ...masq);

  return { inserted, appended, rules, chains: { filter: [...filterChains], nat: [...natChains] } };
}

/**
 * Table raw in VXLAN mode, as restore input, from Felix's StaticRawPreroutingChain and
 * StaticRawOutputChain (felix/rules/static.go as in Calico v3.29; no WireGuard, no host endpoints). Both chains first
 * clear Felix's mark bits, so a locally made packet such as the outer VXLAN packet reaches filter
 * OUTPUT without the inner packet's accept mark; then "-p udp --dport 4789 -j NOTRACK" (Calico
 * v3.29 and later) keeps the outer VXLAN flow out of conntrack and so out of the nat table.
 * cali-PREROUTING's rp_filter check drops a packet from a cali+ device whose source would not be
 * routed back through that device. Null in the other modes: Felix writes the same mark-clearing and
 * rp_filter chains there (without the NOTRACK); the model leaves them out, and its IPIP encap hop
 * names the tunnel allow rule, as their mark clearing makes it.
 */
export function calicoRawRestore(cluster: ClusterModel): string | null {
  if (cluster.network.cni !== 'calico-vxlan') return null;
  const c = `-m comment --comment "${HASH_COMMENT}"`;
  const clear = `${c} -j MARK --set-xmark 0x0/0x${CALICO_MARK_BITS.toString(16)}`;
  const notrack = `-p udp ${c} -m udp --dport ${CALICO_VXLAN_PORT} -j NOTRACK`;
  const acceptMarked = `${c} -m mark --mark 0x10000/0x10000 -j ACCEPT`;
  return [
    '*raw',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':cali-OUTPUT - [0:0]',
    ':cali-PREROUTING - [0:0]',
    ':cali-from-host-endpoint - [0:0]',
    ':cali-rpf-skip - [0:0]',
    ':cali-to-host-endpoint - [0:0]',
    `-A PREROUTING ${c} -j cali-PREROUTING`,
    `-A OUTPUT ${c} -j cali-OUTPUT`,
    `-A cali-OUTPUT ${clear}`,
    `-A cali-OUTPUT ${c} -j cali-to-host-endpoint`,
    `-A cali-OUTPUT ${notrack}`,
    `-A cali-OUTPUT ${acceptMarked}`,
    `-A cali-PREROUTING ${clear}`,
    `-A cali-PREROUTING ${notrack}`,
    `-A cali-PREROUTING -i cali+ ${c} -j MARK --set-xmark 0x40000/0x40000`,
    `-A cali-PREROUTING ${c} -m mark --mark 0x40000/0x40000 -j cali-rpf-skip`,
    `-A cali-PREROUTING ${c} -m mark --mark 0x40000/0x40000 -m rpfilter --validmark --invert -j DROP`,
    `-A cali-PREROUTING ${c} -m mark --mark 0x0/0x40000 -j cali-from-host-endpoint`,
    `-A cali-PREROUTING ${acceptMarked}`,
    'COMMIT',
    '',
  ].join('\n');
}
