import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { coreDnsAnswer, coreDnsPtr, type DnsRecordType } from '../../../src/core/dns/coredns.js';
import { DNS_CLUSTER } from './fixtures.js';

interface Case {
  readonly qname: string;
  readonly qtype: DnsRecordType;
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  readonly answers: string[];
  readonly forwarded?: boolean;
  readonly why: string;
}

const cases: Case[] = [
  { qname: 'myapp.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.1.20'], why: 'ClusterIP Service' },
  { qname: 'myapp.default.svc.cluster.local.', qtype: 'AAAA', rcode: 'NOERROR', answers: [], why: 'IPv4-only Service: NODATA' },
  { qname: 'myapp.default.svc.cluster.local', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.1.20'], why: 'trailing dot optional' },
  { qname: 'MyApp.Default.SVC.Cluster.Local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.1.20'], why: 'case-insensitive' },
  { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.0.1'], why: 'API server Service' },
  { qname: 'kube-dns.kube-system.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.0.10'], why: 'kube-dns' },
  { qname: 'lonely.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.5.5'], why: 'no endpoints still resolves' },
  { qname: 'myapp-v2.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.1.30'], why: 'empty placeholder slice still resolves' },
  // The worked example's three failing candidates
  { qname: 'myapp.default.svc.cluster.local.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'too many labels before default.svc' },
  { qname: 'myapp.default.svc.cluster.local.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'too many labels' },
  { qname: 'myapp.default.svc.cluster.local.cluster.local.', qtype: 'AAAA', rcode: 'NXDOMAIN', answers: [], why: '"local" is neither svc nor pod' },
  { qname: 'myapp.default.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'no Service "default" in default' },
  { qname: 'nosuch.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'missing Service' },
  { qname: 'nosuch.default.svc.cluster.local.', qtype: 'AAAA', rcode: 'NXDOMAIN', answers: [], why: 'missing Service, AAAA too' },
  { qname: 'myapp.nosuchns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'missing namespace' },
  { qname: 'myapp.default.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'forgot "svc"' },
  { qname: 'a.b.c.myapp.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'three labels before the Service: too many' },
  { qname: 'a.b.myapp.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'two labels read as _port._proto: no port "a"' },
  // Names that exist without address records: NODATA
  { qname: 'default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: [], why: 'namespace exists' },
  { qname: 'kube-public.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: [], why: 'built-in namespace with no objects' },
  { qname: 'nosuchns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'namespace missing' },
  { qname: 'svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: [], why: 'svc apex' },
  { qname: 'cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: [], why: 'zone apex' },
  { qname: 'default.pod.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: [], why: 'pod namespace, no pod label' },
  // Pod records (pods insecure)
  { qname: '10-244-1-10.default.pod.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.244.1.10'], why: 'pod A record' },
  { qname: '10-244-1-10.default.pod.cluster.local.', qtype: 'AAAA', rcode: 'NOERROR', answers: [], why: 'pod A record, no AAAA' },
  { qname: '10-244-9-99.default.pod.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.244.9.99'], why: 'insecure: no such pod, still answered' },
  { qname: '10-244-1-10.nosuchns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'namespace must exist' },
  { qname: 'pod-a.default.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'not an IP with dashes' },
  { qname: '10-244-1-300.default.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'octet out of range' },
  { qname: 'fd00--1.default.pod.cluster.local.', qtype: 'AAAA', rcode: 'NOERROR', answers: ['fd00::1'], why: 'IPv6 pod record' },
  // Endpoints by name
  { qname: '10-244-1-5.myapp.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.244.1.5'], why: 'endpoint without hostname: dashed IP' },
  { qname: '10-244-9-9.myapp.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'not an endpoint' },
  // Headless Services
  { qname: 'db.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.244.1.7', '10.244.2.8'], why: 'headless: ready endpoints' },
  { qname: 'db.default.svc.cluster.local.', qtype: 'AAAA', rcode: 'NOERROR', answers: [], why: 'headless, IPv4 only: NODATA' },
  { qname: 'db-0.db.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.244.1.7'], why: 'endpoint hostname' },
  { qname: 'db-2.db.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'endpoint not ready' },
  { qname: 'empty.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'headless with no ready endpoints' },
  // Named ports
  { qname: '_https._tcp.kubernetes.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.0.1'], why: 'named port matches' },
  { qname: '_http._tcp.kubernetes.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], why: 'no such named port' },
  { qname: '_dns._udp.kube-dns.kube-system.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.0.10'], why: 'named UDP port' },
  // CoreDNS's own name
  { qname: 'ns.dns.cluster.local.', qtype: 'A', rcode: 'NOERROR', answers: ['10.96.0.10'], why: 'ns.dns.<zone>' },
  // Outside the zone: forwarded
  { qname: 'example.com.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], forwarded: true, why: 'outside the zone' },
  { qname: 'myapp.default.svc.cluster.local.example.com.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], forwarded: true, why: 'node search domain' },
  { qname: 'myapp.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], forwarded: true, why: 'bare name' },
  { qname: 'notcluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], forwarded: true, why: 'suffix but not the zone' },
  { qname: '20.1.96.10.in-addr.arpa.', qtype: 'A', rcode: 'NXDOMAIN', answers: [], forwarded: true, why: 'reverse zone falls through' },
];

describe('coreDnsAnswer', () => {
  it.each(cases)('$qtype $qname -> $rcode $answers ($why)', ({ qname, qtype, rcode, answers, forwarded }) => {
    const got = coreDnsAnswer(DNS_CLUSTER, qname, qtype);
    expect(got.rcode).toBe(rcode);
    expect(got.answers).toEqual(answers);
    expect(got.forwarded).toBe(forwarded ?? false);
    expect(got.reason.length).toBeGreaterThan(10);
    expect(got.ttl).toBe(answers.length > 0 ? 30 : null);
  });

  it('answers ExternalName Services with no address and says it would go upstream', () => {
    const got = coreDnsAnswer(DNS_CLUSTER, 'ext.default.svc.cluster.local.', 'A');
    expect(got).toMatchObject({ rcode: 'NOERROR', answers: [], forwarded: true });
    expect(got.reason).toMatch(/ExternalName/);
  });

  it('explains NXDOMAIN and NODATA in words', () => {
    expect(coreDnsAnswer(BUILTIN_CLUSTER, 'nosuch.default.svc.cluster.local.', 'A').reason).toMatch(/no Service "nosuch"/);
    expect(coreDnsAnswer(BUILTIN_CLUSTER, 'myapp.default.svc.cluster.local.', 'AAAA').reason).toMatch(/NODATA/);
    expect(coreDnsAnswer(BUILTIN_CLUSTER, 'example.com.', 'A').reason).toMatch(/upstream/);
  });

  it('serves whatever zone the cluster uses', () => {
    const other = { ...BUILTIN_CLUSTER, dns: { ...BUILTIN_CLUSTER.dns, clusterDomain: 'k8s.example' } };
    expect(coreDnsAnswer(other, 'myapp.default.svc.k8s.example.', 'A').answers).toEqual(['10.96.1.20']);
    expect(coreDnsAnswer(other, 'myapp.default.svc.cluster.local.', 'A')).toMatchObject({ rcode: 'NXDOMAIN', forwarded: true });
  });
});

describe('coreDnsPtr', () => {
  it.each([
    { ip: '10.96.1.20', name: 'myapp.default.svc.cluster.local' },
    { ip: '10.96.0.10', name: 'kube-dns.kube-system.svc.cluster.local' },
    { ip: '10.244.1.5', name: '10-244-1-5.myapp.default.svc.cluster.local' },
    { ip: '10.244.2.2', name: '10-244-2-2.kube-dns.kube-system.svc.cluster.local' },
    { ip: '10.244.1.7', name: 'db-0.db.default.svc.cluster.local' },
    { ip: '10.244.2.9', name: null }, // not ready
    { ip: '10.244.1.10', name: null }, // pod-a backs no Service
  ])('$ip -> $name', ({ ip, name }) => {
    expect(coreDnsPtr(DNS_CLUSTER, ip)).toBe(name);
  });
});
