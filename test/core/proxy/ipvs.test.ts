// kube-proxy IPVS mode against kube-proxy's own expectations: the table-driven cases of
// kubernetes/kubernetes pkg/proxy/ipvs/proxier_test.go (TestNodePortIPv4, TestClusterIPNoEndpoint;
// index id 11084498), the constants of pkg/proxy/ipvs/proxier.go and ipset.go, the Entry.String()
// forms of pkg/proxy/ipvs/ipset/ipset.go, and the ipvsadm/iptables lines seen on real IPVS nodes
// (pkg/proxy/ipvs/README.md; the reference's section 4).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { ClusterModel, Protocol } from '../../../src/core/cluster/model.js';
import { withProxyMode } from '../../../src/core/cluster/proxy-mode.js';
import { kubeProxyIpvsIptables, renderIpvsRestore } from '../../../src/core/proxy/ipvs/iptables.js';
import { IPSET_INFO } from '../../../src/core/proxy/ipvs/names.js';
import { buildIpvsNodeState, ipsetMatches, ipvsNodeState } from '../../../src/core/proxy/ipvs/node-state.js';
import { realServerLine, renderIpvsadmList, renderIpvsadmService, renderIpsetSave, serviceLine } from '../../../src/core/proxy/ipvs/render.js';
import { nodeTables } from '../../../src/core/proxy/node-tables.js';
import { saveLine } from '../../../src/core/proxy/save-format.js';
import { parseRuleSpec } from '../../../src/core/proxy/rule-spec.js';
import { makeTestEndpointSlice, makeTestService, newFakeCluster, TEST_NODE_NAME } from '../../support/proxy-cluster.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/kube-proxy/${name}`, import.meta.url), 'utf8');

function ipvsCluster(services: Parameters<typeof newFakeCluster>[0], slices: Parameters<typeof newFakeCluster>[1]): ClusterModel {
  return newFakeCluster(services, slices, { mode: 'ipvs' });
}

/** upstream netlinktest.ExpectedIptablesChain: per chain, each rule's (JumpChain, MatchSet, SourceAddress). */
function chainSummary(cluster: ClusterModel, chain: string): { jump: string; set: string; src: string }[] {
  const node = cluster.nodes[0]!;
  const kp = kubeProxyIpvsIptables(cluster, node);
  return [...kp.natRules, ...kp.filterRules]
    .filter((r) => r.chain === chain)
    .map((r) => {
      const spec = parseRuleSpec(r.args);
      const set = spec.matches.find((m) => m.module === 'set');
      return { jump: spec.target?.name ?? '', set: set && set.module === 'set' ? set.setName.value : '', src: spec.src && !spec.src.negated ? spec.src.value : '' };
    });
}

/** upstream FakeIPVS.Services/Destinations as "PROTO ip:port -> [rip:port/weight]". */
function ipvsSummary(cluster: ClusterModel, nodeIPs: string[]): string[] {
  const state = buildIpvsNodeState(cluster, cluster.nodes[0]!, nodeIPs);
  return state.virtualServers.map((v) => `${v.protocol} ${v.address}:${v.port} ${v.scheduler} -> [${v.realServers.map((r) => `${r.ip}:${r.port}/${r.weight}`).join(' ')}]`);
}

function nodePortService(protocol: Protocol, etpLocal = false) {
  return makeTestService('ns1', 'svc1', (svc) => {
    svc.type = 'NodePort';
    svc.clusterIP = '10.20.30.41';
    svc.ports = [{ name: 'p80', port: 80, protocol, nodePort: 3001 }];
    if (etpLocal) svc.externalTrafficPolicy = 'Local';
  });
}

const oneEndpoint = (protocol: Protocol) => makeTestEndpointSlice('ns1', 'svc1', 1, (eps) => {
  eps.endpoints = [{ addresses: ['10.180.0.1'] }];
  eps.ports = [{ name: 'p80', port: 80, protocol }];
});

/** svc1's slice with one endpoint on this node (10.180.0.1) and one on another (10.180.1.1), as upstream's Local-policy tests build it. */
function localAndRemoteSlice(protocol: 'TCP' | 'SCTP') {
  return makeTestEndpointSlice('ns1', 'svc1', 1, (eps) => {
    eps.endpoints = [{ addresses: ['10.180.0.1'], nodeName: TEST_NODE_NAME }, { addresses: ['10.180.1.1'], nodeName: 'other-node' }];
    eps.ports = [{ name: 'p80', port: 80, protocol }];
  });
}

