// What Felix programs into the filter and nat tables of a node (iptables data plane), as
// iptables-save prints it. Structure and rule text follow projectcalico/calico felix/rules:
//   static.go     cali-FORWARD, the FORWARD append rules, cali-INPUT/OUTPUT (IPIP and VXLAN
//                 allow rules), cali-PREROUTING/OUTPUT/POSTROUTING (nat) with the tunnel MASQUERADE
//   nat.go        cali-nat-outgoing: -m set --match-set cali40masq-ipam-pools src
//                                    -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE
//   endpoints.go  cali-tw-<iface> / cali-fw-<iface>: conntrack rules, clear the policy marks,
//                 (egress) drop VXLAN/IPIP from workloads, policies of tier default, then the
//                 profiles kns.<ns> and ksa.<ns>.<sa>, and a final DROP
//   dispatch.go   cali-from-wl-dispatch / cali-to-wl-dispatch: -i/-o <iface> -g cali-fw/tw-<iface>,
//                 in a one-level tree by interface-name prefix (dispatch.ts)
// Felix's default marks (IptablesMarkMask 0xffff0000): accept 0x10000, pass 0x20000, scratch
// 0x40000 and 0x80000. Rules are written as Felix renders them (felix-rule.ts), which gives each its
// "cali:" hash. Compared with a Calico v3.28 node in VXLAN mode (test/core/trace/calico-hashes.test.ts):
// its static, endpoint, dispatch and profile chains agree rule for rule; the IPIP-mode rules, table
// raw (v3.29's, below) and policy rules beyond a single port were not compared.

