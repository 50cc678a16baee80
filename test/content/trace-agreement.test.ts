// Every ```sim and ```predict block, run through the simulator: the hops a lesson stops on and
// asks about must occur in the trace, and what a prediction asks for must be in the hop.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { SCENARIOS } from '../../src/core/scenarios.js';
import { simulate } from '../../src/core/trace.js';
import type { Hop, Trace } from '../../src/core/trace-model.js';
import { loadLessons, plainText, type Block, type CompareBlock, type SimBlock } from '../../src/content/index.js';
import { COMPARISONS, isComparisonName, runComparison } from '../../src/core/comparisons.js';

const lessons = loadLessons();

function traceOf(sim: SimBlock): Trace {
  const scenario = SCENARIOS[sim.scenario];
  const result = simulate(BUILTIN_CLUSTER, scenario.request, scenario.options);
  if (!result.ok) throw new Error(`scenario ${sim.scenario} failed: ${JSON.stringify(result.error)}`);
  return result.trace;
}

function hopAt(trace: Trace, step: string, direction: string | null): Hop | undefined {
  return trace.hops.find((h) => h.step === step && (direction === null || h.direction === direction));
}

/** Hops whose change must be shown when a prediction asks what the hop rewrites. */
const REWRITING_STEPS = new Set(['dnat', 'un-dnat', 'masquerade', 'un-snat']);

