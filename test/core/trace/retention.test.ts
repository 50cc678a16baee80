// A finished trace must leave nothing behind for V8's young-generation collector. When it did (a
// per-connection closure stored on the Datapath), every trace survived its first scavenges, V8 then
// allocated the trace's objects straight in old space, and the bench's built-in trace took 0.4-0.6 ms
// instead of 0.12-0.22 ms in a process's first 0.7 s (docs/design.md, "Trace speed and V8's pretenuring"). This measures memory, not time: the
// young generation after a minor collection, with and without ten finished traces in it.

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { simulate } from '../../../src/core/trace.js';
import type { TraceRequest } from '../../../src/core/request.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;

function youngBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
}

/**
 * Bytes left in the young generation by ten finished traces, each measured on its own between two
 * minor collections, so that no collection runs while a trace does (one trace allocates far less
 * than the smallest young generation).
 */
function leftBehind(run: (i: number) => unknown): { left: number; allocated: number } {
  for (let i = 0; i < 3; i++) run(i); // builds the cluster's tables, which live on
  gc();
  let left = 0;
  let allocated = 0;
  for (let i = 0; i < 10; i++) {
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const before = youngBytes();
    run(100 + i);
    allocated += youngBytes() - before;
    gc({ type: 'minor' });
    left += youngBytes() - before;
  }
  return { left, allocated };
}

const CASES: readonly [string, TraceRequest, Parameters<typeof withCni>[1]][] = [
  ['ClusterIP by name (DNS first), Flannel VXLAN', { from: 'pod-a', to: 'myapp.default.svc.cluster.local' }, 'flannel-vxlan'],
  ['pod IP, Flannel VXLAN', { from: 'pod-a', to: '10.244.2.6:8080' }, 'flannel-vxlan'],
  ['ClusterIP by name, Calico VXLAN', { from: 'pod-a', to: 'myapp.default.svc.cluster.local' }, 'calico-vxlan'],
];

describe('the measurement', () => {
  // Guards the test itself: if gc({ type: 'minor' }) did nothing (V8 ignores flags set after
  // start-up in some builds), everything would look "left" here and the traces' checks would fail;
  // if it collected everything, this would fail.
  it('counts what a run keeps, and not what it drops', () => {
    const kept: unknown[] = [];
    const objects = (i: number): { k: number; i: number }[] => Array.from({ length: 1000 }, (_, k) => ({ k, i }));
    const { left, allocated } = leftBehind((i) => {
      kept.push(objects(i));
      return objects(i + 1);
    });
    expect(kept).toHaveLength(13);
    // Half of each run is kept; its kept array's growth is garbage too (about 35% measured).
    expect(left).toBeGreaterThan(allocated * 0.2);
    expect(left).toBeLessThan(allocated * 0.5);
  });
});

describe('a finished trace', () => {
  it.each(CASES)('%s: leaves almost nothing in the young generation', (_, request, cni) => {
    const cluster = withCni(BUILTIN_CLUSTER, cni);
    const { left, allocated } = leftBehind((i) => {
      const r = simulate(cluster, request, { seed: i });
      if (!r.ok) throw new Error(r.error.message);
    });
    // Ten traces allocate several hundred KB. When they were kept, 28 to 43% of it stayed; now 1 to 7%.
    expect(allocated).toBeGreaterThan(200 * 1024);
    expect(left).toBeLessThan(allocated / 5);
  });
});
