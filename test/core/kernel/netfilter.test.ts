// traverse(): x_tables semantics (a matching jump descends, RETURN or the end of a user chain climbs
// back, MARK continues, ACCEPT/DROP/REJECT/DNAT/MASQUERADE end the table at this hook, a built-in
// chain's end means its policy) and kube-proxy's matches. Rules are kube-proxy's own (reference 2.4, 2.5).

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { traverse, type PacketContext, type StatisticChooser } from '../../../src/core/kernel/netfilter.js';
import { nodeTables } from '../../../src/core/proxy/node-tables.js';
import type { IptRule, IptTable, TableName } from '../../../src/core/proxy/rule.js';
import { seededRng } from '../../../src/core/random.js';

function rule(table: TableName, chain: string, ...args: string[]): IptRule {
  return { table, chain, args, owner: 'kube-proxy' };
}

function table(name: TableName, rules: IptRule[]): IptTable {
  const builtins = (name === 'nat' ? ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'] : ['INPUT', 'FORWARD', 'OUTPUT']).map((n) => ({ name: n, policy: 'ACCEPT' as const }));
  return { name, builtins, chains: [...new Set(rules.map((r) => r.chain))].filter((c) => !builtins.some((b) => b.name === c)), rules };
}

function pkt(over: Partial<PacketContext> = {}): PacketContext {
  return {
    src: '10.244.1.10', dst: '10.96.45.10', proto: 'tcp', sport: 43512, dport: 80, mark: 0, ctstate: 'NEW', ctDnat: false,
    isLocalAddress: (ip) => ip === '192.168.1.11' || ip === '10.244.1.1', inIface: 'cni0', outIface: null, ...over,
  };
}

const never: StatisticChooser = () => false;
const always: StatisticChooser = () => true;
const chains = (t: { fired: readonly { rule: IptRule }[] }) => t.fired.map((f) => f.rule.chain);

// Reference 2.4: two endpoints of default/myapp:http, restore-input form.
const SVC = 'KUBE-SVC-JOCJVTCKLKOLHFVR';
const SEP1 = 'KUBE-SEP-JRCGPVY5L6KBVSTO';
const SEP2 = 'KUBE-SEP-JGKLMG44THIQBVIA';
const myappNat = (): IptRule[] => [
  rule('nat', 'PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'),
  rule('nat', 'KUBE-SERVICES', '-m', 'comment', '--comment', 'default/myapp:http cluster IP', '-m', 'tcp', '-p', 'tcp', '-d', '10.96.45.10', '--dport', '80', '-j', SVC),
  rule('nat', 'KUBE-SERVICES', '-m', 'comment', '--comment', 'kubernetes service nodeports; NOTE: this must be the last rule in this chain', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'KUBE-NODEPORTS'),
  rule('nat', SVC, '-m', 'comment', '--comment', 'default/myapp:http cluster IP', '-m', 'tcp', '-p', 'tcp', '-d', '10.96.45.10', '--dport', '80', '!', '-s', '10.244.0.0/16', '-j', 'KUBE-MARK-MASQ'),
  rule('nat', SVC, '-m', 'comment', '--comment', 'default/myapp:http -> 10.244.1.11:8080', '-m', 'statistic', '--mode', 'random', '--probability', '0.5000000000', '-j', SEP1),
  rule('nat', SVC, '-m', 'comment', '--comment', 'default/myapp:http -> 10.244.2.20:8080', '-j', SEP2),
  rule('nat', SEP1, '-m', 'comment', '--comment', 'default/myapp:http', '-s', '10.244.1.11', '-j', 'KUBE-MARK-MASQ'),
  rule('nat', SEP1, '-m', 'comment', '--comment', 'default/myapp:http', '-m', 'tcp', '-p', 'tcp', '-j', 'DNAT', '--to-destination', '10.244.1.11:8080'),
  rule('nat', SEP2, '-m', 'comment', '--comment', 'default/myapp:http', '-s', '10.244.2.20', '-j', 'KUBE-MARK-MASQ'),
  rule('nat', SEP2, '-m', 'comment', '--comment', 'default/myapp:http', '-m', 'tcp', '-p', 'tcp', '-j', 'DNAT', '--to-destination', '10.244.2.20:8080'),
  rule('nat', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', '0x4000'),
  rule('nat', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', 'ns/np', '-m', 'tcp', '-p', 'tcp', '--dport', '30080', '-j', 'KUBE-EXT-X'),
];

describe('traverse(): jumps, RETURN, policy', () => {
  it('descends PREROUTING -> KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP and stops at DNAT', () => {
    const t = traverse(table('nat', myappNat()), 'PREROUTING', pkt(), never);
    expect(t.verdict).toBe('DNAT');
    expect(t.dnatTo).toBe('10.244.2.20:8080');
    expect(t.verdictRule?.chain).toBe(SEP2);
    expect(chains(t)).toEqual(['PREROUTING', 'KUBE-SERVICES', SVC, SEP2]);
    expect(t.fired[1]!.line).toBe(
      `nat KUBE-SERVICES: -A KUBE-SERVICES -m comment --comment "default/myapp:http cluster IP" -m tcp -p tcp -d 10.96.45.10 --dport 80 -j ${SVC}`,
    );
    expect(t.mark).toBe(0);
  });

  it('falls off the end of a user chain back into its caller, and off a built-in chain into its policy', () => {
    const t = traverse(table('nat', myappNat()), 'PREROUTING', pkt({ dst: '10.96.0.99' }), never);
    expect(t.verdict).toBe('POLICY');
    expect(t.verdictRule).toBeNull();
    expect(chains(t)).toEqual(['PREROUTING']);
    // A local destination reaches KUBE-NODEPORTS, finds nothing, and returns through KUBE-SERVICES to the policy.
    const local = traverse(table('nat', myappNat()), 'PREROUTING', pkt({ dst: '192.168.1.11', dport: 22 }), never);
    expect([local.verdict, ...chains(local)]).toEqual(['POLICY', 'PREROUTING', 'KUBE-SERVICES']);
  });

  it('RETURN climbs exactly one level; the caller continues with its next rule', () => {
    const rules = [
      rule('filter', 'FORWARD', '-j', 'A'),
      rule('filter', 'FORWARD', '-s', '10.244.1.10', '-j', 'DROP'),
      rule('filter', 'A', '-j', 'B'),
      rule('filter', 'A', '-j', 'ACCEPT'),
      rule('filter', 'B', '-s', '10.244.0.0/16', '-j', 'RETURN'),
      rule('filter', 'B', '-j', 'REJECT'),
    ];
    const t = traverse(table('filter', rules), 'FORWARD', pkt(), never);
    expect([t.verdict, t.verdictRule?.chain]).toEqual(['ACCEPT', 'A']);
    expect(chains(t)).toEqual(['FORWARD', 'A', 'B', 'A']);
    // RETURN in the built-in chain itself ends it with the policy, skipping the DROP after it.
    const top = traverse(table('filter', [rule('filter', 'FORWARD', '-j', 'RETURN'), rule('filter', 'FORWARD', '-j', 'DROP')]), 'FORWARD', pkt(), never);
    expect(top.verdict).toBe('POLICY');
  });

  it('ACCEPT deep in a user chain ends the whole table at this hook', () => {
    const rules = [
      rule('filter', 'FORWARD', '-j', 'KUBE-FORWARD'),
      rule('filter', 'FORWARD', '-j', 'DROP'),
      rule('filter', 'KUBE-FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding conntrack rule', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
    ];
    const t = traverse(table('filter', rules), 'FORWARD', pkt({ ctstate: 'ESTABLISHED' }), never);
    expect([t.verdict, t.verdictRule?.chain]).toEqual(['ACCEPT', 'KUBE-FORWARD']);
    expect(traverse(table('filter', rules), 'FORWARD', pkt(), never).verdict).toBe('DROP');
  });

  it('REJECT is a verdict with its rule (filter KUBE-SERVICES, reference 2.4 zero endpoints)', () => {
    const reject = rule('filter', 'KUBE-SERVICES', '-m', 'comment', '--comment', 'ns4/svc4:p80 has no endpoints', '-m', 'tcp', '-p', 'tcp', '-d', '172.30.0.44', '--dport', '80', '-j', 'REJECT');
    const rules = [rule('filter', 'FORWARD', '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'), reject];
    const t = traverse(table('filter', rules), 'FORWARD', pkt({ dst: '172.30.0.44' }), never);
    expect(t.verdict).toBe('REJECT');
    expect(t.verdictRule).toBe(reject);
    // Not for another port, not for a later packet (the jump needs ctstate NEW).
    expect(traverse(table('filter', rules), 'FORWARD', pkt({ dst: '172.30.0.44', dport: 81 }), never).verdict).toBe('POLICY');
    expect(traverse(table('filter', rules), 'FORWARD', pkt({ dst: '172.30.0.44', ctstate: 'ESTABLISHED' }), never).verdict).toBe('POLICY');
  });

  it('throws on a jump loop instead of hanging', () => {
    const rules = [rule('filter', 'FORWARD', '-j', 'A'), rule('filter', 'A', '-j', 'B'), rule('filter', 'B', '-j', 'A')];
    expect(() => traverse(table('filter', rules), 'FORWARD', pkt(), never)).toThrow(/loop/);
  });
});

describe('traverse(): MARK continues, and the mark is seen by later rules', () => {
  it('hairpin: the KUBE-SEP -s <epIP> rule jumps to KUBE-MARK-MASQ, MARK continues, then DNAT (reference 3.1)', () => {
    const t = traverse(table('nat', myappNat()), 'PREROUTING', pkt({ src: '10.244.2.20' }), never);
    expect(t.verdict).toBe('DNAT');
    expect(t.mark).toBe(0x4000);
    expect(chains(t)).toEqual(['PREROUTING', 'KUBE-SERVICES', SVC, SEP2, 'KUBE-MARK-MASQ', SEP2]);
  });

  it('off-cluster source: the KUBE-SVC "! -s <clusterCIDR>" rule marks it', () => {
    const t = traverse(table('nat', myappNat()), 'PREROUTING', pkt({ src: '192.168.1.50' }), never);
    expect([t.verdict, t.mark]).toEqual(['DNAT', 0x4000]);
    expect(chains(t).slice(0, 4)).toEqual(['PREROUTING', 'KUBE-SERVICES', SVC, 'KUBE-MARK-MASQ']);
    // Inside the cluster CIDR: no mark (reference 3.1 "ordinary pod -> ClusterIP").
    expect(traverse(table('nat', myappNat()), 'PREROUTING', pkt(), never).mark).toBe(0);
  });

  it('KUBE-POSTROUTING (reference 2.5): RETURN without the mark; with it, --xor-mark clears it and MASQUERADE ends the hook', () => {
    const rules = [
      rule('nat', 'POSTROUTING', '-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'),
      rule('nat', 'POSTROUTING', '-j', 'FLANNEL-POSTRTG'),
      rule('nat', 'KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', '0x4000/0x4000', '-j', 'RETURN'),
      rule('nat', 'KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', '0x4000'),
      rule('nat', 'KUBE-POSTROUTING', '-m', 'comment', '--comment', 'kubernetes service traffic requiring SNAT', '-j', 'MASQUERADE', '--random-fully'),
      rule('nat', 'FLANNEL-POSTRTG', '-m', 'mark', '--mark', '0x4000/0x4000', '-j', 'RETURN'),
    ];
    const plain = traverse(table('nat', rules), 'POSTROUTING', pkt(), never);
    expect([plain.verdict, plain.mark, ...chains(plain)]).toEqual(['POLICY', 0, 'POSTROUTING', 'KUBE-POSTROUTING', 'POSTROUTING']);
    const marked = traverse(table('nat', rules), 'POSTROUTING', pkt({ mark: 0x4000 }), never);
    expect([marked.verdict, marked.mark, marked.verdictRule?.chain]).toEqual(['MASQUERADE', 0, 'KUBE-POSTROUTING']);
    expect(chains(marked)).toEqual(['POSTROUTING', 'KUBE-POSTROUTING', 'KUBE-POSTROUTING']);
    // Other mark bits survive --or-mark and the mask test.
    expect(traverse(table('nat', rules), 'POSTROUTING', pkt({ mark: 0x4001 }), never).mark).toBe(0x0001);
  });

  it('KUBE-FORWARD accepts a packet carrying the mark (mask match)', () => {
    const rules = [
      rule('filter', 'FORWARD', '-j', 'KUBE-FORWARD'),
      rule('filter', 'KUBE-FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-m', 'mark', '--mark', '0x4000/0x4000', '-j', 'ACCEPT'),
    ];
    expect(traverse(table('filter', rules), 'FORWARD', pkt({ mark: 0x4000 | 0x1 }), never).verdict).toBe('ACCEPT');
    expect(traverse(table('filter', rules), 'FORWARD', pkt({ mark: 0x1 }), never).verdict).toBe('POLICY');
  });
});

describe('traverse(): the statistic chooser (reference 2.4, 2.7)', () => {
  const three = (): IptRule[] => [
    rule('nat', 'PREROUTING', '-j', 'S'),
    rule('nat', 'S', '-m', 'statistic', '--mode', 'random', '--probability', '0.3333333333', '-j', 'E1'),
    rule('nat', 'S', '-m', 'statistic', '--mode', 'random', '--probability', '0.5000000000', '-j', 'E2'),
    rule('nat', 'S', '-j', 'E3'),
    ...['E1', 'E2', 'E3'].map((e, i) => rule('nat', e, '-m', 'tcp', '-p', 'tcp', '-j', 'DNAT', '--to-destination', `10.0.0.${i + 1}:80`)),
  ];

  it('asks the chooser once per statistic rule reached, in order, with the probability the kernel stores', () => {
    const asked: [string, number][] = [];
    const t = traverse(table('nat', three()), 'PREROUTING', pkt(), (r, p) => {
      asked.push([r.args.at(-1)!, p]);
      return false;
    });
    expect(t.dnatTo).toBe('10.0.0.3:80');
    // libxt_statistic stores lround(2^31 * p): 0.3333333333 becomes 0.33333333349... (reference 2.6, 2.7).
    expect(asked.map((a) => a[0])).toEqual(['E1', 'E2']);
    expect(asked[0]![1]).toBeCloseTo(0.33333333349, 11);
    expect(asked[1]![1]).toBe(0.5);
    expect(t.passedOver.map((s) => s.rule.args.at(-1))).toEqual(['E1', 'E2']);
  });

  it('stops asking once a rule matches; the unconditional last rule needs no draw', () => {
    let calls = 0;
    const t = traverse(table('nat', three()), 'PREROUTING', pkt(), () => (++calls, true));
    expect([t.dnatTo, calls, t.passedOver.length]).toEqual(['10.0.0.1:80', 1, 0]);
  });

  it('with a seeded random chooser, 1/(n-i) per rule gives each of 3 endpoints ~1/3 (chi-square, p > 0.001)', () => {
    const rng = seededRng(2024);
    const chooser: StatisticChooser = (_r, p) => rng.next() < p;
    const counts = new Map<string, number>();
    const n = 30000;
    const tbl = table('nat', three());
    for (let i = 0; i < n; i++) {
      const to = traverse(tbl, 'PREROUTING', pkt(), chooser).dnatTo!;
      counts.set(to, (counts.get(to) ?? 0) + 1);
    }
    const observed = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'].map((k) => counts.get(k) ?? 0);
    const chi2 = observed.reduce((s, o) => s + (o - n / 3) ** 2 / (n / 3), 0);
    expect(chi2, observed.join('/')).toBeLessThan(13.82);
  });
});

describe('traverse(): conntrack and addrtype matches', () => {
  const forward = (): IptRule[] => [
    rule('filter', 'FORWARD', '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'),
    rule('filter', 'FORWARD', '-j', 'KUBE-FORWARD'),
    rule('filter', 'KUBE-SERVICES', '-j', 'MARKER-NEW'),
    rule('filter', 'KUBE-FORWARD', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'),
    rule('filter', 'KUBE-FORWARD', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
  ];

  it('--ctstate NEW / RELATED,ESTABLISHED / INVALID', () => {
    const t = table('filter', forward());
    const newer = traverse(t, 'FORWARD', pkt({ ctstate: 'NEW' }), never);
    expect([newer.verdict, ...chains(newer)]).toEqual(['POLICY', 'FORWARD', 'KUBE-SERVICES', 'FORWARD']);
    expect(traverse(t, 'FORWARD', pkt({ ctstate: 'ESTABLISHED' }), never).verdict).toBe('ACCEPT');
    expect(traverse(t, 'FORWARD', pkt({ ctstate: 'RELATED' }), never).verdict).toBe('ACCEPT');
    expect(traverse(t, 'FORWARD', pkt({ ctstate: 'INVALID' }), never).verdict).toBe('DROP');
  });

  it('KUBE-FIREWALL: "! --ctstate RELATED,ESTABLISHED,DNAT" spares DNATed connections to 127.0.0.0/8', () => {
    const rules = [
      rule('filter', 'INPUT', '-j', 'KUBE-FIREWALL'),
      rule('filter', 'KUBE-FIREWALL', '-m', 'comment', '--comment', 'block incoming localnet connections', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'),
    ];
    const t = table('filter', rules);
    expect(traverse(t, 'INPUT', pkt({ dst: '127.0.0.1' }), never).verdict).toBe('DROP');
    expect(traverse(t, 'INPUT', pkt({ dst: '127.0.0.1', ctDnat: true }), never).verdict).toBe('POLICY');
    expect(traverse(t, 'INPUT', pkt({ dst: '127.0.0.1', ctstate: 'ESTABLISHED' }), never).verdict).toBe('POLICY');
    expect(traverse(t, 'INPUT', pkt({ src: '127.0.0.1', dst: '127.0.0.1' }), never).verdict).toBe('POLICY');
  });

  it('addrtype --dst-type LOCAL / --src-type LOCAL follow isLocalAddress, with negation', () => {
    const rules = [
      rule('nat', 'PREROUTING', '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'SRC-LOCAL'),
      rule('nat', 'PREROUTING', '-m', 'addrtype', '!', '--dst-type', 'LOCAL', '-j', 'ACCEPT'),
      rule('nat', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DNAT', '--to-destination', '1.2.3.4:5'),
    ];
    const t = table('nat', rules);
    expect(traverse(t, 'PREROUTING', pkt({ dst: '192.168.1.11' }), never).verdict).toBe('DNAT');
    expect(traverse(t, 'PREROUTING', pkt({ dst: '10.244.1.1' }), never).verdict).toBe('DNAT');
    expect(traverse(t, 'PREROUTING', pkt({ dst: '192.168.1.12' }), never).verdict).toBe('ACCEPT');
    expect(chains(traverse(t, 'PREROUTING', pkt({ src: '192.168.1.11', dst: '8.8.8.8' }), never))).toEqual(['PREROUTING', 'PREROUTING']);
  });

  it('matches -p/-m udp only for UDP, and -s/-d CIDRs with negation', () => {
    const rules = [
      rule('nat', 'PREROUTING', '-m', 'udp', '-p', 'udp', '-d', '10.96.0.10', '--dport', '53', '-j', 'DNAT', '--to-destination', '10.244.0.3:53'),
      rule('nat', 'PREROUTING', '!', '-s', '10.244.0.0/16', '-d', '10.96.0.0/12', '-j', 'MASQUERADE'),
    ];
    const t = table('nat', rules);
    expect(traverse(t, 'PREROUTING', pkt({ proto: 'udp', dst: '10.96.0.10', dport: 53 }), never).verdict).toBe('DNAT');
    expect(traverse(t, 'PREROUTING', pkt({ proto: 'tcp', dst: '10.96.0.10', dport: 53 }), never).verdict).toBe('POLICY');
    expect(traverse(t, 'PREROUTING', pkt({ src: '172.17.0.2', dst: '10.100.1.1' }), never).verdict).toBe('MASQUERADE');
    expect(traverse(t, 'PREROUTING', pkt({ src: '172.17.0.2', dst: '10.112.0.1' }), never).verdict).toBe('POLICY');
  });
});

describe("traverse() on the built-in cluster's real node tables", () => {
  const n1 = nodeTables(BUILTIN_CLUSTER, BUILTIN_CLUSTER.nodes[0]!);

  it('nat PREROUTING DNATs 10.96.1.20:80 to the endpoint the statistic draw picks', () => {
    expect(traverse(n1.nat, 'PREROUTING', pkt({ dst: '10.96.1.20' }), always).dnatTo).toBe('10.244.1.5:8080');
    expect(traverse(n1.nat, 'PREROUTING', pkt({ dst: '10.96.1.20' }), never).dnatTo).toBe('10.244.2.6:8080');
    expect(traverse(n1.nat, 'PREROUTING', pkt({ proto: 'udp', dst: '10.96.0.10', dport: 53 }), never).dnatTo).toBe('10.244.2.2:53');
  });

  it('filter FORWARD REJECTs myapp-v2 (no endpoints) for a NEW packet only', () => {
    const t = traverse(n1.filter, 'FORWARD', pkt({ dst: '10.96.1.30', outIface: 'eth0' }), never);
    expect(t.verdict).toBe('REJECT');
    expect(t.verdictRule?.chain).toBe('KUBE-SERVICES');
    expect(traverse(n1.filter, 'FORWARD', pkt({ dst: '10.96.1.30', ctstate: 'ESTABLISHED' }), never).verdict).toBe('ACCEPT');
  });

  it('nat POSTROUTING: pod -> pod returns in FLANNEL-POSTRTG, pod -> outside is MASQUERADEd by flannel (reference 6.6)', () => {
    const inside = traverse(n1.nat, 'POSTROUTING', pkt({ dst: '10.244.2.6', dport: 8080, outIface: 'flannel.1' }), never);
    expect([inside.verdict, inside.fired.at(-1)?.rule.chain]).toEqual(['POLICY', 'FLANNEL-POSTRTG']);
    const out = traverse(n1.nat, 'POSTROUTING', pkt({ dst: '8.8.8.8', dport: 53, outIface: 'eth0' }), never);
    expect([out.verdict, out.verdictRule?.chain]).toEqual(['MASQUERADE', 'FLANNEL-POSTRTG']);
    const mcast = traverse(n1.nat, 'POSTROUTING', pkt({ dst: '224.0.0.251', outIface: 'eth0' }), never);
    expect(mcast.verdict).toBe('POLICY');
  });
});
