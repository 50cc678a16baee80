// Felix's "cali:" rule hashes, checked against a real node: the iptables output of a Calico v3.28.0
// node in VXLAN mode (Kubernetes 1.30, calico-node and tigera-operator v1.34 defaults, iptables
// data plane, published in a public setup guide). Every chain Felix writes the same on any node is
// compared rule by rule with what `rules` prints; the per-pod, per-profile and per-policy chains
// have that node's own names, so there the hash function is fed the node's chains in Felix's form.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { withDefaultDenyIngress } from '../../../src/core/cluster/policy-variants.js';
import { dispatchChains } from '../../../src/core/cni/calico/dispatch.js';
import { felixRule, felixRuleHashes, felixSaveArgs, type FelixRule } from '../../../src/core/cni/calico/felix-rule.js';
import { caliVethName, fromWorkloadChain, toWorkloadChain } from '../../../src/core/cni/calico/names.js';
import { readClusterDump } from '../../../src/core/cluster/reader.js';
import { simulate } from '../../../src/core/trace.js';
import { generateClusterDump } from '../../support/generate-dump.js';
import { calicoRawRestore } from '../../../src/core/cni/calico/iptables.js';
import { policyChainName } from '../../../src/core/cni/calico/policy.js';
import { nodeTables } from '../../../src/core/proxy/node-tables.js';
import { renderIptablesSave } from '../../../src/core/proxy/render-rules.js';

/** chain -> the hashes the v3.28 node shows, in order (each chain as iptables -L listed it). */
const REAL_NODE: Readonly<Record<string, readonly string[]>> = {
  'filter INPUT': ['Cz_u1IQiXIMmKD4c'],
  'filter FORWARD': ['wUHhoiAYhphO9Mso', 'S93hcgKJrXEqnTfs', 'mp77cMpurHhyjLrM'],
  'filter OUTPUT': ['tVnHkvAo15HuiPy0'],
  'filter cali-FORWARD': ['vjrMJCRpqwy5oRoX', 'A_sPAO0mcxbT9mOV', '8ZoYfO5HKXWbB3pk', 'jdEuaPBe14V2hutn', '12bc6HljsMKsmfr-', 'NOSxoaGx8OIstr1z'],
  'filter cali-INPUT': ['J76FwxInZIsk7uKY', 'EDCNTTxYfggApx8C', 'H03xYXARh4e8pwd4', 'MN6K3isIWBigb1Va', 'OSYphBLwOgic22Hz', 'rmi2_piRVmfeiwVp', 'F7Q8zu44qIbOVben'],
  'filter cali-OUTPUT': ['Mq1_rAdXXH3YkrzW', '69FkRTJDvD5Vu6Vl', '-QZG79DohFjalQBb', 'iC1pSPgbvgQzkUk_', '4Zh7KtRvt4W5AEBR', 'Y0k-bqjt-5CUqyUq'],
  'filter cali-wl-to-host': ['Ee9Sbo10IpVujdIY', 'nSZbcOoG1xPONxb8'],
  'nat PREROUTING': ['6gwbT8clXdHdC1b1'],
  'nat OUTPUT': ['tVnHkvAo15HuiPy0'],
  'nat POSTROUTING': ['O3lYWMrLQYEMJtB5'],
  'nat cali-PREROUTING': ['r6XmIziWUJsdOK6Z'],
  'nat cali-OUTPUT': ['GBTAv2p5CwevEyJm'],
  'nat cali-POSTROUTING': ['Z-c7XtVd2Bq7s_hA', 'nYKhEzDlr11Jccal', 'e9dnSgSVNmIcpVhP'],
  'nat cali-nat-outgoing': ['flqWnvo8yq4ULQLa'],
};

/** The "cali:" hashes `rules` prints for one chain of one table, in order. */
function printedHashes(save: string, table: string, chain: string): string[] {
  const section = save.split('*').find((s) => s.startsWith(`${table}\n`)) ?? '';
  return [...section.matchAll(new RegExp(`^-A ${chain} .*?"cali:([A-Za-z0-9_-]{16})"`, 'gm'))].map((m) => m[1]!);
}

