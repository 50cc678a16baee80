// The pure progress document (src/core/progress.ts): updates, resets, migration, validation, and
// the merge that lets two writers lose nothing (commutative, associative, idempotent).

import { describe, expect, it } from 'vitest';
import {
  emptyProgress,
  finishLesson,
  lessonSummary,
  mergeProgress,
  parseProgress,
  recordPrediction,
  resetProgress,
  savePosition,
  saveQuiz,
  setPreference,
  type ProgressDoc,
  type QuizRecord,
} from '../../src/core/progress.js';
import { seededRng, type Rng } from '../../src/core/random.js';

const t = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();

function quiz(id: string, at: number, answers: number, lesson: number | null = null): QuizRecord {
  return {
    id, seed: 7, code: '0000-0075', lesson, count: 5, mode: 'practice', startedAt: t(at), finishedAt: null, endReason: null,
    answers: Array.from({ length: answers }, (_, i) => ({ n: i + 1, question: `q${i + 1}`, topic: 'vxlan-port', choice: 1, correct: i % 2 === 0, ms: 1000 })),
  };
}

/** A random history of updates, with timestamps drawn from a small range so ties happen. */
function randomDoc(rng: Rng, steps: number): ProgressDoc {
  let d = emptyProgress();
  for (let i = 0; i < steps; i++) {
    const at = t(rng.int(40));
    const lesson = 1 + rng.int(4);
    switch (rng.int(7)) {
      case 0:
        d = savePosition(d, lesson, rng.int(6), rng.int(3) === 0 ? null : rng.int(20), at);
        break;
      case 1:
        d = finishLesson(d, lesson, at);
        break;
      case 2:
        // Ids are unique per answer in real use (they hold the time): same id, same record.
        d = recordPrediction(d, { id: `p|${at}|${lesson}`, lesson, page: 1, at: 'dnat', ask: 'rewrite', correct: lesson % 2 === 0, answeredAt: at });
        break;
      case 3:
        const z = rng.int(5);
        d = saveQuiz(d, { ...quiz(`z${z}`, z * 7, rng.int(5), z % 2 === 0 ? null : z), ...(rng.int(2) === 0 ? {} : { finishedAt: at, endReason: 'completed' as const }) });
        break;
      case 4:
        d = setPreference(d, 'speed', (['slow', 'normal', 'fast'] as const)[rng.int(3)]!, at);
        break;
      case 5:
        if (rng.int(4) === 0) d = resetProgress(d, rng.int(3) === 0 ? null : lesson, at);
        break;
      case 6:
        d = setPreference(d, 'predictions', rng.int(2) === 0, at);
        break;
    }
  }
  return d;
}

const json = (d: ProgressDoc): string => JSON.stringify(d);