describe('lesson directives agree with the simulator', () => {
  for (const lesson of lessons) {
    const blocks: Block[] = lesson.pages.flatMap((p) => [...p.blocks]);
    const sims = blocks.filter((b): b is SimBlock => b.kind === 'sim');

    it(`${lesson.file}: every focus step occurs in its scenario's trace`, () => {
      for (const sim of sims) {
        const trace = traceOf(sim);
        for (const step of sim.focus) {
          expect(hopAt(trace, step, sim.direction), `${sim.scenario} ${sim.direction ?? 'any'}: ${step}`).toBeDefined();
        }
      }
    });

    const compares = blocks.filter((b): b is CompareBlock => b.kind === 'compare');
    it.skipIf(compares.length === 0)(`${lesson.file}: every comparison runs, each focus step is one of its rows, and some stop shows a difference`, () => {
      for (const block of compares) {
        expect(isComparisonName(block.name), block.name).toBe(true);
        if (!isComparisonName(block.name)) continue;
        const result = runComparison(block.name, BUILTIN_CLUSTER, simulate);
        expect(result.ok, block.name).toBe(true);
        if (!result.ok) continue;
        const c = result.comparison;
        const stepOf = (t: 0 | 1, index: number | null) => (index === null ? undefined : c.traces[t].hops.find((h) => h.index === index)?.step);
        const differs = (r: (typeof c.alignment)[number]) => r.a === null || r.b === null || r.differences.length > 0;
        let stopsThatDiffer = 0;
        for (const step of block.focus) {
          const rows = c.alignment.filter((r) => (stepOf(0, r.a) ?? stepOf(1, r.b)) === step);
          expect(rows.length, `${lesson.file}:${block.line} ${block.name} at ${step}`).toBeGreaterThan(0);
          if (rows.some(differs)) stopsThatDiffer++;
        }
        // A comparison whose stops all show the same hop on both sides teaches nothing.
        expect(stopsThatDiffer, `${lesson.file}:${block.line} ${block.name}`).toBeGreaterThan(0);
        // The lesson names both sides' choices in its own words: its sides must be what the comparison runs.
        expect(c.choices).toEqual(COMPARISONS[block.name].sides.map((s) => s.label));
      }
    });

    it(`${lesson.file}: every prediction's hop occurs, and holds what it asks about`, () => {
      for (const b of blocks) {
        if (b.kind !== 'predict') continue;
        const sim = sims.find((s) => s.index === b.sim);
        expect(sim, `predict on line ${b.line}`).toBeDefined();
        if (sim === undefined) continue;
        const trace = traceOf(sim);
        const hop = hopAt(trace, b.at, b.direction);
        const where = `${lesson.file}:${b.line} ${sim.scenario} at ${b.at}`;
        expect(hop, where).toBeDefined();
        if (hop === undefined) continue;
        for (const ask of b.ask) {
          switch (ask) {
            case 'rewrite':
              if (REWRITING_STEPS.has(b.at)) expect(hop.rewrite, where).not.toBeNull();
              break;
            case 'chain':
              expect(hop.rewrite?.chain != null || hop.rules.length > 0, where).toBe(true);
              break;
            case 'outer-header':
              expect(hop.packet.outer, where).not.toBeNull();
              break;
            case 'conntrack':
              expect(hop.conntrack, where).not.toBeNull();
              break;
            case 'dns-queries':
              expect(trace.dns?.queries.length ?? 0, where).toBeGreaterThan(0);
              break;
            case 'next-hop':
              expect(trace.hops.indexOf(hop), where).toBeLessThan(trace.hops.length - 1);
              break;
          }
        }
      }
    });
  }

  it('the cross-node scenario picks pod-b, as the lessons say', () => {
    const trace = traceOf({ kind: 'sim', line: 0, scenario: 'cross-node-clusterip', focus: [], direction: null, index: 0 });
    expect(trace.endpoint).toBe('10.244.2.6:8080');
    const dnat = hopAt(trace, 'dnat', 'request');
    expect(dnat?.rewrite).toMatchObject({ kind: 'DNAT', from: '10.96.1.20:80', to: '10.244.2.6:8080', chain: 'KUBE-SEP-YFMJ7GOJQ7VSTPRS' });
    expect(hopAt(trace, 'un-dnat', 'reply')?.rewrite).toMatchObject({ kind: 'un-DNAT', from: '10.244.2.6:8080', to: '10.96.1.20:80' });
    expect(trace.hops.some((h) => h.step === 'masquerade')).toBe(false);
    const outer = hopAt(trace, 'encap', 'request')?.packet.outer;
    expect(outer).toMatchObject({ src: '192.168.1.11', dst: '192.168.1.12', dport: 8472, vni: 1 });
    // pod-b sees pod-a's own address: no SNAT
    expect(hopAt(trace, 'deliver', 'request')?.packet.src.startsWith('10.244.1.10:')).toBe(true);
  });

  it("lesson 1's resolv.conf and nslookup output are what the simulator prints", () => {
    const trace = traceOf({ kind: 'sim', line: 0, scenario: 'dns-lookup', focus: [], direction: null, index: 0 });
    const lesson1 = lessons[0]?.pages.flatMap((p) => [...p.blocks]) ?? [];
    const code = lesson1.filter((b) => b.kind === 'code').map((b) => b.lines);
    const norm = (lines: readonly string[]) => lines.map((l) => l.trim().split(/\s+/).join(' ')).filter((l) => l !== '');
    const resolv = code.find((lines) => lines.some((l) => l.startsWith('nameserver')));
    expect(norm(resolv ?? [])).toEqual(norm((trace.dns?.resolvConf ?? '').split('\n')));
    const nslookup = code.find((lines) => lines[0]?.includes('nslookup'));
    expect(norm((nslookup ?? []).slice(1))).toEqual(norm((trace.dns?.nslookup ?? '').split('\n')));
    // three NXDOMAIN names (A and AAAA each), then the answer, as lesson 1 says
    const queries = trace.dns?.queries ?? [];
    expect(queries.filter((q) => q.rcode === 'NXDOMAIN' && q.type === 'A')).toHaveLength(3);
    expect(queries.find((q) => q.type === 'A' && q.rcode === 'NOERROR')?.answer).toBe('10.96.1.20');
    const text = lesson1.map((b) => (b.kind === 'paragraph' ? plainText(b.spans) : '')).join(' ');
    expect(text).toContain('Those three get NXDOMAIN');
  });
});