describe('rules --cni calico-vxlan: the hashes of a Calico v3.28 node', () => {
  const cluster = withCni(BUILTIN_CLUSTER, 'calico-vxlan');
  const save = renderIptablesSave(nodeTables(cluster, cluster.nodes[0]!));

  it.each(Object.entries(REAL_NODE))('%s', (key, hashes) => {
    const [table, chain] = key.split(' ') as [string, string];
    expect(printedHashes(save, table, chain)).toEqual(hashes);
  });

  it('every Calico rule has a hash, and no placeholder is left', () => {
    expect(save).not.toContain('<hash>');
    for (const line of save.split('\n').filter((l) => l.startsWith('-A ') && l.includes('cali'))) {
      if (/-A (KUBE|FLANNEL)/.test(line)) continue;
      expect(line).toMatch(/--comment "cali:[A-Za-z0-9_-]{16}"/);
    }
  });

  it('table raw hashes its chains the same way', () => {
    const raw = calicoRawRestore(cluster)!;
    expect(raw).toContain('-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING');
    expect(raw).not.toContain('<hash>');
  });
});

describe("felixRuleHashes on that node's own endpoint, profile and policy chains", () => {
  const accepted = '-m mark --mark 0x10000/0x10000';
  const cases: [string, FelixRule[], string[]][] = [
    [
      'cali-tw-cali1dac8782bdb',
      [
        felixRule(['-m conntrack --ctstate RELATED,ESTABLISHED'], '--jump ACCEPT'),
        felixRule(['-m conntrack --ctstate INVALID'], '--jump DROP'),
        felixRule([], '--jump MARK --set-mark 0/0x30000'),
        felixRule(['-m mark --mark 0/0x20000'], '--jump cali-pi-_3CJ_GmvE9pcCktVJ2ep'),
        felixRule([accepted], '--jump RETURN', 'Return if policy accepted'),
        felixRule(['-m mark --mark 0/0x20000'], '--jump DROP', 'Drop if no policies passed packet'),
        felixRule([], '--jump cali-pri-_kJqfZpgUe7r2t4A-14'),
        felixRule([accepted], '--jump RETURN', 'Return if profile accepted'),
        felixRule([], '--jump cali-pri-_4yi5_iSUAwsU8zMHTk'),
        felixRule([accepted], '--jump RETURN', 'Return if profile accepted'),
        felixRule([], '--jump DROP', 'Drop if no profiles matched'),
      ],
      ['pZCSozePUt12JjYr', 'A2w3HQa4qF2hpRLf', 'Hldf7OOaxwfrGE_R', '-8I24aar_tGKdtnp', 'j7Un6mGzIALoy9bd', 'igRLwP2_X1SGpxjf', '7JB2IpJDPRxQwzx5', 'W_75Fxd5jgZYCBHH', '6uxk--WQaBWiJbzt', 'V14_62kBGCNH6J4S', '-sAvaS7VGObTCxWi'],
    ],
    [
      'cali-fw-cali1dac8782bdb',
      [
        felixRule(['-m conntrack --ctstate RELATED,ESTABLISHED'], '--jump ACCEPT'),
        felixRule(['-m conntrack --ctstate INVALID'], '--jump DROP'),
        felixRule([], '--jump MARK --set-mark 0/0x30000'),
        felixRule(['-p 17', '-m multiport --destination-ports 4789'], '--jump DROP', 'Drop VXLAN encapped packets originating in workloads'),
        felixRule(['-p 4'], '--jump DROP', 'Drop IPinIP encapped packets originating in workloads'),
      ],
      ['ewXlV09BwxlTmEX-', '6_-94GUCd3jeMzuW', 'gj5Txhi9uVaB6bDT', 'OPts9jGapGnT2WV8', 'Usb6boV_eqw3tgpW'],
    ],
    ['cali-from-wl-dispatch', [felixRule(['--in-interface cali1dac8782bdb'], '--goto cali-fw-cali1dac8782bdb'), felixRule(['--in-interface cali3579be14420'], '--goto cali-fw-cali3579be14420')], ['aHK7yU_mJjLvN9P9', 'wHNdnT4ytw3hnQFt']],
    ['cali-pri-kns.kube-system', [felixRule([], '--jump MARK --set-mark 0x10000/0x10000', 'Profile kns.kube-system ingress')], ['J1TyxtHWd0qaBGK-']],
    ['cali-pri-_u2Tn2rSoAPffvE7JO6', [felixRule([], '', 'Profile ksa.kube-system.coredns ingress')], ['WqgznqAQ-uYV0oBx']],
    ['cali-pi-_3CJ_GmvE9pcCktVJ2ep', [felixRule(['-p tcp', '-m multiport --destination-ports 5443'], '--jump MARK --set-mark 0x10000/0x10000', 'Policy calico-apiserver/knp.default.allow-apiserver ingress')], ['I0yo8ky1YADcMXRf']],
  ];
  it.each(cases)('%s', (chain, rules, hashes) => {
    expect(felixRuleHashes(chain, rules)).toEqual(hashes);
  });

  it("a policy chain's name is Felix's", () => {
    const policy = { name: 'allow-apiserver', namespace: 'calico-apiserver' } as Parameters<typeof policyChainName>[1];
    expect(policyChainName('in', policy)).toBe('cali-pi-_3CJ_GmvE9pcCktVJ2ep');
  });
});

