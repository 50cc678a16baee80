// The iptables-save form (save-format.ts): what `iptables-save` prints back for what kube-proxy,
// kubelet and flanneld wrote. Expectations: the table in /work/shared/reference/networking.md 2.6
// and 2.7, real iptables-save lines quoted there and below (with their sources), and the iptables
// extension sources (aosp-mirror/platform_external_iptables extensions/libxt_*.c, libxtables/xtables.c).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { endpointChain, serviceChain } from '../../../src/core/proxy/chain-names.js';
import { nodeTables } from '../../../src/core/proxy/node-tables.js';
import { iptablesSaveProbability, kubeProxyProbability } from '../../../src/core/proxy/probability.js';
import { renderIptablesSave } from '../../../src/core/proxy/render-rules.js';
import type { IptRule } from '../../../src/core/proxy/rule.js';
import { saveLine, saveString, setMarkAsXset } from '../../../src/core/proxy/save-format.js';

/** A restore-input line ("-A CHAIN args...", comments quoted as kube-proxy quotes them) as an IptRule. */
function ruleOf(line: string): IptRule {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  if (words[0] !== '-A') throw new Error(line);
  return { table: 'nat', chain: words[1]!, args: words.slice(2), owner: 'kube-proxy' };
}

const save = (restoreInput: string): string => saveLine(ruleOf(restoreInput));

