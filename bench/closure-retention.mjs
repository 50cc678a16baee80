// The V8 behaviour behind docs/design.md, "Trace speed and V8's pretenuring", outside the project:
// node --expose-gc bench/closure-retention.mjs
// Each call makes a 40 KB object `d` and a closure that captures it. Assigned to a property of a
// fresh object (which is itself garbage at once), the closure kept `d` through minor collections
// on Node 20.20 (V8 11.3); kept in an array, a local or an object literal it did not.
import v8 from 'node:v8';

const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;
const ways = {
  'assigned to a property': (d) => { const o = {}; o.f = () => d.big.length; return o; },
  'in an object literal': (d) => ({ f: () => d.big.length }),
  'in an array': (d) => [() => d.big.length],
  'in a local, called': (d) => { const f = () => d.big.length; return f(); },
};
for (const [name, keep] of Object.entries(ways)) {
  const run = () => { keep({ big: new Array(5000).fill(1) }); };
  for (let i = 0; i < 50; i++) run();
  gc();
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  const before = young();
  for (let i = 0; i < 10; i++) run();
  gc({ type: 'minor' });
  console.log(`${name.padEnd(24)} ten calls leave ${((young() - before) / 1024).toFixed(0)} KB after a minor GC`);
}