describe('IPVS virtual servers, ipsets and rules: upstream TestNodePortIPv4', () => {
  it('1 service with node port, has 2 endpoints (the IPv4 proxier keeps the IPv4 one)', () => {
    const c = ipvsCluster([nodePortService('TCP')], [oneEndpoint('TCP')]);
    expect(ipvsSummary(c, ['100.101.102.103'])).toEqual([
      'TCP 10.20.30.41:80 rr -> [10.180.0.1:80/1]',
      'TCP 100.101.102.103:3001 rr -> [10.180.0.1:80/1]',
    ]);
  });

  it('1 UDP service with node port, has endpoints', () => {
    const c = ipvsCluster([nodePortService('UDP')], [oneEndpoint('UDP')]);
    expect(ipvsSummary(c, ['100.101.102.103'])).toEqual([
      'UDP 10.20.30.41:80 rr -> [10.180.0.1:80/1]',
      'UDP 100.101.102.103:3001 rr -> [10.180.0.1:80/1]',
    ]);
    expect(buildIpvsNodeState(c, c.nodes[0]!, ['100.101.102.103']).ipsets.get('KUBE-NODE-PORT-UDP')).toEqual(['3001']);
    // expectedIptablesChains (nat and filter KUBE-NODE-PORT together, as upstream's checker merges them).
    expect(chainSummary(c, 'KUBE-NODE-PORT').map(({ jump, set }) => ({ jump, set }))).toEqual([
      { jump: 'KUBE-MARK-MASQ', set: 'KUBE-NODE-PORT-UDP' },
      { jump: 'ACCEPT', set: 'KUBE-HEALTH-CHECK-NODE-PORT' },
    ]);
    expect(chainSummary(c, 'KUBE-SERVICES')).toEqual([
      { jump: 'RETURN', set: '', src: '127.0.0.0/8' },
      { jump: 'KUBE-MARK-MASQ', set: 'KUBE-CLUSTER-IP', src: '' },
      { jump: 'KUBE-NODE-PORT', set: '', src: '' },
      { jump: 'ACCEPT', set: 'KUBE-CLUSTER-IP', src: '' },
    ]);
  });

  it('service has node port but no endpoints: both virtual servers exist, with no real servers', () => {
    const c = ipvsCluster([nodePortService('TCP')], []);
    expect(ipvsSummary(c, ['100.101.102.103'])).toEqual(['TCP 10.20.30.41:80 rr -> []', 'TCP 100.101.102.103:3001 rr -> []']);
  });

  it('node port service with protocol sctp on a node with multiple nodeIPs', () => {
    const c = ipvsCluster([nodePortService('SCTP')], [oneEndpoint('SCTP')]);
    const ips = ['100.101.102.103', '100.101.102.104', '100.101.102.105'];
    expect(ipvsSummary(c, ips)).toEqual([
      'SCTP 10.20.30.41:80 rr -> [10.180.0.1:80/1]',
      'SCTP 100.101.102.103:3001 rr -> [10.180.0.1:80/1]',
      'SCTP 100.101.102.104:3001 rr -> [10.180.0.1:80/1]',
      'SCTP 100.101.102.105:3001 rr -> [10.180.0.1:80/1]',
    ]);
    expect(buildIpvsNodeState(c, c.nodes[0]!, ips).ipsets.get('KUBE-NODE-PORT-SCTP-HASH')).toEqual(ips.map((ip) => `${ip},sctp:3001`));
  });

  it('node port service with protocol sctp and externalTrafficPolicy local: the NodePort keeps the local endpoint only', () => {
    const slice = localAndRemoteSlice('SCTP');
    const c = ipvsCluster([nodePortService('SCTP', true)], [slice]);
    expect(ipvsSummary(c, ['100.101.102.103'])).toEqual([
      'SCTP 10.20.30.41:80 rr -> [10.180.0.1:80/1 10.180.1.1:80/1]',
      'SCTP 100.101.102.103:3001 rr -> [10.180.0.1:80/1]',
    ]);
    const sets = buildIpvsNodeState(c, c.nodes[0]!, ['100.101.102.103']).ipsets;
    expect(sets.get('KUBE-NODE-PORT-LOCAL-SCTP-HASH')).toEqual(['100.101.102.103,sctp:3001']);
    // The hairpin set holds only this node's endpoint.
    expect(sets.get('KUBE-LOOP-BACK')).toEqual(['10.180.0.1,sctp:80,10.180.0.1']);
  });
});