describe("that node's dispatch chains: six interfaces, two of them under cali6", () => {
  const ifaces = ['cali9d04617f188', 'cali1dac8782bdb', 'cali6f60a778e0b', 'cali3579be14420', 'cali868a4e4c0db', 'cali6945b3c77c1'];
  const hashesByChain = (rules: ReturnType<typeof dispatchChains>): Record<string, string[]> => {
    const chains: Record<string, FelixRule[]> = {};
    for (const { chain, rule } of rules) (chains[chain] ??= []).push(rule);
    return Object.fromEntries(Object.entries(chains).map(([chain, list]) => [chain, felixRuleHashes(chain, list)]));
  };

  it('cali-from-wl-dispatch, with its child chain cali-from-wl-dispatch-6', () => {
    const rules = dispatchChains('cali-from-wl-dispatch', '--in-interface', ifaces, fromWorkloadChain);
    expect(rules.map((r) => r.chain)).toEqual([...Array(3).fill('cali-from-wl-dispatch-6'), ...Array(6).fill('cali-from-wl-dispatch')]);
    expect(rules.find((r) => r.rule.action === '--goto cali-from-wl-dispatch-6')!.rule.match).toEqual(['--in-interface cali6+']);
    expect(hashesByChain(rules)).toEqual({
      'cali-from-wl-dispatch-6': ['51KYRHlKbzvZo9Tu', 'K6kzaLeHUWg36Bzo', 'BloWYvybf6fUB-zQ'],
      'cali-from-wl-dispatch': ['aHK7yU_mJjLvN9P9', 'wHNdnT4ytw3hnQFt', '_b2AeThG6a53s1Jk', 'Bb81zxJNbVhCAzR-', 'RzmU3PGwDi5LZ3Y1', 'CPCo32RHIaeTT15t'],
    });
  });

  it('cali-to-wl-dispatch, with its child chain cali-to-wl-dispatch-6', () => {
    expect(hashesByChain(dispatchChains('cali-to-wl-dispatch', '--out-interface', ifaces, toWorkloadChain))).toEqual({
      'cali-to-wl-dispatch-6': ['voCtztmwuL5cVC6K', 'bkgw_3X7Q9UFJeX4', 'BYUERmLynWaeKPK_'],
      'cali-to-wl-dispatch': ['1PVbibbGdAYWXuD8', 'QsyNwpYieiiyOGzM', 'KujuNK2hBy3nyojz', 'zsKliieYuD6jYPaw', 'iNjyAaVU-t635DEz', 'M_1efBassqWauUhR'],
    });
  });

  it('one interface, or none: the root chain alone', () => {
    expect(dispatchChains('cali-from-wl-dispatch', '--in-interface', ['cali1dac8782bdb'], fromWorkloadChain).map((r) => r.rule.action)).toEqual(['--goto cali-fw-cali1dac8782bdb', '--jump DROP']);
    expect(dispatchChains('cali-from-wl-dispatch', '--in-interface', [], fromWorkloadChain).map((r) => r.rule.action)).toEqual(['--jump DROP']);
  });
});

describe('a default-deny policy in the built-in cluster, as Felix writes it', () => {
  const cluster = withDefaultDenyIngress(withCni(BUILTIN_CLUSTER, 'calico-vxlan'));
  const node = cluster.nodes.find((n) => n.name === 'node-2')!;
  const save = renderIptablesSave(nodeTables(cluster, node));
  const chain = policyChainName('in', cluster.networkPolicies![0]!);

  it('a policy with no ingress rules is one rule carrying only its comment', () => {
    const rules = save.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatch(new RegExp(`^-A ${chain} -m comment --comment "cali:[A-Za-z0-9_-]{16}" -m comment --comment "Policy default/knp\\.default\\.\\S+ ingress"$`));
  });

  it('the pod\'s ingress chain jumps to it straight after clearing the marks (no start-of-tier rule)', () => {
    const tw = save.split('\n').filter((l) => l.startsWith('-A cali-tw-'));
    const jump = tw.findIndex((l) => l.endsWith(`-m mark --mark 0x0/0x20000 -j ${chain}`));
    expect(jump).toBeGreaterThan(0);
    expect(tw[jump - 1]).toMatch(/-j MARK --set-xmark 0x0\/0x30000$/);
    expect(save).not.toContain('Start of tier default');
  });
});

