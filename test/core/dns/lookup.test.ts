import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { ClusterModel } from '../../../src/core/cluster/model.js';
import { resolveName } from '../../../src/core/dns/lookup.js';
import { resolverCandidates, type ResolverFlavour } from '../../../src/core/dns/search-walk.js';
import { DNS_CLUSTER, pod, withNodeSearch } from './fixtures.js';

const podA = pod(BUILTIN_CLUSTER, 'default', 'pod-a');

describe('resolveName: the reference worked example', () => {
  it.each<ResolverFlavour>(['glibc', 'musl'])(
    '%s: myapp.default.svc.cluster.local from default costs 3 NXDOMAIN pairs, then the answer (8 queries)',
    (flavour) => {
      const res = resolveName(BUILTIN_CLUSTER, podA, 'myapp.default.svc.cluster.local', flavour);
      expect(res.queries).toEqual([
        { name: 'myapp.default.svc.cluster.local.default.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN', answer: null },
        { name: 'myapp.default.svc.cluster.local.default.svc.cluster.local.', type: 'AAAA', rcode: 'NXDOMAIN', answer: null },
        { name: 'myapp.default.svc.cluster.local.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN', answer: null },
        { name: 'myapp.default.svc.cluster.local.svc.cluster.local.', type: 'AAAA', rcode: 'NXDOMAIN', answer: null },
        { name: 'myapp.default.svc.cluster.local.cluster.local.', type: 'A', rcode: 'NXDOMAIN', answer: null },
        { name: 'myapp.default.svc.cluster.local.cluster.local.', type: 'AAAA', rcode: 'NXDOMAIN', answer: null },
        { name: 'myapp.default.svc.cluster.local.', type: 'A', rcode: 'NOERROR', answer: '10.96.1.20' },
        { name: 'myapp.default.svc.cluster.local.', type: 'AAAA', rcode: 'NOERROR', answer: null },
      ]);
      expect(res.answer).toBe('10.96.1.20');
      expect(res.rcode).toBe('NOERROR');
      expect(res.answeredName).toBe('myapp.default.svc.cluster.local.');
      expect(res.server).toBe('10.96.0.10');
      expect(res.source).toBe('dns');
    },
  );
});

interface Case {
  readonly cluster: ClusterModel;
  readonly from: [string, string];
  readonly name: string;
  readonly flavour: ResolverFlavour;
  /** The outcome of each candidate, in order. */
  readonly outcomes: ('answer' | 'nxdomain' | 'nodata')[];
  readonly answer: string | null;
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
}

const NODE_SEARCH = withNodeSearch(BUILTIN_CLUSTER, ['example.com', 'corp.internal']);
const A: [string, string] = ['default', 'pod-a'];

