// observe.ts in kube-proxy IPVS mode: the commands that show IPVS's hops on a live node, and what they print.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { withProxyMode } from '../../src/core/cluster/proxy-mode.js';
import { observeHop, type Observation } from '../../src/core/observe.js';
import { SCENARIOS, SCENARIO_NAMES } from '../../src/core/scenarios.js';
import { simulate } from '../../src/core/trace.js';
import type { Hop, Trace } from '../../src/core/trace-model.js';

const cluster = withProxyMode(BUILTIN_CLUSTER, 'ipvs');

function traceOf(name: keyof typeof SCENARIOS): Trace {
  const s = SCENARIOS[name];
  const r = simulate(cluster, s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

function obsAt(trace: Trace, pick: (h: Hop) => boolean): Observation[] {
  const i = trace.hops.findIndex(pick);
  if (i < 0) throw new Error('no such hop');
  return observeHop(trace.hops[i]!, cluster, { previous: trace.hops[i - 1] ?? null, trace });
}

describe('observeHop in IPVS mode', () => {
  const t = traceOf('cross-node-clusterip');

  it('gives every hop of every scenario at least one command with output or a note', () => {
    for (const name of SCENARIO_NAMES) {
      const trace = traceOf(name);
      trace.hops.forEach((hop, i) => {
        const obs = observeHop(hop, cluster, { previous: trace.hops[i - 1] ?? null, trace });
        expect(obs.length, `${name} #${hop.index}`).toBeGreaterThan(0);
        for (const o of obs) {
          expect(o.output.length > 0 || o.note !== null).toBe(true);
          expect(`${o.command}\n${o.output.join('\n')}`).not.toMatch(/undefined|NaN|null|\[object/);
        }
      });
    }
  });

  it('nat PREROUTING: the ClusterIP:port is a member of KUBE-CLUSTER-IP, and KUBE-SERVICES names no Service', () => {
    const obs = obsAt(t, (h) => h.step === 'no-dnat' && h.node === 'node-1');
    expect(obs[0]).toMatchObject({ command: 'ipset test KUBE-CLUSTER-IP 10.96.1.20,tcp:80', output: ['10.96.1.20,tcp:80 is in set KUBE-CLUSTER-IP.'] });
    expect(obs[1]!.output).toContain('-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT');
  });

  it('the local route: the ClusterIP is on kube-ipvs0', () => {
    const obs = obsAt(t, (h) => h.step === 'route' && h.component === 'routing' && h.node === 'node-1' && h.direction === 'request');
    expect(obs[0]).toMatchObject({ command: 'ip route get 10.96.1.20 from 10.244.1.10 iif cni0', output: ['local 10.96.1.20 from 10.244.1.10 dev lo table local', '    cache <local> iif cni0'] });
    expect(obs[1]!.command).toBe('ip -4 addr show kube-ipvs0');
    expect(obs[1]!.output).toContain('    inet 10.96.1.20/32 scope global kube-ipvs0');
  });

  it('the IPVS DNAT: the virtual service with this connection counted, and its connection entry', () => {
    const obs = obsAt(t, (h) => h.step === 'dnat');
    expect(obs[0]!.command).toBe('ipvsadm -Ln -t 10.96.1.20:80');
    expect(obs[0]!.output.map((l) => l.trimEnd())).toEqual([
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  10.96.1.20:80 rr',
      '  -> 10.244.1.5:8080              Masq    1      0          0',
      '  -> 10.244.2.6:8080              Masq    1      0          1',
    ]);
    expect(obs[1]).toMatchObject({
      command: 'ipvsadm -Lnc',
      output: ['IPVS connection entries', 'pro expire state       source             virtual            destination', 'TCP 00:59  SYN_RECV    10.244.1.10:43512  10.96.1.20:80      10.244.2.6:8080'],
    });
  });

  it('ip_vs_nat_xmit: an output route lookup to the real server', () => {
    const obs = obsAt(t, (h) => h.step === 'route' && h.component === 'ipvs');
    expect(obs[0]).toMatchObject({ command: 'ip route get 10.244.2.6', output: ['10.244.2.6 via 10.244.2.0 dev flannel.1 src 10.244.1.0 uid 0', '    cache'] });
  });

  it('the reply\'s un-DNAT: the IPVS connection, then the conntrack line', () => {
    const obs = obsAt(t, (h) => h.step === 'un-dnat');
    expect(obs[0]!.command).toBe('ipvsadm -Lnc');
    expect(obs.some((o) => o.command.startsWith('conntrack -L'))).toBe(true);
  });

  it('an empty virtual service: no real server, and the kernel log line', () => {
    const obs = obsAt(traceOf('no-endpoints'), (h) => h.step === 'reject');
    expect(obs[0]!.output.at(-1)).toBe('TCP  10.96.1.30:80 rr');
    expect(obs[1]).toMatchObject({ command: 'dmesg | grep IPVS', output: ['IPVS: rr: TCP 10.96.1.30:80 - no destination available'] });
  });
});