import type { ClusterModel, NodeModel, PodModel } from '../../cluster/model.js';
import type { IptRule } from '../../proxy/rule.js';
import { CALICO_MARK_BITS, CALICO_VXLAN_DEV, CALICO_VXLAN_PORT, caliVethName, fromWorkloadChain, IPIP_DEV, profileChain, toWorkloadChain } from './names.js';
import { saveString } from '../../proxy/save-format.js';
import { dispatchChains } from './dispatch.js';
import { felixRule, felixRuleHashes, felixSaveArgs, type FelixRule } from './felix-rule.js';
import { policiesFor, policyChainName, policyChains } from './policy.js';

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
  const pending: Pending[] = [];
  const filterChains = new Set<string>();
  const natChains = new Set<string>();
  const add = (to: Pending['to'], table: 'filter' | 'nat', chain: string, rule: FelixRule): void => {
    pending.push({ to, table, chain, rule });
    if (!BUILTINS.has(chain)) (table === 'filter' ? filterChains : natChains).add(chain);
  };
  const f = (chain: string, rule: FelixRule): void => add('rules', 'filter', chain, rule);
  const n = (chain: string, rule: FelixRule): void => add('rules', 'nat', chain, rule);
  const declare = (table: 'filter' | 'nat', ...chains: string[]): void => {
    for (const ch of chains) (table === 'filter' ? filterChains : natChains).add(ch);
  };
  const masq = cluster.proxy.randomFully ? '--jump MASQUERADE --random-fully' : '--jump MASQUERADE';
  const accepted = `-m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT}`;

  // ---- filter: built-in chains
  add('inserted', 'filter', 'INPUT', felixRule([], '--jump cali-INPUT'));
  add('inserted', 'filter', 'FORWARD', felixRule([], '--jump cali-FORWARD'));
  add('inserted', 'filter', 'OUTPUT', felixRule([], '--jump cali-OUTPUT'));
  add('appended', 'filter', 'FORWARD', felixRule([accepted], '--jump ACCEPT', 'Policy explicitly accepted packet.'));
  add('appended', 'filter', 'FORWARD', felixRule([], `--jump MARK --set-mark ${MARK_ACCEPT}/${MARK_ACCEPT}`));

  // ---- filter: cali-FORWARD and its dispatch chains
  declare('filter', 'cali-from-hep-forward', 'cali-to-hep-forward', 'cali-cidr-block');
  f('cali-FORWARD', felixRule([], '--jump MARK --set-mark 0/0xe0000'));
  f('cali-FORWARD', felixRule([`-m mark --mark 0/${MARK_ACCEPT}`], '--jump cali-from-hep-forward'));
  f('cali-FORWARD', felixRule(['--in-interface cali+'], '--jump cali-from-wl-dispatch'));
  f('cali-FORWARD', felixRule(['--out-interface cali+'], '--jump cali-to-wl-dispatch'));
  f('cali-FORWARD', felixRule([], '--jump cali-to-hep-forward'));
  f('cali-FORWARD', felixRule([], '--jump cali-cidr-block'));

  // ---- filter: cali-INPUT / cali-OUTPUT (what lets the tunnel's outer packets through)
  declare('filter', 'cali-wl-to-host', 'cali-from-host-endpoint', 'cali-to-host-endpoint');
  const vxlanPort = `-m multiport --destination-ports ${CALICO_VXLAN_PORT}`;
  if (cni === 'calico-ipip') {
    f('cali-INPUT', felixRule(['-p 4', '-m set --match-set cali40all-hosts-net src', '-m addrtype --dst-type LOCAL'], '--jump ACCEPT', 'Allow IPIP packets from Calico hosts'));
    f('cali-INPUT', felixRule(['-p 4'], '--jump DROP', 'Drop IPIP packets from non-Calico hosts'));
  }
  if (cni === 'calico-vxlan') {
    f('cali-INPUT', felixRule(['-p 17', vxlanPort, '-m set --match-set cali40all-vxlan-net src', '-m addrtype --dst-type LOCAL'], '--jump ACCEPT', 'Allow IPv4 VXLAN packets from allowed hosts'));
    f('cali-INPUT', felixRule(['-p 17', vxlanPort, '-m addrtype --dst-type LOCAL'], '--jump DROP', 'Drop IPv4 VXLAN packets from non-allowed hosts'));
  }
  f('cali-INPUT', felixRule(['--in-interface cali+'], '--goto cali-wl-to-host'));
  f('cali-INPUT', felixRule([accepted], '--jump ACCEPT'));
  f('cali-INPUT', felixRule([], '--jump MARK --set-mark 0/0xf0000'));
  f('cali-INPUT', felixRule([], '--jump cali-from-host-endpoint'));
  f('cali-INPUT', felixRule([accepted], '--jump ACCEPT', 'Host endpoint policy accepted packet.'));
  f('cali-wl-to-host', felixRule([], '--jump cali-from-wl-dispatch'));
  f('cali-wl-to-host', felixRule([], '--jump ACCEPT', 'Configured DefaultEndpointToHostAction'));
  f('cali-OUTPUT', felixRule([accepted], '--jump ACCEPT'));
  f('cali-OUTPUT', felixRule(['--out-interface cali+'], '--jump RETURN'));
  if (cni === 'calico-ipip') {
    f('cali-OUTPUT', felixRule(['-p 4', '-m set --match-set cali40all-hosts-net dst', '-m addrtype --src-type LOCAL'], '--jump ACCEPT', 'Allow IPIP packets to other Calico hosts'));
  }
  if (cni === 'calico-vxlan') {
    f('cali-OUTPUT', felixRule(['-p 17', vxlanPort, '-m addrtype --src-type LOCAL', '-m set --match-set cali40all-vxlan-net dst'], '--jump ACCEPT', 'Allow IPv4 VXLAN packets to other allowed hosts'));
  }
  f('cali-OUTPUT', felixRule([], '--jump MARK --set-mark 0/0xf0000'));
  f('cali-OUTPUT', felixRule(['-m conntrack ! --ctstate DNAT'], '--jump cali-to-host-endpoint'));
  f('cali-OUTPUT', felixRule([accepted], '--jump ACCEPT', 'Host endpoint policy accepted packet.'));

  // ---- filter: one pair of endpoint chains per local pod, and the dispatch chains to them
  const pods = workloadPods(cluster, node);
  const ifaces = pods.map((pod) => caliVethName(pod.namespace, pod.name));
  for (const d of dispatchChains('cali-from-wl-dispatch', '--in-interface', ifaces, fromWorkloadChain)) f(d.chain, d.rule);
  for (const d of dispatchChains('cali-to-wl-dispatch', '--out-interface', ifaces, toWorkloadChain)) f(d.chain, d.rule);
  const profiles = new Set<string>();
  for (const pod of pods) {
    const iface = caliVethName(pod.namespace, pod.name);
    const own = [`kns.${pod.namespace}`, `ksa.${pod.namespace}.${serviceAccountOf(pod)}`];
    own.forEach((p) => profiles.add(p));
    for (const dir of ['in', 'out'] as const) {
      const chain = dir === 'in' ? toWorkloadChain(iface) : fromWorkloadChain(iface);
      f(chain, felixRule(['-m conntrack --ctstate RELATED,ESTABLISHED'], '--jump ACCEPT'));
      f(chain, felixRule(['-m conntrack --ctstate INVALID'], '--jump DROP'));
      f(chain, felixRule([], '--jump MARK --set-mark 0/0x30000'));
      if (dir === 'out') {
        f(chain, felixRule(['-p 17', vxlanPort], '--jump DROP', 'Drop VXLAN encapped packets originating in workloads'));
        f(chain, felixRule(['-p 4'], '--jump DROP', 'Drop IPinIP encapped packets originating in workloads'));
      }
      // Tier default: the MARK above cleared the pass bit too, so there is no separate start-of-tier rule.
      const policies = dir === 'in' ? policiesFor(cluster, pod) : [];
      if (policies.length > 0) {
        for (const pol of policies) {
          f(chain, felixRule(['-m mark --mark 0/0x20000'], `--jump ${policyChainName('in', pol)}`));
          f(chain, felixRule([accepted], '--jump RETURN', 'Return if policy accepted'));
        }
        f(chain, felixRule(['-m mark --mark 0/0x20000'], '--jump DROP', 'Drop if no policies passed packet'));
      }
      for (const p of own) {
        f(chain, felixRule([], `--jump ${profileChain(dir, p)}`));
        f(chain, felixRule([accepted], '--jump RETURN', 'Return if profile accepted'));
      }
      f(chain, felixRule([], '--jump DROP', 'Drop if no profiles matched'));
    }
  }
  // Profiles (policy.go ProfileToIptablesChains): a namespace's profile allows everything both ways,
  // one rule that sets the accept mark (its trailing RETURN is stripped); a service account's has no
  // rules, so Felix writes one rule that only carries the chain's comment.
  for (const p of [...profiles].sort()) {
    for (const dir of ['in', 'out'] as const) {
      const comment = `Profile ${p} ${dir === 'in' ? 'ingress' : 'egress'}`;
      f(profileChain(dir, p), p.startsWith('kns.') ? felixRule([], `--jump MARK --set-mark ${MARK_ACCEPT}/${MARK_ACCEPT}`, comment) : felixRule([], '', comment));
    }
  }
  for (const { chain, rule } of policyChains(cluster, pods)) f(chain, rule);

  // ---- nat
  add('inserted', 'nat', 'PREROUTING', felixRule([], '--jump cali-PREROUTING'));
  add('inserted', 'nat', 'OUTPUT', felixRule([], '--jump cali-OUTPUT'));
  add('inserted', 'nat', 'POSTROUTING', felixRule([], '--jump cali-POSTROUTING'));
  declare('nat', 'cali-fip-dnat', 'cali-fip-snat');
  n('cali-PREROUTING', felixRule([], '--jump cali-fip-dnat'));
  n('cali-OUTPUT', felixRule([], '--jump cali-fip-dnat'));
  n('cali-POSTROUTING', felixRule([], '--jump cali-fip-snat'));
  n('cali-POSTROUTING', felixRule([], '--jump cali-nat-outgoing'));
  const tunnel = cni === 'calico-ipip' ? IPIP_DEV : cni === 'calico-vxlan' ? CALICO_VXLAN_DEV : null;
  if (tunnel !== null) {
    n('cali-POSTROUTING', felixRule([`--out-interface ${tunnel}`, '-m addrtype ! --src-type LOCAL --limit-iface-out', '-m addrtype --src-type LOCAL'], masq));
  }
  n('cali-nat-outgoing', felixRule(['-m set --match-set cali40masq-ipam-pools src', '-m set ! --match-set cali40all-ipam-pools dst'], masq));

  const rules = withHashes(pending);
  const listOf = (to: Pending['to']): IptRule[] => rules.filter((_, i) => pending[i]!.to === to);
  return { inserted: listOf('inserted'), appended: listOf('appended'), rules: listOf('rules'), chains: { filter: [...filterChains], nat: [...natChains] } };
}