describe('upstream TestOnlyLocalNodePorts', () => {
  it('externalTrafficPolicy Local: the NodePort virtual service keeps the local endpoint; both NodePort sets; KUBE-NODE-PORT RETURNs before marking', () => {
    const slice = localAndRemoteSlice('TCP');
    const c = ipvsCluster([nodePortService('TCP', true)], [slice]);
    expect(ipvsSummary(c, ['100.101.102.103'])).toEqual([
      'TCP 10.20.30.41:80 rr -> [10.180.0.1:80/1 10.180.1.1:80/1]',
      'TCP 100.101.102.103:3001 rr -> [10.180.0.1:80/1]',
    ]);
    const sets = buildIpvsNodeState(c, c.nodes[0]!, ['100.101.102.103']).ipsets;
    expect(sets.get('KUBE-NODE-PORT-TCP')).toEqual(['3001']);
    expect(sets.get('KUBE-NODE-PORT-LOCAL-TCP')).toEqual(['3001']);
    expect(chainSummary(c, 'KUBE-NODE-PORT')).toEqual([
      { jump: 'RETURN', set: 'KUBE-NODE-PORT-LOCAL-TCP', src: '' },
      { jump: 'KUBE-MARK-MASQ', set: 'KUBE-NODE-PORT-TCP', src: '' },
      { jump: 'ACCEPT', set: 'KUBE-HEALTH-CHECK-NODE-PORT', src: '' },
    ]);
  });

  it('sessionAffinity ClientIP: every virtual service of the Service is persistent for StickyMaxAgeSeconds (FlagPersistent, 10800)', () => {
    const svc = makeTestService('ns1', 'svc1', (s) => {
      s.type = 'NodePort';
      s.clusterIP = '10.20.30.41';
      s.ports = [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }];
      s.sessionAffinity = 'ClientIP';
    });
    const c = ipvsCluster([svc], [oneEndpoint('TCP')]);
    const state = buildIpvsNodeState(c, c.nodes[0]!, ['100.101.102.103']);
    expect(state.virtualServers.map((v) => serviceLine(v))).toEqual(['TCP  10.20.30.41:80 rr persistent 10800', 'TCP  100.101.102.103:3001 rr persistent 10800']);
  });

  it('sessionAffinityConfig.clientIP.timeoutSeconds sets the persistence timeout (serv.Timeout = StickyMaxAgeSeconds)', () => {
    const svc = makeTestService('ns1', 'svc1', (s) => {
      s.clusterIP = '10.20.30.41';
      s.ports = [{ name: 'p80', port: 80, protocol: 'TCP' }];
      s.sessionAffinity = 'ClientIP';
      s.affinityTimeoutSeconds = 600;
    });
    const c = ipvsCluster([svc], [oneEndpoint('TCP')]);
    expect(buildIpvsNodeState(c, c.nodes[0]!, []).virtualServers.map((v) => serviceLine(v))).toEqual(['TCP  10.20.30.41:80 rr persistent 600']);
  });
});

describe('upstream TestClusterIPNoEndpoint', () => {
  it('a ClusterIP Service without endpoints still gets its virtual server, with no destination', () => {
    const svc = makeTestService('ns1', 'svc1', (s) => {
      s.clusterIP = '10.20.30.41';
      s.ports = [{ name: 'p80', port: 80, protocol: 'TCP' }];
    });
    const c = ipvsCluster([svc], []);
    const state = ipvsNodeState(c, c.nodes[0]!);
    expect(state.virtualServers).toHaveLength(1);
    expect(state.virtualServers[0]).toMatchObject({ address: '10.20.30.41', port: 80, protocol: 'TCP', realServers: [] });
    expect(state.dummyAddresses).toEqual(['10.20.30.41']);
    expect(state.ipsets.get('KUBE-CLUSTER-IP')).toEqual(['10.20.30.41,tcp:80']);
  });
});

