import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/random.js';
import { DROP_HOP_SCENARIOS, dropHopQuestion, dropTrace, hopValue } from '../../../src/core/quiz/drop-hop.js';
import { generateQuiz } from '../../../src/core/quiz/index.js';

describe('"which hop drops it, and why?" on the traffic failure scenarios', () => {
  for (const name of DROP_HOP_SCENARIOS) {
    it(`${name}: the key is the hop where the trace ends, with the trace's reason as its explanation`, () => {
      const trace = dropTrace(name)!;
      expect(trace.verdict).toBe('dropped');
      const q = dropHopQuestion(name, seededRng(7))!;
      expect(q).not.toBeNull();
      expect(q.topic).toBe('drop-hop');
      const key = q.choices[q.key]!;
      expect(key.value).toBe(hopValue(trace.hops.at(-1)!));
      expect(key.explanation).toBe(trace.reason);
      expect(q.explanation).toBe(trace.reason);
      expect(q.choices.length).toBe(4);
      expect(new Set(q.choices.map((c) => c.value)).size).toBe(q.choices.length);
      expect(new Set(q.choices.map((c) => c.text)).size).toBe(q.choices.length);
      for (const [i, c] of q.choices.entries()) {
        if (i !== q.key) expect(c.explanation.length).toBeGreaterThan(40);
      }
      expect(q.choices.some((c, i) => i !== q.key && c.misconception !== null)).toBe(true);
      expect(q.prompt).toMatch(/\?$/m);
    });
  }

  it('names the hops the learner has to tell apart: INPUT, FORWARD, the node network, cni0', () => {
    const keys = DROP_HOP_SCENARIOS.map((n) => hopValue(dropTrace(n)!.hops.at(-1)!));
    expect(keys).toEqual(['node-1 filter-input@INPUT', 'node-1 filter-forward@FORWARD', 'node-2 wire', 'node-2 bridge-forward']);
  });

  it('is seeded: the same seed gives the same order, others shuffle it', () => {
    const a = dropHopQuestion('vxlan-mtu', seededRng(3))!;
    expect(dropHopQuestion('vxlan-mtu', seededRng(3))).toEqual(a);
    const keys = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => dropHopQuestion('vxlan-mtu', seededRng(s))!.key));
    expect(keys.size).toBeGreaterThan(1);
  });

  it('stays out of the seeded quiz draw (its failures reach quizzes as "what-goes-wrong", on the variant)', () => {
    for (const seed of [1, 2, 3]) {
      const quiz = generateQuiz({ seed, count: 50, lesson: null, topics: null });
      expect(quiz.questions.some((q) => q.topic === 'drop-hop')).toBe(false);
    }
  });
});
