// The comparison, pure, against observations recorded from a real `lab verify` run
// (fixtures/builtin-observations.json, made with KPT_LAB_RECORD and support-compact.mjs): the
// simulator agrees with them except for the known gaps, and deliberately wrong simulators fail.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOURCE_TEXT_CLUSTER as BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import type { Trace } from '../../src/core/trace-model.js';
import { compareScenario, type Observation, type Row } from '../../src/lab/compare.js';
import type { LabScenario } from '../../src/lab/scenarios.js';
import { simulateScenario } from '../../src/lab/verify.js';
import { unexplained } from './known-differences.js';
import { missingUnDnat, wrongProbabilityOrder, wrongVxlanPort } from './mutations.js';

interface Fixture {
  readonly runs: readonly { readonly scenario: LabScenario; readonly observation: Observation }[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/builtin-observations.json', import.meta.url), 'utf8')) as Fixture;
const runs = fixture.runs.map((r) => ({ ...r, trace: simulateScenario(BUILTIN_CLUSTER, r.scenario) }));
const run = (name: string) => {
  const r = runs.find((x) => x.scenario.name === name);
  if (!r) throw new Error(`no recorded run of ${name}`);
  return r;
};
const compare = (trace: Trace, name: string) => compareScenario(trace, run(name).observation, BUILTIN_CLUSTER);
const diffs = (rows: readonly Row[]) => rows.filter((r) => r.status === 'diff');

describe('lab comparison against a recorded kernel run', () => {
  it('covers the scenarios the issue names', () => {
    expect(runs.map((r) => r.scenario.name)).toEqual(
      expect.arrayContaining(['cross-node-clusterip', 'same-node-clusterip', 'pod-ip', 'dns-lookup', 'hairpin', 'no-endpoints']),
    );
  });

  it.each(runs.map((r) => [r.scenario.name]))('%s: every difference is a known simulator gap', (name) => {
    const r = run(name);
    const c = compare(r.trace, name);
    expect(unexplained(name, c.rows).map((x) => `${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`)).toEqual([]);
  });

  it.each(runs.filter((r) => r.trace.hops.length > 0).map((r) => [r.scenario.name]))('%s: every hop agrees (cni0 aside, see known-differences)', (name) => {
    const c = compare(run(name).trace, name);
    const hops = c.rows.filter((x) => x.section === 'hop');
    expect(hops.length).toBe(run(name).trace.hops.length);
    expect(diffs(hops).filter((x) => x.what !== 'bridge-in')).toEqual([]);
  });

  it('cross-node: the outer header is UDP 8472, VNI 1, node to node, and the DNAT went to pod-b', () => {
    const c = compare(run('cross-node-clusterip').trace, 'cross-node-clusterip');
    const wire = c.rows.filter((x) => x.what === 'wire');
    expect(wire).toHaveLength(2);
    for (const w of wire) {
      expect(w.status).toBe('ok');
      expect(w.kernel).toMatch(/:8472 UDP ttl 64 VXLAN vni 1:/);
    }
    const dnat = c.rows.find((x) => x.what === 'dnat')!;
    expect(dnat.status).toBe('ok');
    expect(dnat.kernel).toMatch(/reply from 10\.244\.2\.6:8080/);
    const sep = c.rows.find((x) => x.section === 'rules' && x.what === 'nat KUBE-SEP-YFMJ7GOJQ7VSTPRS' && /DNAT/.test(x.simulator))!;
    expect(sep).toMatchObject({ status: 'ok', kernel: '1 packet' });
    const deliver = c.rows.filter((x) => x.what === 'deliver').at(-1)!;
    expect(deliver.status).toBe('ok');
    expect(deliver.kernel).toMatch(/10\.96\.1\.20:80 > 10\.244\.1\.10:\d+ TCP \[S\.\]/);
  });

  it('hairpin: MASQUERADE to cni0\'s address, and the frame goes back out of the port it came in on', () => {
    const c = compare(run('hairpin').trace, 'hairpin');
    expect(c.rows.find((x) => x.what === 'masquerade')).toMatchObject({ status: 'ok' });
    expect(c.rows.find((x) => x.what === 'masquerade')!.kernel).toMatch(/reply to 10\.244\.1\.1:\d+/);
    expect(c.rows.filter((x) => x.what === 'hairpin').every((x) => x.status === 'ok')).toBe(true);
  });

  it('no endpoints: REJECT, an ICMP port unreachable from cni0, connection refused, no conntrack entry', () => {
    const c = compare(run('no-endpoints').trace, 'no-endpoints');
    expect(c.rows.find((x) => x.what === 'icmp-error')).toMatchObject({ status: 'ok' });
    expect(c.rows.find((x) => x.what === 'icmp-error')!.kernel).toMatch(/ICMP type 3 code 3/);
    expect(c.rows.find((x) => x.section === 'outcome')).toMatchObject({ status: 'ok', kernel: 'failed: ECONNREFUSED' });
    expect(c.rows.filter((x) => x.section === 'conntrack' && x.ref === 'ct')).toEqual([]);
  });
});

describe('deliberately wrong simulators fail the comparison', () => {
  it('a different VXLAN port', () => {
    const base = compare(run('cross-node-clusterip').trace, 'cross-node-clusterip');
    const bad = compare(wrongVxlanPort(run('cross-node-clusterip').trace), 'cross-node-clusterip');
    expect(bad.differences).toBeGreaterThan(base.differences);
    const wire = bad.rows.filter((x) => x.what === 'wire');
    expect(wire.every((x) => x.status === 'diff' && /dport 8472 \(simulator UDP 4789\)/.test(x.kernel))).toBe(true);
  });

  it('a missing un-DNAT', () => {
    for (const name of ['cross-node-clusterip', 'same-node-clusterip', 'dns-lookup', 'hairpin']) {
      const base = compare(run(name).trace, name);
      const bad = compare(missingUnDnat(run(name).trace), name);
      expect(bad.differences, name).toBeGreaterThan(base.differences);
      const last = bad.rows.filter((x) => x.what === 'deliver').at(-1)!;
      expect(last.status, name).toBe('diff');
    }
  });

  it('a wrong probability order', () => {
    for (const name of ['cross-node-clusterip', 'same-node-clusterip', 'hairpin']) {
      const base = compare(run(name).trace, name);
      const bad = compare(wrongProbabilityOrder(run(name).trace), name);
      expect(bad.differences, name).toBeGreaterThan(base.differences);
      expect(bad.rows.some((x) => x.what === 'unknown rule' && x.status === 'diff'), name).toBe(true);
      expect(bad.rows.find((x) => x.what === 'dnat')!.status, name).toBe('diff');
    }
  });
});