const cases: Case[] = [
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp', flavour: 'glibc', outcomes: ['answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp', flavour: 'musl', outcomes: ['answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp.default', flavour: 'glibc', outcomes: ['nxdomain', 'answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp.default', flavour: 'musl', outcomes: ['nxdomain', 'answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp.default.svc', flavour: 'glibc', outcomes: ['nxdomain', 'nxdomain', 'answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp.default.svc.cluster.local.', flavour: 'glibc', outcomes: ['answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'myapp.default.svc.cluster.local.', flavour: 'musl', outcomes: ['answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  // Each node search domain adds a (forwarded) step before the as-is try.
  {
    cluster: NODE_SEARCH,
    from: A,
    name: 'myapp.default.svc.cluster.local',
    flavour: 'glibc',
    outcomes: ['nxdomain', 'nxdomain', 'nxdomain', 'nxdomain', 'nxdomain', 'answer'],
    answer: '10.96.1.20',
    rcode: 'NOERROR',
  },
  // A nonexistent Service: every candidate fails.
  { cluster: BUILTIN_CLUSTER, from: A, name: 'nosuch', flavour: 'glibc', outcomes: ['nxdomain', 'nxdomain', 'nxdomain', 'nxdomain'], answer: null, rcode: 'NXDOMAIN' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'nosuch', flavour: 'musl', outcomes: ['nxdomain', 'nxdomain', 'nxdomain', 'nxdomain'], answer: null, rcode: 'NXDOMAIN' },
  { cluster: NODE_SEARCH, from: A, name: 'nosuch', flavour: 'musl', outcomes: Array(6).fill('nxdomain'), answer: null, rcode: 'NXDOMAIN' },
  // 5 dots >= ndots: glibc tries as is, then searches; musl tries as is only.
  { cluster: BUILTIN_CLUSTER, from: A, name: 'a.b.c.d.e.f', flavour: 'glibc', outcomes: ['nxdomain', 'nxdomain', 'nxdomain', 'nxdomain'], answer: null, rcode: 'NXDOMAIN' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'a.b.c.d.e.f', flavour: 'musl', outcomes: ['nxdomain'], answer: null, rcode: 'NXDOMAIN' },
  { cluster: BUILTIN_CLUSTER, from: A, name: '10-244-1-5.myapp.default.svc.cluster.local', flavour: 'glibc', outcomes: ['answer'], answer: '10.244.1.5', rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: '10-244-1-5.myapp.default.svc.cluster.local', flavour: 'musl', outcomes: ['answer'], answer: '10.244.1.5', rcode: 'NOERROR' },
  // NODATA (the namespace name exists, with no A record): musl stops there, glibc walks on.
  { cluster: BUILTIN_CLUSTER, from: A, name: 'default', flavour: 'musl', outcomes: ['nxdomain', 'nodata'], answer: null, rcode: 'NOERROR' },
  { cluster: BUILTIN_CLUSTER, from: A, name: 'default', flavour: 'glibc', outcomes: ['nxdomain', 'nodata', 'nxdomain', 'nxdomain'], answer: null, rcode: 'NOERROR' },
  // Headless Service: the endpoint IPs; a pod A record.
  { cluster: DNS_CLUSTER, from: A, name: 'db', flavour: 'glibc', outcomes: ['answer'], answer: '10.244.1.7', rcode: 'NOERROR' },
  { cluster: DNS_CLUSTER, from: A, name: 'empty', flavour: 'glibc', outcomes: ['nxdomain', 'nxdomain', 'nxdomain', 'nxdomain'], answer: null, rcode: 'NXDOMAIN' },
  { cluster: DNS_CLUSTER, from: A, name: '10-244-1-10.default.pod', flavour: 'glibc', outcomes: ['nxdomain', 'nxdomain', 'answer'], answer: '10.244.1.10', rcode: 'NOERROR' },
  {
    cluster: DNS_CLUSTER,
    from: A,
    name: '10-244-1-10.default.pod.cluster.local',
    flavour: 'musl',
    outcomes: ['nxdomain', 'nxdomain', 'nxdomain', 'answer'],
    answer: '10.244.1.10',
    rcode: 'NOERROR',
  },
  // From another namespace the short name misses; namespace-qualified works.
  { cluster: DNS_CLUSTER, from: ['kube-system', 'tools'], name: 'myapp', flavour: 'glibc', outcomes: Array(4).fill('nxdomain'), answer: null, rcode: 'NXDOMAIN' },
  { cluster: DNS_CLUSTER, from: ['kube-system', 'tools'], name: 'myapp.default', flavour: 'glibc', outcomes: ['nxdomain', 'answer'], answer: '10.96.1.20', rcode: 'NOERROR' },
  { cluster: DNS_CLUSTER, from: ['kube-system', 'tools'], name: 'kube-dns', flavour: 'musl', outcomes: ['answer'], answer: '10.96.0.10', rcode: 'NOERROR' },
];

describe('resolveName: walks', () => {
  it.each(cases)('$flavour from $from.1: $name -> $outcomes', ({ cluster, from, name, flavour, outcomes, answer, rcode }) => {
    const res = resolveName(cluster, pod(cluster, from[0], from[1]), name, flavour);
    expect(res.steps.map((s) => s.outcome)).toEqual(outcomes);
    expect(res.answer).toBe(answer);
    expect(res.rcode).toBe(rcode);
    // A then AAAA for every candidate, the candidates in the resolver's order.
    expect(res.queries).toHaveLength(2 * outcomes.length);
    const expectedNames = resolverCandidates(name, res.resolvConf, flavour).slice(0, outcomes.length);
    expect(res.queries.filter((q) => q.type === 'A').map((q) => q.name)).toEqual(expectedNames);
    expect(res.queries.filter((q) => q.type === 'AAAA').map((q) => q.name)).toEqual(expectedNames);
    res.queries.forEach((q, i) => expect(q.type).toBe(i % 2 === 0 ? 'A' : 'AAAA'));
    expect(res.answeredName).toBe(answer === null ? null : (res.steps[res.steps.length - 1]?.name ?? null));
  });

  it('returns every endpoint of a headless Service', () => {
    const res = resolveName(DNS_CLUSTER, podA, 'db', 'glibc');
    expect(res.answers).toEqual(['10.244.1.7', '10.244.2.8']);
    expect(res.answeredName).toBe('db.default.svc.cluster.local.');
  });

  it('marks the node search domain steps as forwarded upstream', () => {
    const res = resolveName(NODE_SEARCH, podA, 'myapp.default.svc.cluster.local', 'glibc');
    expect(res.steps.map((s) => s.a.forwarded)).toEqual([false, false, false, true, true, false]);
    expect(res.steps[3]?.name).toBe('myapp.default.svc.cluster.local.example.com.');
  });
});

describe('resolveName: no DNS at all', () => {
  it.each([
    { name: '10.96.1.20', source: 'literal', answer: '10.96.1.20' },
    { name: '10.244.2.6', source: 'literal', answer: '10.244.2.6' },
    { name: 'localhost', source: 'hosts', answer: '127.0.0.1' },
    { name: 'pod-a', source: 'hosts', answer: '10.244.1.10' },
  ])('$name comes from $source', ({ name, source, answer }) => {
    const res = resolveName(BUILTIN_CLUSTER, podA, name, 'glibc');
    expect(res.source).toBe(source);
    expect(res.answer).toBe(answer);
    expect(res.queries).toEqual([]);
    expect(res.rcode).toBe('NOERROR');
  });

  it('sends "localhost." (absolute) to DNS, past the hosts file', () => {
    const res = resolveName(BUILTIN_CLUSTER, podA, 'localhost.', 'glibc');
    expect(res.source).toBe('dns');
    expect(res.queries.map((q) => q.name)).toEqual(['localhost.', 'localhost.']);
  });
});

describe('resolveName: hostNetwork pod (dnsPolicy falls back to Default)', () => {
  it('asks the node resolvers, which do not know the cluster zone', () => {
    const res = resolveName(DNS_CLUSTER, pod(DNS_CLUSTER, 'default', 'host-agent'), 'myapp.default.svc.cluster.local', 'glibc');
    expect(res.server).toBeNull();
    expect(res.answer).toBeNull();
    expect(res.rcode).toBe('NXDOMAIN');
    // ndots 1 and no node search domains: one candidate, as is.
    expect(res.queries.map((q) => `${q.type} ${q.name} ${q.rcode}`)).toEqual([
      'A myapp.default.svc.cluster.local. NXDOMAIN',
      'AAAA myapp.default.svc.cluster.local. NXDOMAIN',
    ]);
    expect(res.steps.every((s) => s.a.forwarded)).toBe(true);
  });
});
