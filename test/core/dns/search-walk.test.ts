import { describe, expect, it } from 'vitest';
import { resolverCandidates, type ResolverFlavour } from '../../../src/core/dns/search-walk.js';

const DEFAULT_NS = { search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5 };
const WITH_NODE = { search: [...DEFAULT_NS.search, 'example.com'], ndots: 5 };

interface Case {
  readonly name: string;
  readonly conf: { search: string[]; ndots: number };
  readonly flavour: ResolverFlavour;
  readonly expected: string[];
}

const cases: Case[] = [
  {
    name: 'myapp',
    conf: DEFAULT_NS,
    flavour: 'glibc',
    expected: ['myapp.default.svc.cluster.local.', 'myapp.svc.cluster.local.', 'myapp.cluster.local.', 'myapp.'],
  },
  {
    name: 'myapp',
    conf: DEFAULT_NS,
    flavour: 'musl',
    expected: ['myapp.default.svc.cluster.local.', 'myapp.svc.cluster.local.', 'myapp.cluster.local.', 'myapp.'],
  },
  {
    // The reference's worked example: 4 dots < ndots 5, so the search list comes first for both resolvers.
    name: 'myapp.default.svc.cluster.local',
    conf: DEFAULT_NS,
    flavour: 'glibc',
    expected: [
      'myapp.default.svc.cluster.local.default.svc.cluster.local.',
      'myapp.default.svc.cluster.local.svc.cluster.local.',
      'myapp.default.svc.cluster.local.cluster.local.',
      'myapp.default.svc.cluster.local.',
    ],
  },
  {
    name: 'myapp.default.svc.cluster.local',
    conf: DEFAULT_NS,
    flavour: 'musl',
    expected: [
      'myapp.default.svc.cluster.local.default.svc.cluster.local.',
      'myapp.default.svc.cluster.local.svc.cluster.local.',
      'myapp.default.svc.cluster.local.cluster.local.',
      'myapp.default.svc.cluster.local.',
    ],
  },
  { name: 'myapp.default.svc.cluster.local.', conf: DEFAULT_NS, flavour: 'glibc', expected: ['myapp.default.svc.cluster.local.'] },
  { name: 'myapp.default.svc.cluster.local.', conf: DEFAULT_NS, flavour: 'musl', expected: ['myapp.default.svc.cluster.local.'] },
  {
    // 5 dots >= ndots 5: glibc tries it as is first, then still walks the search list.
    name: 'a.b.c.d.e.f',
    conf: DEFAULT_NS,
    flavour: 'glibc',
    expected: ['a.b.c.d.e.f.', 'a.b.c.d.e.f.default.svc.cluster.local.', 'a.b.c.d.e.f.svc.cluster.local.', 'a.b.c.d.e.f.cluster.local.'],
  },
  // ... while musl does no search at all.
  { name: 'a.b.c.d.e.f', conf: DEFAULT_NS, flavour: 'musl', expected: ['a.b.c.d.e.f.'] },
  {
    // A node search domain adds one step before the as-is try.
    name: 'myapp.default.svc.cluster.local',
    conf: WITH_NODE,
    flavour: 'glibc',
    expected: [
      'myapp.default.svc.cluster.local.default.svc.cluster.local.',
      'myapp.default.svc.cluster.local.svc.cluster.local.',
      'myapp.default.svc.cluster.local.cluster.local.',
      'myapp.default.svc.cluster.local.example.com.',
      'myapp.default.svc.cluster.local.',
    ],
  },
  {
    name: 'myapp.default',
    conf: { search: ['default.svc.cluster.local'], ndots: 1 },
    flavour: 'glibc',
    expected: ['myapp.default.', 'myapp.default.default.svc.cluster.local.'],
  },
  { name: 'myapp.default', conf: { search: ['default.svc.cluster.local'], ndots: 1 }, flavour: 'musl', expected: ['myapp.default.'] },
  { name: 'myapp', conf: { search: [], ndots: 5 }, flavour: 'glibc', expected: ['myapp.'] },
  // ndots is clamped to 15: a 15-dot name counts as "enough dots" even with ndots:20.
  {
    name: 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p',
    conf: { search: ['x'], ndots: 20 },
    flavour: 'musl',
    expected: ['a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.'],
  },
  // A search domain written with a trailing dot, or the root, does not produce "name.." or a repeat.
  { name: 'myapp', conf: { search: ['corp.example.', '.'], ndots: 5 }, flavour: 'glibc', expected: ['myapp.corp.example.', 'myapp.'] },
  { name: '', conf: DEFAULT_NS, flavour: 'glibc', expected: [] },
];

describe('resolverCandidates', () => {
  it.each(cases)('$flavour: $name (ndots $conf.ndots)', ({ name, conf, flavour, expected }) => {
    expect(resolverCandidates(name, conf, flavour)).toEqual(expected);
  });

  it('every candidate is fully qualified with exactly one trailing dot', () => {
    for (const { name, conf, flavour } of cases) {
      for (const c of resolverCandidates(name, conf, flavour)) {
        expect(c.endsWith('.')).toBe(true);
        expect(c.endsWith('..')).toBe(false);
      }
    }
  });
});
