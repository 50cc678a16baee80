// Flannel's --ip-masq and forward rules (flannel-io/flannel pkg/trafficmngr/iptables/iptables.go,
// masqRules / forwardRules, index id 59790971173; reference 6.6), in restore and iptables-save form.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { ClusterModel } from '../../../src/core/cluster/model.js';
import { flannelChains, flannelIptables } from '../../../src/core/cni/flannel-iptables.js';
import { restoreLine } from '../../../src/core/proxy/rule.js';
import { saveLine } from '../../../src/core/proxy/save-format.js';

const node1 = BUILTIN_CLUSTER.nodes.find((n) => n.name === 'node-1')!;

describe('flannel iptables rules', () => {
  it('node-1 (10.244.1.0/24 of 10.244.0.0/16), iptables-save form: reference 6.6', () => {
    expect(flannelIptables(BUILTIN_CLUSTER, node1).map(saveLine)).toEqual([
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD',
      '-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
      '-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
    ]);
    expect(flannelChains(BUILTIN_CLUSTER)).toEqual({ nat: ['FLANNEL-POSTRTG'], filter: ['FLANNEL-FWD'] });
  });

  it('keeps flannel\'s Rulespec order in restore form (the mark match before the comment)', () => {
    expect(restoreLine(flannelIptables(BUILTIN_CLUSTER, node1)[1]!)).toBe(
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
    );
  });

  it('without --random-fully support: plain MASQUERADE', () => {
    const cluster: ClusterModel = { ...BUILTIN_CLUSTER, proxy: { ...BUILTIN_CLUSTER.proxy, randomFully: false } };
    const masq = flannelIptables(cluster, node1).filter((r) => r.args.includes('MASQUERADE'));
    expect(masq.map((r) => r.args.slice(-2))).toEqual([
      ['-j', 'MASQUERADE'],
      ['-j', 'MASQUERADE'],
    ]);
  });

  it('uses flannel\'s constant KubeProxyMark, whatever kube-proxy\'s masqueradeBit is', () => {
    const cluster: ClusterModel = { ...BUILTIN_CLUSTER, proxy: { ...BUILTIN_CLUSTER.proxy, masqueradeBit: 15 } };
    expect(restoreLine(flannelIptables(cluster, node1)[1]!)).toContain('-m mark --mark 0x4000/0x4000 ');
  });

  it('without --ip-masq: only the forward rules', () => {
    const cluster: ClusterModel = { ...BUILTIN_CLUSTER, network: { ...BUILTIN_CLUSTER.network, flannelIpMasq: false } };
    expect(flannelIptables(cluster, node1).map((r) => r.chain)).toEqual(['FORWARD', 'FLANNEL-FWD', 'FLANNEL-FWD']);
    expect(flannelChains(cluster)).toEqual({ nat: [], filter: ['FLANNEL-FWD'] });
  });
});