describe('reference 2.6: restore input vs iptables-save output', () => {
  it('host addresses gain /32 (CIDRs are kept)', () => {
    expect(save('-A KUBE-SERVICES -m comment --comment "default/myapp:http cluster IP" -m tcp -p tcp -d 10.96.45.10 --dport 80 -j KUBE-SVC-JOCJVTCKLKOLHFVR')).toContain(
      ' -d 10.96.45.10/32 ',
    );
    expect(save('-A KUBE-SVC-X -m comment --comment x ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ')).toBe('-A KUBE-SVC-X ! -s 10.244.0.0/16 -m comment --comment x -j KUBE-MARK-MASQ');
  });

  it('canonical order: [!] -s, -d, -p, then the matches in the order written, then -j', () => {
    expect(
      save('-A KUBE-SVC-JOCJVTCKLKOLHFVR -m comment --comment "default/myapp:http cluster IP" -m tcp -p tcp -d 10.96.45.10 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ'),
    ).toBe('-A KUBE-SVC-JOCJVTCKLKOLHFVR ! -s 10.244.0.0/16 -d 10.96.45.10/32 -p tcp -m comment --comment "default/myapp:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ');
  });

  it('comments with characters outside [A-Za-z0-9_-] are quoted (xtables_save_string)', () => {
    expect(save('-A KUBE-SEP-JRCGPVY5L6KBVSTO -m comment --comment default/myapp:http -s 10.244.1.11 -j KUBE-MARK-MASQ')).toBe(
      '-A KUBE-SEP-JRCGPVY5L6KBVSTO -s 10.244.1.11/32 -m comment --comment "default/myapp:http" -j KUBE-MARK-MASQ',
    );
    expect(saveString('ns1/svc1:p80')).toBe('"ns1/svc1:p80"');
    expect(saveString('flanneld_masq-1')).toBe('flanneld_masq-1');
    expect(saveString('')).toBe('""'); // strspn length 0: quoted
    expect(saveString('say "hi" \\ \'')).toBe('"say \\"hi\\" \\\\ \\\'"');
  });

  it('MARK --or-mark X becomes --set-xmark X/X; --xor-mark X becomes --set-xmark X/0x0 (libxt_MARK)', () => {
    expect(save('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000')).toBe('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
    expect(save('-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000')).toBe('-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0');
    // kube-proxy's own spelling of the mark (fmt "%#08x"): the kernel holds a number.
    expect(save('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000')).toBe('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
    expect(save('-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN')).toBe('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
  });

  it('REJECT gains --reject-with icmp-port-unreachable (libipt_REJECT)', () => {
    expect(save('-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j REJECT')).toBe(
      '-A KUBE-SERVICES -d 172.30.0.44/32 -p tcp -m comment --comment "ns4/svc4:p80 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    );
  });

  it('probabilities: 10 digits written, 11 digits of the stored value printed (libxt_statistic)', () => {
    expect(save('-A KUBE-SVC-X -m comment --comment "a -> b" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-Y')).toBe(
      '-A KUBE-SVC-X -m comment --comment "a -> b" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-Y',
    );
  });
});

describe('reference 2.7: probability values for N endpoints', () => {
  it.each([
    [2, '0.5000000000', '0.50000000000'],
    [3, '0.3333333333', '0.33333333349'],
    [4, '0.2500000000', '0.25000000000'],
    [5, '0.2000000000', '0.20000000019'],
    [6, '0.1666666667', '0.16666666651'],
    [7, '0.1428571429', '0.14285714272'],
    [8, '0.1250000000', '0.12500000000'],
    [9, '0.1111111111', '0.11111111101'],
    [10, '0.1000000000', '0.10000000009'],
  ])('N=%i first endpoint: kube-proxy writes %s, iptables-save shows %s', (n, written, saved) => {
    expect(kubeProxyProbability(n)).toBe(written);
    expect(iptablesSaveProbability(written)).toBe(saved);
  });

  it('prints exact ties the way glibc printf does (round half to even)', () => {
    // N = 4096: 0.0002441406 is stored as lround(2^31 * p) = 2^19, exactly 0.000244140625.
    expect(kubeProxyProbability(4096)).toBe('0.0002441406');
    expect(iptablesSaveProbability('0.0002441406')).toBe('0.00024414062');
    expect(iptablesSaveProbability('1.0000000000')).toBe('1.00000000000');
  });
});

describe('real iptables-save lines', () => {
  it('reference 2.6 sample: ingress-nginx ClusterIP masquerade rule (chain hash matches too)', () => {
    const spn = 'ingress-nginx/ingress-nginx-controller:http';
    const chain = serviceChain(spn, 'tcp');
    expect(chain).toBe('KUBE-SVC-CG5I4G2RS3ZVWGLK');
    expect(save(`-A ${chain} -m comment --comment "${spn} cluster IP" -m tcp -p tcp -d 10.233.62.33 --dport 80 ! -s 10.233.64.0/18 -j KUBE-MARK-MASQ`)).toBe(
      '-A KUBE-SVC-CG5I4G2RS3ZVWGLK ! -s 10.233.64.0/18 -d 10.233.62.33/32 -p tcp -m comment --comment "ingress-nginx/ingress-nginx-controller:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
    );
  });

  it('reference 2.6 sample: the 0.33333333349 probability (flannel-io/flannel issue #1702)', () => {
    const line = save(
      `-A KUBE-SVC-CG5I4G2RS3ZVWGLK -m comment --comment "ingress-nginx/ingress-nginx-controller:http -> 10.233.64.93:80" -m statistic --mode random --probability ${kubeProxyProbability(3)} -j KUBE-SEP-X`,
    );
    expect(line).toContain(
      ' -m comment --comment "ingress-nginx/ingress-nginx-controller:http -> 10.233.64.93:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-',
    );
  });

  it('reference 2.6 sample: kube-dns endpoint hairpin rule (chain hash matches too)', () => {
    const chain = endpointChain('kube-system/kube-dns:dns', 'udp', '10.244.0.3:53');
    expect(chain).toBe('KUBE-SEP-6E7XQMQ4RAYOWTTM');
    expect(save(`-A ${chain} -m comment --comment kube-system/kube-dns:dns -s 10.244.0.3 -j KUBE-MARK-MASQ`)).toBe(
      '-A KUBE-SEP-6E7XQMQ4RAYOWTTM -s 10.244.0.3/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ',
    );
  });

  it('reference 2.6 samples: KUBE-POSTROUTING', () => {
    expect(save('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN')).toBe('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
    expect(save('-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000')).toBe('-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0');
    expect(save('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully')).toBe(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    );
  });

  it('nfacct: two spaces before the counter name (libxt_nfacct " --nfacct-name " + xtables_save_string " value")', () => {
    // Seen in real dumps, e.g. an AKS e2e expectation:
    // `-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP`
    expect(save('-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP')).toBe(
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP',
    );
    // kube-proxy's localhost NodePort rule, as in kind/kubeadm dumps:
    // `-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "default/nginx" -m tcp --dport 30606 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-2CMXP7HKUVJN7L6M`
    expect(
      save('-A KUBE-NODEPORTS -m comment --comment default/nginx -m tcp -p tcp -d 127.0.0.0/8 --dport 30606 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-2CMXP7HKUVJN7L6M'),
    ).toBe(
      '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "default/nginx" -m tcp --dport 30606 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-2CMXP7HKUVJN7L6M',
    );
  });

  it('KUBE-FIREWALL: ! -s before -d, ctstate negation kept (AKS e2e expectation)', () => {
    expect(
      save('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'),
    ).toBe('-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
  });

  it('session affinity: recent prints its defaults (libxt_recent recent_save)', () => {
    expect(
      save('-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN'),
    ).toBe(
      '-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -j KUBE-SEP-I77PXRDZVX7PMWMN',
    );
    expect(
      save('-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80'),
    ).toBe(
      '-A KUBE-SEP-I77PXRDZVX7PMWMN -p tcp -m comment --comment "ns5/svc5:p80" -m recent --set --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.3:80',
    );
  });

  it('conntrack states print in the kernel bit order; addrtype and DNAT as written', () => {
    expect(save('-A X -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT')).toBe('-A X -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
    expect(save('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    );
  });
});

describe('golden: iptables-save on node-1 of the built-in cluster', () => {
  it('matches test/fixtures/kube-proxy/builtin-node-1.save.txt', () => {
    const golden = readFileSync(new URL('../../fixtures/kube-proxy/builtin-node-1.save.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('## '))
      .join('\n');
    const node1 = BUILTIN_CLUSTER.nodes.find((n) => n.name === 'node-1')!;
    expect(renderIptablesSave(nodeTables(BUILTIN_CLUSTER, node1))).toBe(golden);
  });
});

describe('MARK --set-mark, as the kernel stores it (libxt_MARK mark_tg_parse: mask = value | mask)', () => {
  it.each([
    ['0x4000', '0x4000/0xffffffff'],
    ['0/0xe0000', '0x0/0xe0000'],
    ['0x10000/0x10000', '0x10000/0x10000'],
    ['0x1/0x2', '0x1/0x3'],
  ])('--set-mark %s prints as --set-xmark %s', (value, xset) => {
    expect(setMarkAsXset(value)).toBe(xset);
    expect(saveLine({ table: 'nat', chain: 'X', args: ['-j', 'MARK', '--set-mark', value], owner: 'kube-proxy' })).toBe(`-A X -j MARK --set-xmark ${xset}`);
  });
});