describe('progress document', () => {
  it('records positions, finishes, predictions, quizzes and preferences', () => {
    let d = emptyProgress();
    d = savePosition(d, 3, 2, 5, t(1));
    d = savePosition(d, 3, 4, null, t(2));
    d = finishLesson(d, 3, t(3));
    d = recordPrediction(d, { id: 'a', lesson: 3, page: 4, at: 'route', ask: 'next-hop', correct: true, answeredAt: t(2) });
    d = recordPrediction(d, { id: 'b', lesson: 3, page: 4, at: 'encap', ask: 'outer-header', correct: false, answeredAt: t(2) });
    d = saveQuiz(d, quiz('q', 4, 2));
    d = setPreference(d, 'color', 'never', t(5));
    expect(d.lessons['3']).toEqual({ startedAt: t(1), finishedAt: t(3), page: 4, hop: null, positionAt: t(2) });
    expect(lessonSummary(d, 3)).toEqual({ lesson: 3, status: 'finished', page: 4, hop: null, predictions: 2, predictionsRight: 1 });
    expect(lessonSummary(d, 4).status).toBe('not started');
    expect(d.last).toEqual({ lesson: 3, at: t(3) });
    expect(d.preferences.color).toEqual({ value: 'never', at: t(5) });
    expect(parseProgress(JSON.parse(json(d)))).toEqual({ ok: true, doc: d, migratedFrom: null });
  });

  it('a reset clears one lesson, or everything, and a merge with an older copy does not bring it back', () => {
    let d = savePosition(savePosition(emptyProgress(), 1, 3, null, t(1)), 2, 5, 1, t(2));
    d = recordPrediction(d, { id: 'x', lesson: 1, page: 3, at: 'dnat', ask: 'rewrite', correct: true, answeredAt: t(1) });
    d = saveQuiz(d, quiz('lesson1', 1, 3, 1));
    d = saveQuiz(d, quiz('all', 1, 3, null));
    const older = d;
    const r1 = resetProgress(d, 1, t(10));
    expect(lessonSummary(r1, 1).status).toBe('not started');
    expect(lessonSummary(r1, 2).page).toBe(5);
    expect(r1.predictions).toEqual([]);
    expect(r1.quizzes.map((q) => q.id)).toEqual(['all']);
    expect(json(mergeProgress(older, r1))).toBe(json(r1));
    // Progress made after the reset survives it.
    const later = savePosition(older, 1, 7, null, t(11));
    expect(mergeProgress(r1, later).lessons['1']).toMatchObject({ page: 7, positionAt: t(11) });
    expect(lessonSummary(mergeProgress(r1, later), 1).status).toBe('in progress');
    const all = resetProgress(d, null, t(20));
    expect([1, 2].map((l) => lessonSummary(all, l).status)).toEqual(['not started', 'not started']);
    expect(all.quizzes).toEqual([]);
    expect(all.last).toBeNull();
    expect(json(mergeProgress(all, older))).toBe(json(all));
  });

  it('merging is commutative, associative and idempotent (500 random histories)', () => {
    const rng = seededRng(2026);
    for (let i = 0; i < 500; i++) {
      const [a, b, c] = [randomDoc(rng, 12), randomDoc(rng, 12), randomDoc(rng, 12)];
      expect(json(mergeProgress(a, a)), `idempotent ${i}`).toBe(json(mergeProgress(emptyProgress(), a)));
      expect(json(mergeProgress(a, b)), `commutative ${i}`).toBe(json(mergeProgress(b, a)));
      expect(json(mergeProgress(mergeProgress(a, b), c)), `associative ${i}`).toBe(json(mergeProgress(a, mergeProgress(b, c))));
      // Nothing either side knew is lost unless a reset cleared it.
      const m = mergeProgress(a, b);
      for (const p of [...a.predictions, ...b.predictions]) {
        const reset = [m.resets.all, m.resets.lessons[String(p.lesson)]].filter((x): x is string => x != null).sort().at(-1);
        if (reset === undefined || p.answeredAt > reset) expect(m.predictions.some((x) => x.id === p.id), `prediction ${p.id} kept`).toBe(true);
      }
    }
  });

  it('migrates version 1', () => {
    const v1 = {
      version: 1,
      lessons: { '2': { page: 3, hop: 4, done: true, updated: t(5) }, '5': { page: 1, done: false, updated: t(6) } },
      lastLesson: 5,
      quizzes: [{ seed: 123456789, score: 7, total: 10, date: t(7) }],
      predictions: { on: false },
    };
    const r = parseProgress(v1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.migratedFrom).toBe(1);
    expect(r.doc.lessons['2']).toEqual({ startedAt: t(5), finishedAt: t(5), page: 3, hop: 4, positionAt: t(5) });
    expect(r.doc.lessons['5']).toMatchObject({ page: 1, hop: null, finishedAt: null });
    expect(r.doc.last).toEqual({ lesson: 5, at: t(6) });
    expect(r.doc.quizzes[0]).toMatchObject({ seed: 123456789, code: '0XDW-T5BM', count: 10, finishedAt: t(7) });
    expect(r.doc.quizzes[0]!.answers.filter((a) => a.correct)).toHaveLength(7);
    expect(r.doc.preferences.predictions.value).toBe(false);
  });

  it.each([
    [[], 'the document: expected an object'],
    [{ version: 2, schema: 'kube-packet-tour/progress', lessons: { x: {} } }, 'lessons: "x" is not a lesson number'],
    [{ ...emptyProgress(), lessons: { '1': { startedAt: 'yesterday', finishedAt: null, page: 0, hop: null, positionAt: t(1) } } }, 'lessons.1.startedAt: expected an ISO time'],
    [{ ...emptyProgress(), quizzes: [{ ...quiz('q', 1, 1), mode: 'quick' }] }, 'quizzes[0].mode: expected one of practice, exam'],
    [{ ...emptyProgress(), preferences: { ...emptyProgress().preferences, speed: { value: 'warp', at: t(1) } } }, 'preferences.speed.value'],
    [{ version: '2' }, 'version: expected a whole number'],
  ])('reports a schema violation: %j', (raw, reason) => {
    const r = parseProgress(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('refuses a newer version without calling it corrupt', () => {
    expect(parseProgress({ version: 3, anything: true })).toMatchObject({ ok: false, newerVersion: 3 });
  });

  it('reads an empty object (no file yet) as empty progress', () => {
    expect(parseProgress({})).toEqual({ ok: true, doc: emptyProgress(), migratedFrom: null });
  });
});
