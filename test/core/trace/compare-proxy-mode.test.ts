// `trace --compare proxy-mode`: the same request under iptables and IPVS mode, aligned hop by hop.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withProxyMode } from '../../../src/core/cluster/proxy-mode.js';
import { compareTraces } from '../../../src/core/compare.js';
import { simulate } from '../../../src/core/trace.js';
import type { Trace } from '../../../src/core/trace-model.js';
import { compareText } from '../../../src/plain/compare-text.js';
import { runCli } from '../../support/run-cli.js';

function both(to = 'myapp.default.svc.cluster.local'): [Trace, Trace] {
  const t = (['iptables', 'ipvs'] as const).map((m) => {
    const r = simulate(withProxyMode(BUILTIN_CLUSTER, m), { from: 'pod-a', to });
    if (!r.ok) throw new Error(r.error.message);
    return r.trace;
  });
  return [t[0]!, t[1]!];
}

describe('trace --compare proxy-mode', () => {
  it('marks where the DNAT happens: nat PREROUTING (KUBE-SEP) against IPVS at INPUT', () => {
    const c = compareTraces('proxy-mode', ['iptables', 'ipvs'], both());
    const dnat = c.alignment.find((r) => r.a !== null && r.b !== null && c.traces[0].hops[r.a - 1]!.step === 'dnat')!;
    expect(dnat.differences).toEqual(['by', 'rewrite']);
    // IPVS only: the local route, filter INPUT and the nat PREROUTING hop that only ACCEPTs.
    const onlyB = c.alignment.filter((r) => r.a === null).map((r) => c.traces[1].hops[r.b! - 1]!.step);
    expect(onlyB).toEqual(['no-dnat', 'route', 'filter-input']);
    // iptables only: filter FORWARD on the client's node (IPVS sends through LOCAL_OUT).
    const onlyA = c.alignment.filter((r) => r.b === null).map((r) => `${c.traces[0].hops[r.a! - 1]!.step}@${c.traces[0].hops[r.a! - 1]!.node}`);
    expect(onlyA).toEqual(['filter-forward@node-1']);
    const text = compareText(c, { width: 80, ascii: false });
    expect(text).toContain('Compare --proxy-mode: A = iptables, B = ipvs');
    expect(text).toContain('by ipvs at INPUT (IPVS TCP 10.96.1.20:80 rr)');
  });

  it('prints the comparison, and --json gives both traces and the alignment', () => {
    const r = runCli(['trace', '--compare', 'proxy-mode', '--scenario', 'no-endpoints', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { compare: string; choices: string[]; traces: Trace[]; alignment: unknown[] };
    expect(j.compare).toBe('proxy-mode');
    expect(j.choices).toEqual(['iptables', 'ipvs']);
    expect(j.traces.map((t) => t.verdict)).toEqual(['rejected', 'rejected']);
    // iptables: ICMP from cni0's address (filter REJECT); IPVS: from the ClusterIP itself (ip_vs_leave).
    expect(j.traces.map((t) => t.hops.at(-1)!.packet.src)).toEqual(['10.244.1.1', '10.96.1.30']);
  });
});