describe('names and forms from proxier.go, ipset.go and ipset/ipset.go', () => {
  it('the ipsets, their types and comments (ipsetInfo)', () => {
    const byName = Object.fromEntries(IPSET_INFO.map((i) => [i.name, `${i.type} ${i.comment}`]));
    expect(byName['KUBE-LOOP-BACK']).toBe('hash:ip,port,ip Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose');
    expect(byName['KUBE-CLUSTER-IP']).toBe('hash:ip,port Kubernetes service cluster ip + port for masquerade purpose');
    expect(byName['KUBE-NODE-PORT-TCP']).toBe('bitmap:port Kubernetes nodeport TCP port for masquerade purpose');
    expect(byName['KUBE-NODE-PORT-SCTP-HASH']).toBe("hash:ip,port Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'");
    expect(byName['KUBE-HEALTH-CHECK-NODE-PORT']).toBe('bitmap:port Kubernetes health check node port');
    expect(byName['KUBE-IPVS-IPS']).toBe('hash:ip Addresses on the ipvs interface');
    expect(IPSET_INFO).toHaveLength(17);
  });

  it('the nat and filter chains, and the restore input order (nat first)', () => {
    const c = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
    const text = renderIpvsRestore(kubeProxyIpvsIptables(c, c.nodes[0]!));
    expect(text.startsWith('*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-NODE-PORT - [0:0]\n:KUBE-LOAD-BALANCER - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n')).toBe(true);
    expect(text).toContain('*filter\n:KUBE-FORWARD - [0:0]\n:KUBE-NODE-PORT - [0:0]\n:KUBE-PROXY-FIREWALL - [0:0]\n:KUBE-SOURCE-RANGES-FIREWALL - [0:0]\n:KUBE-IPVS-FILTER - [0:0]\n:KUBE-IPVS-OUT-FILTER - [0:0]\n');
    expect(text).toBe(fixture('ipvs-builtin-node-1.restore.txt'));
  });

  it('iptables-save shows the lines seen on real IPVS nodes', () => {
    const c = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
    const lines = nodeTables(c, c.nodes[0]!).nat.rules.map(saveLine);
    expect(lines).toContain('-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE');
    expect(lines).toContain('-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ');
    expect(lines).toContain('-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT');
    expect(lines).toContain('-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0');
    expect(lines).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
    // No per-Service chains at all in IPVS mode.
    expect(lines.some((l) => /KUBE-(SVC|SEP)-/.test(l))).toBe(false);
  });

  it('ipset entries in Entry.String() form, and set matches by dimension', () => {
    const c = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
    const s = ipvsNodeState(c, c.nodes[0]!);
    expect(s.ipsets.get('KUBE-CLUSTER-IP')).toContain('10.96.1.20,tcp:80');
    expect(s.ipsets.get('KUBE-CLUSTER-IP')).toContain('10.96.0.10,udp:53');
    expect(s.ipsets.get('KUBE-LOOP-BACK')).toContain('10.244.1.5,tcp:8080,10.244.1.5');
    expect(s.ipsets.get('KUBE-LOOP-BACK')).not.toContain('10.244.2.6,tcp:8080,10.244.2.6');
    const p = { src: '10.244.1.10', dst: '10.96.1.20', sport: 43512, dport: 80, proto: 'tcp' };
    expect(ipsetMatches(s, 'KUBE-CLUSTER-IP', 'dst,dst', p)).toBe(true);
    expect(ipsetMatches(s, 'KUBE-CLUSTER-IP', 'dst,dst', { ...p, dport: 81 })).toBe(false);
    expect(ipsetMatches(s, 'KUBE-LOOP-BACK', 'dst,dst,src', { src: '10.244.1.5', dst: '10.244.1.5', sport: 43512, dport: 8080, proto: 'tcp' })).toBe(true);
    expect(ipsetMatches(s, 'KUBE-LOOP-BACK', 'dst,dst,src', { src: '10.244.1.10', dst: '10.244.1.5', sport: 43512, dport: 8080, proto: 'tcp' })).toBe(false);
    expect(ipsetMatches(s, 'KUBE-IPVS-IPS', 'dst', p)).toBe(true);
  });
});

describe('ipvsadm and ipset output formats', () => {
  it('ipvsadm -Ln: header lines and column widths as ipvsadm prints them (pkg/proxy/ipvs/README.md example)', () => {
    expect(serviceLine({ protocol: 'TCP', address: '10.102.128.4', port: 3080, scheduler: 'rr', persistent: null, spn: 'x', kind: 'cluster-ip', realServers: [] })).toBe('TCP  10.102.128.4:3080 rr');
    expect(serviceLine({ protocol: 'TCP', address: '10.102.128.4', port: 3080, scheduler: 'rr', persistent: 10800, spn: 'x', kind: 'cluster-ip', realServers: [] })).toBe('TCP  10.102.128.4:3080 rr persistent 10800');
    expect(realServerLine({ ip: '10.244.0.235', port: 8080, forward: 'Masq', weight: 1, nodeName: null }).trimEnd()).toBe('  -> 10.244.0.235:8080            Masq    1      0          0');
    const c = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
    const list = renderIpvsadmList(ipvsNodeState(c, c.nodes[0]!));
    expect(list.slice(0, 3)).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    ]);
    expect(list).toContain('TCP  10.96.1.20:80 rr');
    expect(list).toContain('UDP  10.96.0.10:53 rr');
    // TCP services come before UDP ones (ipvs_cmp_services compares the protocol first).
    expect(list.findIndex((l) => l.startsWith('UDP'))).toBeGreaterThan(list.findIndex((l) => l === 'TCP  10.96.1.30:80 rr'));
    const vs = ipvsNodeState(c, c.nodes[0]!).virtualServers.find((v) => v.address === '10.96.1.20')!;
    expect(renderIpvsadmService(vs).slice(0, 3)).toEqual(['Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn', 'TCP  10.96.1.20:80 rr']);
  });

  it('ipset save: sets created as kube-proxy creates them', () => {
    const c = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
    const lines = renderIpsetSave(ipvsNodeState(c, c.nodes[0]!));
    expect(lines).toContain('create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536');
    expect(lines).toContain('create KUBE-NODE-PORT-TCP bitmap:port range 0-65535');
    expect(lines).toContain('add KUBE-CLUSTER-IP 10.96.1.20,tcp:80');
  });
});
