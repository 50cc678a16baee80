// Kubernetes NetworkPolicy as Calico enforces it. Calico's kube-controllers turn each
// networking.k8s.io/v1 NetworkPolicy into a Calico policy named "knp.default.<name>" in tier
// "default", selecting the namespace's pods by the policy's podSelector; Felix renders each policy
// into a chain cali-pi-<policy> (ingress) that sets the accept mark 0x10000 for allowed packets, and
// jumps to it from the cali-tw-<iface> chain of every local pod it selects. A pod selected by an
// ingress policy that allows nothing for a packet hits "Drop if no policies passed packet".
// A policy chain's name is Felix's (GetLengthLimitedID over "<namespace>/knp.default.<name>", as a
// Calico v3.28 node names it); ipset names are a hash of Calico's selector in Felix ("cali40s:" +
// ...), which the model does not build, so they print as placeholders, <hash-N>, never as made-up
// hashes. The rules follow policy.go: per allowed peer and protocol, one rule that sets the accept
// mark and one that returns if it is set, the chain's last RETURN stripped, and the chain's comment
// "Policy <namespace>/knp.default.<name> ingress" on its first rule.

import type { ClusterModel, NetworkPolicyModel, NetworkPolicyPeerModel, PodModel, Protocol } from '../../cluster/model.js';
import { memoByObject } from '../../memo.js';
import { cidrContains } from '../../net/ipv4.js';
import { felixComment, felixRule, type FelixRule } from './felix-rule.js';
import { lengthLimitedId } from './names.js';

function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The ingress policies that select `pod`, by name (Calico orders policies of equal order by name). */
export function policiesFor(cluster: ClusterModel, pod: PodModel): NetworkPolicyModel[] {
  return (cluster.networkPolicies ?? [])
    .filter((p) => p.namespace === pod.namespace && p.policyTypes.includes('Ingress') && selects(p.podSelector, pod.labels))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function calicoPolicyName(p: NetworkPolicyModel): string {
  return `knp.default.${p.name}`;
}

export function policyChainName(direction: 'in' | 'out', p: NetworkPolicyModel): string {
  return lengthLimitedId(direction === 'in' ? 'cali-pi-' : 'cali-po-', `${p.namespace}/${calicoPolicyName(p)}`);
}

interface PolicySets {
  /** set name -> the pod IPs (or CIDRs) in it. */
  readonly members: Map<string, string[]>;
  /** policy key + rule index + peer index -> set name. */
  readonly names: Map<string, string>;
}

function peerMembers(cluster: ClusterModel, policy: NetworkPolicyModel, peer: NetworkPolicyPeerModel): string[] {
  if (peer.ipBlock !== null) return [peer.ipBlock];
  // A namespaceSelector matches namespaces by their labels, which a dump of these kinds does not
  // carry: the tour matches it against kubernetes.io/metadata.name only.
  const nsOk = (ns: string): boolean =>
    peer.namespaceSelector === null ? ns === policy.namespace : Object.entries(peer.namespaceSelector).every(([k, v]) => k === 'kubernetes.io/metadata.name' && v === ns);
  return cluster.pods
    .filter((p) => !p.hostNetwork && p.ip !== null && nsOk(p.namespace) && (peer.podSelector === null || selects(peer.podSelector, p.labels)))
    .map((p) => p.ip!);
}

export const policySets = memoByObject((cluster: ClusterModel): PolicySets => {
  const members = new Map<string, string[]>();
  const names = new Map<string, string>();
  let n = 0;
  for (const policy of cluster.networkPolicies ?? []) {
    policy.ingress.forEach((rule, r) => {
      rule.from.forEach((peer, i) => {
        const name = `cali40s:<hash-${++n}>`;
        names.set(`${policy.namespace}/${policy.name}|${r}|${i}`, name);
        members.set(name, peerMembers(cluster, policy, peer));
      });
    });
  }
  return { members, names };
});

export function inPolicySet(cluster: ClusterModel, set: string, ip: string): boolean | null {
  const m = policySets(cluster).members.get(set);
  if (m === undefined) return null;
  return m.some((x) => (x.includes('/') ? cidrContains(x, ip) : x === ip));
}

/** The rules of the policy chains of the policies selecting these pods, chain by chain, in Felix's form. */
export function policyChains(cluster: ClusterModel, pods: readonly PodModel[]): { chain: string; rule: FelixRule }[] {
  const out: { chain: string; rule: FelixRule }[] = [];
  const seen = new Set<string>();
  const sets = policySets(cluster);
  for (const pod of pods) {
    for (const policy of policiesFor(cluster, pod)) {
      const chain = policyChainName('in', policy);
      if (seen.has(chain)) continue;
      seen.add(chain);
      const rules: FelixRule[] = [];
      // A named port ("http") is the container port of that name on each selected pod; Felix matches
      // it with a named-port ipset (ip,proto:port). Here it becomes the union of those port numbers.
      const selected = cluster.pods.filter((p) => p.namespace === policy.namespace && selects(policy.podSelector, p.labels));
      policy.ingress.forEach((rule, r) => {
        const entries: { protocol: Protocol; port: number | null }[] = rule.ports.flatMap((p): { protocol: Protocol; port: number | null }[] => {
          if (typeof p.port === 'number' || p.port === null) return [{ protocol: p.protocol, port: p.port }];
          const name = p.port;
          return [...new Set(selected.flatMap((pod) => pod.containerPorts.filter((c) => c.name === name && c.protocol === p.protocol).map((c) => c.port)))].map((n) => ({ protocol: p.protocol, port: n }));
        });
        // Ports were given but none resolves (a name no selected pod declares): the rule admits nothing.
        if (rule.ports.length > 0 && entries.length === 0) return;
        const byProto: (Protocol | null)[] = rule.ports.length === 0 ? [null] : [...new Set(entries.map((e) => e.protocol))];
        const peers = rule.from.length === 0 ? [null] : rule.from.map((_, i) => sets.names.get(`${policy.namespace}/${policy.name}|${r}|${i}`)!);
        for (const set of peers) {
          for (const proto of byProto) {
            const mine = entries.filter((e) => e.protocol === proto);
            const anyPort = mine.some((e) => e.port === null);
            const match: string[] = [];
            if (proto !== null) match.push(`-p ${proto.toLowerCase()}`);
            if (set !== null) match.push(`-m set --match-set ${set} src`);
            if (proto !== null && !anyPort) match.push(`-m multiport --destination-ports ${[...new Set(mine.map((e) => String(e.port)))].join(',')}`);
            rules.push(felixRule(match, '--jump MARK --set-mark 0x10000/0x10000'));
            rules.push(felixRule(['-m mark --mark 0x10000/0x10000'], '--jump RETURN'));
          }
        }
      });
      // A RETURN at the end of a chain does nothing, so Felix leaves it out; a chain with no rules
      // keeps one that carries only its comment.
      while (rules.at(-1)?.action === '--jump RETURN') rules.pop();
      if (rules.length === 0) rules.push(felixRule([], ''));
      const comment = felixComment(`Policy ${policy.namespace}/${calicoPolicyName(policy)} ingress`);
      rules[0] = { ...rules[0]!, comments: [...rules[0]!.comments, comment] };
      for (const rule of rules) out.push({ chain, rule });
    }
  }
  return out;
}
