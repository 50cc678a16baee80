// Where the learner is in each lesson. The tour reads it once at start and writes through it on
// every page turn; the real store (conf, in storage/) comes with the progress issue. Until then
// runTour uses the in-memory port below, which forgets everything on exit.

export interface LessonPosition {
  /** 0-based page. */
  readonly page: number;
  /** 0-based hop of the stepper opened from that page, or null when none was open. */
  readonly hop: number | null;
}

export interface ProgressPort {
  lessonPosition(id: number): LessonPosition | null;
  savePosition(id: number, page: number, hop: number | null): void;
  /** The lesson the learner was in last, or null before any. */
  lastLesson(): number | null;
}

export function createMemoryProgress(initial: Readonly<Record<number, LessonPosition>> = {}, last: number | null = null): ProgressPort {
  const positions = new Map<number, LessonPosition>(Object.entries(initial).map(([k, v]) => [Number(k), v]));
  let lastId = last;
  return {
    lessonPosition: (id) => positions.get(id) ?? null,
    savePosition: (id, page, hop) => {
      positions.set(id, { page, hop });
      lastId = id;
    },
    lastLesson: () => lastId,
  };
}
