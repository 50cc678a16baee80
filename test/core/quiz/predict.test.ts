// predictionFor: every lesson's ```predict block gets a question whose key is the hop's own fact;
// and over random variant traces, every (hop, ask) that yields a question keeps the rules.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { loadLessons, type Block, type SimBlock } from '../../../src/content/index.js';
import { predictionFor, predictionHop, PREDICT_ASKS } from '../../../src/core/quiz/predict.js';
import type { PredictAsk, Question } from '../../../src/core/quiz/types.js';
import { makeVariant } from '../../../src/core/quiz/variant.js';
import { seededRng } from '../../../src/core/random.js';
import { SCENARIOS } from '../../../src/core/scenarios.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';

const FIELD: Record<string, string> = { DNAT: 'dst', 'un-SNAT': 'dst', SNAT: 'src', MASQUERADE: 'src', 'un-DNAT': 'src' };

function truth(trace: Trace, hop: Hop | null, ask: PredictAsk): string {
  switch (ask) {
    case 'next-hop':
      return `${hop!.node ?? ''}|${hop!.netns}|${hop!.device}`;
    case 'rewrite':
      return hop!.rewrite === null ? 'unchanged' : `${FIELD[hop!.rewrite.kind]}:${hop!.rewrite.to}`;
    case 'chain': {
      const parsed = hop!.rules.map((r) => /^(\w+) (\S+): /.exec(r)!);
      const table = parsed.at(-1)![1]!;
      return `${table}:${[...new Set(parsed.filter((m) => m[1] === table).map((m) => m[2]))].join('>')}`;
    }
    case 'outer-header': {
      const o = hop!.packet.outer!;
      return `${o.src}>${o.dst}/${o.proto.toLowerCase()}:${o.dport}/vni:${o.vni}`;
    }
    case 'conntrack': {
      const f = [...hop!.conntrack!.matchAll(/\b(src|dst|sport|dport)=(\S+)/g)].map((m) => `${m[1]}=${m[2]}`);
      return `${f.slice(0, 4).join(' ')} | ${f.slice(4, 8).join(' ')}`;
    }
    case 'dns-queries':
      return trace.dns!.queries.filter((q) => q.type === 'A').map((q) => q.name).join(',');
  }
}

function check(q: Question, expected: string, where: string): void {
  expect(q.choices.length, where).toBeGreaterThanOrEqual(3);
  expect(q.choices[q.key]!.value, where).toBe(expected);
  expect(new Set(q.choices.map((c) => c.value)).size, `${where}: distinct values`).toBe(q.choices.length);
  expect(new Set(q.choices.map((c) => c.text)).size, `${where}: distinct texts`).toBe(q.choices.length);
  for (const c of q.choices) expect(`${c.text} ${c.explanation}`, where).not.toMatch(/undefined|NaN|\[object/);
  expect(q.basis).toBeNull();
}

describe('lesson predictions', () => {
  for (const lesson of loadLessons()) {
    const blocks: Block[] = lesson.pages.flatMap((p) => [...p.blocks]);
    const sims = blocks.filter((b): b is SimBlock => b.kind === 'sim');
    it(`${lesson.file}: a question for every predict block, keyed from the trace`, () => {
      for (const b of blocks) {
        if (b.kind !== 'predict') continue;
        const sim = sims.find((s) => s.index === b.sim)!;
        const scenario = SCENARIOS[sim.scenario];
        const r = simulate(BUILTIN_CLUSTER, scenario.request, scenario.options);
        if (!r.ok) throw new Error(r.error.message);
        const direction = b.direction ?? sim.direction;
        for (const ask of b.ask) {
          for (const cluster of [BUILTIN_CLUSTER, null]) {
            const where = `${lesson.file}:${b.line} ${b.at} ${ask}${cluster ? '' : ' (no cluster)'}`;
            const q = predictionFor(r.trace, b.at, ask, seededRng(b.line), { direction, cluster, lesson: lesson.id });
            expect(q, where).not.toBeNull();
            check(q!, truth(r.trace, predictionHop(r.trace, b.at, direction), ask), where);
            expect(q!.lessons).toEqual([lesson.id]);
          }
        }
      }
    });
  }

  it('asks what the source text gets wrong: 8472 against 4789, the un-DNAT against a reverse SNAT', () => {
    const r = simulate(BUILTIN_CLUSTER, SCENARIOS['cross-node-clusterip'].request, SCENARIOS['cross-node-clusterip'].options);
    if (!r.ok) throw new Error();
    const outer = predictionFor(r.trace, 'encap', 'outer-header', seededRng(1), { cluster: BUILTIN_CLUSTER })!;
    expect(outer.choices.some((c) => c.misconception === 'flannel-uses-4789')).toBe(true);
    expect(outer.choices[outer.key]!.text).toContain('8472');
    const un = predictionFor(r.trace, 'un-dnat', 'rewrite', seededRng(1), { direction: 'reply', cluster: BUILTIN_CLUSTER })!;
    expect(un.choices[un.key]!.text).toBe('the source becomes 10.96.1.20:80');
  });

  it('returns null when there is nothing to ask', () => {
    const r = simulate(BUILTIN_CLUSTER, SCENARIOS['same-node-pod-ip'].request, SCENARIOS['same-node-pod-ip'].options);
    if (!r.ok) throw new Error();
    expect(predictionFor(r.trace, 'encap', 'outer-header', seededRng(1))).toBeNull();
    expect(predictionFor(r.trace, 'bridge-in', 'conntrack', seededRng(1))).toBeNull();
    expect(predictionFor(r.trace, 'send', 'dns-queries', seededRng(1))).toBeNull();
  });
});

describe('predictions on random variants', () => {
  it('every hop and ask of 150 variant traces: the key is the hop\'s fact, distractors differ', () => {
    let asked = 0;
    for (let seed = 0; seed < 150; seed++) {
      const v = makeVariant(seed * 7877);
      const client = v.clients[seed % v.clients.length]!;
      const ep = v.main.endpoints[seed % v.main.endpoints.length]!;
      const requests = [
        { to: `${v.main.service.name}.${v.main.service.namespace}`, options: { endpoint: ep.ip!, seed } },
        { to: `${ep.ip}:${ep.containerPorts[0]!.port}`, options: { seed } },
        { to: `${v.empty.service.clusterIP}:${v.empty.service.ports[0]!.port}`, options: { seed } },
      ];
      for (const request of requests) {
        const r = simulate(v.cluster, { from: `${client.namespace}/${client.name}`, to: request.to }, request.options);
        if (!r.ok) throw new Error(r.error.message);
        for (const hop of r.trace.hops) {
          for (const ask of PREDICT_ASKS) {
            const q = predictionFor(r.trace, hop.step, ask, seededRng(seed), { direction: hop.direction, cluster: seed % 2 === 0 ? v.cluster : null });
            if (q === null) continue;
            asked++;
            const first = predictionHop(r.trace, hop.step, hop.direction);
            check(q, truth(r.trace, first, ask), `seed ${seed} ${request.to} ${hop.direction} ${hop.step} ${ask}`);
          }
        }
      }
    }
    expect(asked).toBeGreaterThan(5000);
  }, 120_000);
});