const BUILTINS = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);

/** A rule waiting for its hash: where it goes (inserted into a built-in chain, appended to one, or in Felix's own chains). */
interface Pending {
  readonly to: 'inserted' | 'appended' | 'rules';
  readonly table: 'filter' | 'nat';
  readonly chain: string;
  readonly rule: FelixRule;
}

/**
 * Each rule as the model holds it, with its "cali:" hash: every chain's rules are hashed together,
 * in order, the appended ones under "<chain>*appends*" (felix/iptables/table.go).
 */
function withHashes(pending: readonly Pending[]): IptRule[] {
  const groups = new Map<string, number[]>();
  pending.forEach((p, i) => {
    const key = `${p.to === 'appended' ? 'appended' : 'own'}|${p.table}|${p.chain}`;
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(i);
  });
  const hashes: string[] = [];
  for (const indexes of groups.values()) {
    const first = pending[indexes[0]!]!;
    const name = first.to === 'appended' ? `${first.chain}*appends*` : first.chain;
    felixRuleHashes(name, indexes.map((i) => pending[i]!.rule)).forEach((h, k) => (hashes[indexes[k]!] = h));
  }
  return pending.map((p, i) => ({ table: p.table, chain: p.chain, args: felixSaveArgs(p.rule, hashes[i]!), owner: 'calico' }));
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
  const clear = felixRule([], `--jump MARK --set-mark 0/0x${CALICO_MARK_BITS.toString(16)}`);
  // static.go writes this one with Protocol("udp").DestPort(port), not ProtocolNum(17) as elsewhere.
  const notrack = felixRule(['-p udp', `--dport ${CALICO_VXLAN_PORT}`], '--jump NOTRACK');
  const acceptMarked = felixRule([`-m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT}`], '--jump ACCEPT');
  const chains: [string, FelixRule[]][] = [
    ['PREROUTING', [felixRule([], '--jump cali-PREROUTING')]],
    ['OUTPUT', [felixRule([], '--jump cali-OUTPUT')]],
    ['cali-OUTPUT', [clear, felixRule([], '--jump cali-to-host-endpoint'), notrack, acceptMarked]],
    ['cali-PREROUTING', [
      clear,
      notrack,
      felixRule(['--in-interface cali+'], '--jump MARK --set-mark 0x40000/0x40000'),
      felixRule(['-m mark --mark 0x40000/0x40000'], '--jump cali-rpf-skip'),
      felixRule(['-m mark --mark 0x40000/0x40000', '-m rpfilter --invert --validmark'], '--jump DROP'),
      felixRule(['-m mark --mark 0/0x40000'], '--jump cali-from-host-endpoint'),
      acceptMarked,
    ]],
  ];
  const lines = chains.flatMap(([chain, rules]) => {
    const hashes = felixRuleHashes(chain, rules);
    return rules.map((r, i) => ['-A', chain, ...felixSaveArgs(r, hashes[i]!).map((a, k, all) => (all[k - 1] === '--comment' ? saveString(a) : a))].join(' '));
  });
  return [
    '*raw',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':cali-OUTPUT - [0:0]',
    ':cali-PREROUTING - [0:0]',
    ':cali-from-host-endpoint - [0:0]',
    ':cali-rpf-skip - [0:0]',
    ':cali-to-host-endpoint - [0:0]',
    ...lines,
    'COMMIT',
    '',
  ].join('\n');
}