describe('felixSaveArgs: what iptables-save prints for a rule Felix wrote', () => {
  it.each<[string, FelixRule, string]>([
    ['interface to the front, --jump to -j', felixRule(['--in-interface cali+'], '--jump cali-from-wl-dispatch'), '-i cali+ -m comment --comment cali:H -j cali-from-wl-dispatch'],
    ['protocol number to name, multiport ports', felixRule(['-p 17', '-m multiport --destination-ports 4789'], '--jump DROP', 'c'), '-p udp -m comment --comment cali:H -m comment --comment c -m multiport --dports 4789 -j DROP'],
    ['a bare --dport gains its match', felixRule(['-p udp', '--dport 4789'], '--jump NOTRACK'), '-p udp -m comment --comment cali:H -m udp --dport 4789 -j NOTRACK'],
    ['MARK set and clear', felixRule([], '--jump MARK --set-mark 0/0xe0000'), '-m comment --comment cali:H -j MARK --set-xmark 0x0/0xe0000'],
    ['mark match with a zero value', felixRule(['-m mark --mark 0/0x10000'], '--goto cali-x'), '-m comment --comment cali:H -m mark --mark 0x0/0x10000 -g cali-x'],
    ['rpfilter flags in their printed order', felixRule(['-m rpfilter --invert --validmark'], '--jump DROP'), '-m comment --comment cali:H -m rpfilter --validmark --invert -j DROP'],
    ['source address gains /32', felixRule(['! --source 10.0.0.1'], '--jump ACCEPT'), '! -s 10.0.0.1/32 -m comment --comment cali:H -j ACCEPT'],
    ['a comment-only rule', felixRule([], '', 'Profile ksa.a.b ingress'), '-m comment --comment cali:H -m comment --comment Profile ksa.a.b ingress'],
    ['a negated --dport keeps its !', felixRule(['-p 17', '! --dport 53'], '--jump ACCEPT'), '-p udp -m comment --comment cali:H -m udp ! --dport 53 -j ACCEPT'],
    ['MARK without a mask sets every bit of it', felixRule([], '--jump MARK --set-mark 0x4'), '-m comment --comment cali:H -j MARK --set-xmark 0x4/0xffffffff'],
    ['MARK value outside its mask is kept in the mask', felixRule([], '--jump MARK --set-mark 0x1/0x2'), '-m comment --comment cali:H -j MARK --set-xmark 0x1/0x3'],
    ['a comment with unsafe characters, as Felix escapes it', felixRule([], '--jump DROP', 'say "hi"; ok'), '-m comment --comment cali:H -m comment --comment say _hi__ ok -j DROP'],
  ])('%s', (_, rule, printed) => {
    expect(felixSaveArgs(rule, 'H').join(' ')).toBe(printed);
  });

  it('refuses a --dport with no protocol before it', () => {
    expect(() => felixSaveArgs(felixRule(['--dport 53'], '--jump ACCEPT'), 'H')).toThrow(/without a protocol/);
  });
});

describe('a node with many pods: the packet goes through a child dispatch chain', () => {
  const loaded = readClusterDump(generateClusterDump({ nodes: 2, pods: 40, services: 4, seed: 3 }), 'generated.yaml');
  if (!loaded.ok) throw new Error(loaded.error.message);
  const cluster = withCni(loaded.cluster, 'calico-vxlan');

  it('rules show child chains, and a pod-to-pod trace to a pod under one is delivered through it', () => {
    const node = cluster.nodes[1]!;
    const save = renderIptablesSave(nodeTables(cluster, node));
    const children = [...save.matchAll(/^:(cali-to-wl-dispatch-\w) /gm)].map((m) => m[1]!);
    expect(children.length).toBeGreaterThan(0);
    // A pod on that node whose interface sits under the first child chain, and a client on the other node.
    const child = children[0]!;
    const target = cluster.pods.find((p) => p.nodeName === node.name && p.ip !== null && !p.hostNetwork && save.includes(`-A ${child} -o ${caliVethName(p.namespace, p.name)} `))!;
    const client = cluster.pods.find((p) => p.nodeName !== node.name && p.ip !== null && !p.hostNetwork)!;
    const port = target.containerPorts[0]?.port ?? 8080;
    const r = simulate(cluster, { from: `${client.namespace}/${client.name}`, to: `${target.ip}:${port}` }, { seed: 1 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.verdict).toBe('delivered');
    const fired = r.trace.hops.flatMap((h) => h.rules);
    expect(fired.some((l) => l.startsWith(`filter cali-to-wl-dispatch: -A cali-to-wl-dispatch -o ${child.slice(-1).replace(/^/, 'cali')}+ `))).toBe(true);
    expect(fired.some((l) => l.startsWith(`filter ${child}: `))).toBe(true);
  });
});
