// A child process for the storage tests: opens the store in argv[2] and, by argv[3]:
//   write ID N    N updates, each a prediction with a unique id and lesson ID's position
//   probe         one update; prints {"persistent":...,"notices":[...]} on stdout
import { openProgressStore } from '../../src/storage/progress-store.js';
import { recordPrediction, savePosition } from '../../src/core/progress.js';

const [dir, mode, id, count] = process.argv.slice(2);
const store = openProgressStore({ dir: dir! });
if (mode === 'write') {
  const n = Number(count);
  for (let i = 0; i < n; i++) {
    store.update((d, now) => savePosition(recordPrediction(d, { id: `w${id}-${i}`, lesson: Number(id), page: i, at: 'dnat', ask: 'rewrite', correct: i % 2 === 0, answeredAt: now }), Number(id), i, null, now));
  }
} else {
  store.update((d, now) => savePosition(d, 1, 2, 3, now));
  process.stdout.write(JSON.stringify({ persistent: store.persistent, notices: store.notices, page: store.doc().lessons['1']?.page ?? null }));
}
