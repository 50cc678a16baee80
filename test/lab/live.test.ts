// The lab on a real kernel: needs Linux, root and the tools (iproute2, iptables, tcpdump,
// conntrack, nfacct). Off CI without them these tests report themselves skipped, with the reason;
// in CI (CI=true) a missing prerequisite is a failure, not a skip.
//
// Every test checks that `ip netns list` is the same after it as before, including the ones that
// interrupt a verify run halfway (SIGINT; SIGKILL then `lab down`).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER as FULL_CLUSTER, SOURCE_TEXT_CLUSTER as BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { compareFullSegment, compareScenario, type Observation } from '../../src/lab/compare.js';
import type { Trace } from '../../src/core/trace-model.js';
import { withoutCoreDnsPod, withSmallUnderlay } from '../../src/core/traffic-scenarios.js';
import { preflight } from '../../src/lab/preflight.js';
import type { LabScenario } from '../../src/lab/scenarios.js';
import { simulateScenario } from '../../src/lab/verify.js';
import { KNOWN_STATIC_DIFFERENCES, unexplained } from './known-differences.js';
import { missingUnDnat, wrongCalicoGatewayMac, wrongProbabilityOrder, wrongVxlanPort } from './mutations.js';
import { withCni } from '../../src/core/cluster/variants.js';

process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
const pre = preflight();
const inCI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const reason = pre.ok ? '' : pre.reason;

if (!pre.ok && inCI) {
  describe('lab prerequisites (CI)', () => {
    it('has Linux, root and the lab tools', () => {
      throw new Error(`CI must run the lab, but ${reason}`);
    });
  });
}

function netnsList(): string {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean)
    .sort()
    .join('\n');
}

function processesOf(runId: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      const env = readFileSync(`/proc/${e}/environ`, 'utf8');
      if (cmd.includes(`kpt-lab-${runId}`) || env.includes(`KPT_LAB_NS=kpt-${runId}-`)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

interface Done {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe.skipIf(!pre.ok)(`lab on a real kernel${pre.ok ? '' : ` (skipped: ${reason})`}`, () => {
  let dir: string;
  let entry: string;
  let before: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpt-lab-test-'));
    entry = join(dir, 'lab.mjs');
    await build({
      entryPoints: [new URL('./support/lab-entry.ts', import.meta.url).pathname],
      outfile: entry,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __kptCreateRequire } from 'node:module'; const require = __kptCreateRequire(import.meta.url);" },
    });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    before = netnsList();
  });
  afterEach(() => {
    const after = netnsList();
    if (after !== before) spawnSync(process.execPath, [entry, 'down'], { encoding: 'utf8' });
    expect(after, '`ip netns list` after the test').toBe(before);
  });

  function runEntry(args: string[], env: Record<string, string> = {}): Promise<Done> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [entry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  /** Starts verify and interrupts it with `signal` once it is running `when`. */
  function interrupt(signal: NodeJS.Signals, when: RegExp): Promise<Done & { runId: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [entry, 'verify'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let sent = false;
      const timer = setTimeout(() => reject(new Error(`never saw ${when}: ${stderr}`)), 60_000);
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        if (!sent && when.test(stderr)) {
          sent = true;
          child.kill(signal);
        }
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        const runId = /kpt-([0-9a-f]{6})-\*/.exec(stderr)?.[1] ?? '';
        resolve({ code, signal: sig, stdout, stderr, runId });
      });
    });
  }

  it('verify: every scenario runs for real, and the kernel agrees with the simulator except for the known gaps', async () => {
    const record = join(dir, 'record.json');
    type Report = {
      ok: boolean;
      differences: number;
      static: { status: string }[];
      scenarios: { scenario: string; differences: number; rows: Parameters<typeof unexplained>[1] }[];
    };
    // On a machine busy with the other test files, a TCP SYN can miss its 1 s retransmission timer:
    // the kernel then counts a packet the simulator (which follows one SYN) does not. That is load,
    // not a disagreement, so a run with unexplained rows gets one more try; the second must agree.
    let t0 = Date.now();
    let r = await runEntry(['verify', '--json'], { KPT_LAB_RECORD: record });
    let report = JSON.parse(r.stdout) as Report;
    if (report.scenarios.some((s) => unexplained(s.scenario, s.rows).length > 0)) {
      t0 = Date.now();
      r = await runEntry(['verify', '--json'], { KPT_LAB_RECORD: record });
      report = JSON.parse(r.stdout) as Report;
    }
    const ms = Date.now() - t0;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(report.ok ? 0 : 1);
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(
      expect.arrayContaining(['cross-node-clusterip', 'same-node-clusterip', 'pod-ip', 'dns-lookup', 'hairpin', 'no-endpoints']),
    );
    for (const s of report.scenarios) {
      expect(unexplained(s.scenario, s.rows).map((x) => `${s.scenario} ${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`)).toEqual([]);
      // Every frame the simulator puts on a veth, a pod's eth0, flannel.1 or the node's eth0 is there, as it says.
      expect(s.rows.filter((x) => x.section === 'hop' && x.status === 'diff' && x.what !== 'bridge-in')).toEqual([]);
    }
    expect(ms).toBeLessThan(60_000);

    // The same kernel run against deliberately wrong simulators: the check bites.
    const rec = JSON.parse(readFileSync(record, 'utf8')) as { runs: { scenario: LabScenario; observation: Observation }[] };
    const cross = rec.runs.find((x) => x.scenario.name === 'cross-node-clusterip')!;
    const trace = simulateScenario(BUILTIN_CLUSTER, cross.scenario);
    const base = compareScenario(trace, cross.observation, BUILTIN_CLUSTER).differences;
    for (const mutate of [wrongVxlanPort, missingUnDnat, wrongProbabilityOrder]) {
      expect(compareScenario(mutate(trace), cross.observation, BUILTIN_CLUSTER).differences, mutate.name).toBeGreaterThan(base);
    }
  }, 90_000);

  it('verify --cluster: a three-node Flannel VXLAN cluster from a dump, with three endpoints and sessionAffinity ClientIP', async () => {
    // The fixture is a host-gw cluster; the same cluster with Flannel's VXLAN backend.
    const file = join(dir, 'three-node-vxlan.json');
    writeFileSync(file, readFileSync(new URL('../fixtures/clusters/three-node-flannel.json', import.meta.url), 'utf8').replaceAll('host-gw', 'vxlan'));
    const r = await runEntry(['verify', '--json', '--cluster', file]);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { static: Parameters<typeof unexplained>[1]; scenarios: { scenario: string; rows: Parameters<typeof unexplained>[1] }[] };
    expect(report.static.filter((x) => x.status === 'diff' && !KNOWN_STATIC_DIFFERENCES.some((k) => k.matches(x)))).toEqual([]);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(expect.arrayContaining(['cross-node-clusterip', 'same-node-clusterip', 'hairpin', 'dns-lookup']));
    for (const s of report.scenarios) {
      expect(unexplained(s.scenario, s.rows).map((x) => `${s.scenario} ${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`)).toEqual([]);
    }
  }, 90_000);

  // The other data planes (--cni): the same scenarios, each lab built from the core's model of that data plane.
  it.each(['flannel-host-gw', 'calico-bgp', 'calico-vxlan'])('verify --cni %s: every scenario, and the kernel agrees with the simulator', async (cni) => {
    type Report = { ok: boolean; static: Parameters<typeof unexplained>[1]; scenarios: { scenario: string; rows: Parameters<typeof unexplained>[1] }[] };
    const record = join(dir, `record-${cni}.json`);
    let r = await runEntry(['verify', '--json', '--cni', cni], { KPT_LAB_RECORD: record });
    let report = JSON.parse(r.stdout) as Report;
    // As above: one more run when a busy machine made the kernel retransmit a SYN.
    if (report.scenarios.some((s) => unexplained(s.scenario, s.rows).length > 0)) {
      r = await runEntry(['verify', '--json', '--cni', cni], { KPT_LAB_RECORD: record });
      report = JSON.parse(r.stdout) as Report;
    }
    expect(r.stderr).toBe('');
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(
      ['cross-node-clusterip', 'same-node-clusterip', 'pod-ip', 'same-node-pod-ip', 'dns-lookup', 'hairpin', 'no-endpoints', 'nxdomain'],
    );
    for (const s of report.scenarios) {
      expect(unexplained(s.scenario, s.rows).map((x) => `${s.scenario} ${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`)).toEqual([]);
      expect(s.rows.filter((x) => x.section === 'hop' && x.status === 'diff')).toEqual([]);
    }
    // Calico's devices were captured: the cali veths (and vxlan.calico), with no cni0 hop.
    const hops = report.scenarios.flatMap((s) => s.rows.filter((x) => x.section === 'hop'));
    if (cni.startsWith('calico')) {
      expect(hops.some((x) => /\/cali[0-9a-f]{11}$/.test(x.where) && x.status === 'ok' && x.what === 'veth')).toBe(true);
      expect(hops.some((x) => x.where.endsWith('/cni0'))).toBe(false);
    }
    if (cni === 'calico-vxlan') expect(hops.some((x) => x.where.endsWith('/vxlan.calico') && x.what === 'encap' && x.status === 'ok')).toBe(true);
    if (cni === 'flannel-host-gw') expect(hops.some((x) => x.where.includes('flannel.1'))).toBe(false);
    expect(r.code).toBe(0);

    // The same kernel run against deliberately wrong Calico simulators: the check bites.
    if (cni.startsWith('calico')) {
      const cluster = withCni(BUILTIN_CLUSTER, cni as 'calico-bgp' | 'calico-vxlan');
      const rec = JSON.parse(readFileSync(record, 'utf8')) as { runs: { scenario: LabScenario; observation: Observation }[] };
      const cross = rec.runs.find((x) => x.scenario.name === 'cross-node-clusterip')!;
      const trace = simulateScenario(cluster, cross.scenario);
      const base = compareScenario(trace, cross.observation, cluster).differences;
      expect(base).toBe(0);
      const mutants = [wrongCalicoGatewayMac, missingUnDnat, ...(cni === 'calico-vxlan' ? [(t: typeof trace) => wrongVxlanPort(t, 8472)] : [])];
      for (const mutate of mutants) expect(compareScenario(mutate(trace), cross.observation, cluster).differences, mutate.name).toBeGreaterThan(base);
    }
  }, 90_000);

  it('verify --cni calico-ipip exits 2 with one sentence: this kernel has no ipip module (tunl0)', async () => {
    const r = await runEntry(['verify', '--cni', 'calico-ipip']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ipip|tunl0/);
  });

  it('verify interrupted with SIGINT halfway removes everything it built', async () => {
    const r = await interrupt('SIGINT', /running same-node-clusterip/);
    expect(r.runId).toMatch(/^[0-9a-f]{6}$/);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: removing the lab/);
    expect(netnsList()).toBe(before);
    expect(existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((e) => e.startsWith(`kpt-${r.runId}-`)) : []).toEqual([]);
    expect(existsSync(join(tmpdir(), `kpt-lab-${r.runId}`))).toBe(false);
    await new Promise((res) => setTimeout(res, 300));
    expect(processesOf(r.runId)).toEqual([]);
  }, 90_000);

  // Traffic beyond the source text (lab verify --scenario traffic): the whole built-in cluster, a
  // host-network client (the node's own namespace) and an outside client on the lan bridge.
  it.each(['flannel-vxlan', 'calico-vxlan'])('verify --scenario traffic --cni %s: NodePorts, traffic policies, host network, affinity, headless', async (cni) => {
    type Report = { ok: boolean; static: Parameters<typeof unexplained>[1]; scenarios: { scenario: string; rows: Parameters<typeof unexplained>[1] }[] };
    const record = join(dir, `record-traffic-${cni}.json`);
    let r = await runEntry(['verify', '--json', '--cni', cni, '--scenario', 'traffic'], { KPT_LAB_RECORD: record });
    let report = JSON.parse(r.stdout) as Report;
    // As above: one more run when a busy machine made the kernel retransmit a SYN.
    if (report.scenarios.some((s) => unexplained(s.scenario, s.rows).length > 0)) {
      r = await runEntry(['verify', '--json', '--cni', cni, '--scenario', 'traffic'], { KPT_LAB_RECORD: record });
      report = JSON.parse(r.stdout) as Report;
    }
    expect(r.stderr).toBe('');
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    expect(report.scenarios.map((s) => s.scenario)).toEqual([
      'host-network-clusterip', 'nodeport-external', 'nodeport-local', 'nodeport-local-no-endpoint',
      'internal-local', 'internal-local-no-endpoint', 'session-affinity', 'headless',
    ]);
    for (const s of report.scenarios) {
      expect(unexplained(s.scenario, s.rows).map((x) => `${s.scenario} ${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`)).toEqual([]);
    }
    expect(r.code).toBe(0);
    // The check bites: the outside client's frames, and the masquerading rule of the host client.
    const rec = JSON.parse(readFileSync(record, 'utf8')) as { runs: { scenario: LabScenario; trace: Parameters<typeof compareScenario>[0]; observation: Observation }[] };
    const cluster = withCni(FULL_CLUSTER, cni as 'flannel-vxlan' | 'calico-vxlan');
    const ext = rec.runs.find((x) => x.scenario.name === 'nodeport-external')!;
    const wrongMac = { ...ext.trace, hops: ext.trace.hops.map((h) => (h.step === 'send' && h.node === null ? { ...h, packet: { ...h.packet, srcMac: '02:00:00:00:00:01' } } : h)) };
    expect(compareScenario(wrongMac, ext.observation, cluster).differences).toBeGreaterThan(0);
    const host = rec.runs.find((x) => x.scenario.name === 'host-network-clusterip')!;
    const notMasqueraded = { ...host.trace, hops: host.trace.hops.map((h) => ({ ...h, rules: h.rules.filter((x) => !/MASQUERADE/.test(x)) })) };
    expect(compareScenario(notMasqueraded, host.observation, cluster).differences).toBeGreaterThan(0);
  }, 90_000);

  // networkpolicy-deny on its own cluster variant: Felix's policy chain under a name iptables accepts.
  it('verify --scenario networkpolicy-deny --cni calico-bgp: cali-tw drops the SYN, as the simulator says', async () => {
    const r = await runEntry(['verify', '--json', '--cni', 'calico-bgp', '--scenario', 'networkpolicy-deny']);
    const report = JSON.parse(r.stdout) as { ok: boolean; static: Parameters<typeof unexplained>[1]; scenarios: { scenario: string; rows: Parameters<typeof unexplained>[1] }[] };
    expect(r.stderr).toBe('');
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(['networkpolicy-deny']);
    for (const s of report.scenarios) expect(unexplained(s.scenario, s.rows).map((x) => `${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`)).toEqual([]);
    expect(r.code).toBe(0);
  }, 60_000);

  type ScenarioReport = { ok: boolean; static: Parameters<typeof unexplained>[1]; scenarios: { scenario: string; rows: Parameters<typeof unexplained>[1] }[] };
  /** verify --scenario NAME --json, once more if the first run has unexplained rows (a loaded machine can miss a 1 s timer). */
  async function verifyScenario(name: string, record: string): Promise<{ r: Done; report: ScenarioReport }> {
    let r = await runEntry(['verify', '--json', '--scenario', name], { KPT_LAB_RECORD: record });
    let report = JSON.parse(r.stdout) as ScenarioReport;
    if (report.scenarios.some((s) => unexplained(s.scenario, s.rows).length > 0)) {
      r = await runEntry(['verify', '--json', '--scenario', name], { KPT_LAB_RECORD: record });
      report = JSON.parse(r.stdout) as ScenarioReport;
    }
    return { r, report };
  }
  const rowText = (x: Parameters<typeof unexplained>[1][number]): string => `${x.ref} ${x.what} ${x.where}: ${x.simulator} | ${x.kernel}`;

  // vxlan-mtu: the lan bridge's ports carry 1450 bytes, the nodes' eth0 say 1500 (withSmallUnderlay).
  it('verify --scenario vxlan-mtu: the full-size segment\'s 1500-byte VXLAN packet vanishes on the node network, no ICMP, as the simulator says', async () => {
    const record = join(dir, 'record-mtu.json');
    const { r, report } = await verifyScenario('vxlan-mtu', record);
    expect(r.stderr).toBe('');
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(['vxlan-mtu']);
    const rows = report.scenarios[0]!.rows;
    expect(unexplained('vxlan-mtu', rows).map(rowText)).toEqual([]);
    expect(rows.find((x) => x.ref === 'size')).toMatchObject({ status: 'ok', simulator: 'outer 1500 bytes, DF clear; inner 1450 bytes, DF set' });
    expect(rows.find((x) => x.ref === 'lost')!.status).toBe('ok');
    expect(rows.find((x) => x.ref === 'icmp')).toMatchObject({ status: 'ok', kernel: 'no ICMP message in any capture' });
    expect(rows.find((x) => x.ref === 'end')).toMatchObject({ status: 'ok', kernel: 'failed: ETIMEDOUT' });
    expect(r.code).toBe(0);
    // The same kernel run against a simulator that says the segment arrives: the check bites.
    const rec = JSON.parse(readFileSync(record, 'utf8')) as { runs: { scenario: LabScenario; trace: Trace; observation: Observation; data: Observation }[] };
    const run = rec.runs[0]!;
    const cluster = withSmallUnderlay(BUILTIN_CLUSTER);
    const base = compareFullSegment(run.trace, run.observation, run.data, cluster).differences;
    expect(base).toBe(0);
    const arrives = { ...run.trace, verdict: 'delivered' as const, outcome: 'delivered' as const, reason: null };
    expect(compareFullSegment(arrives, run.observation, run.data, cluster).differences).toBeGreaterThan(base);
  }, 90_000);

  // stale-udp-conntrack: built with the CoreDNS pod 10.244.2.2, which the lab deletes halfway.
  it('verify --scenario stale-udp-conntrack: the same socket follows the stale entry to the deleted pod and is lost; a new socket is answered', async () => {
    const record = join(dir, 'record-stale.json');
    const { r, report } = await verifyScenario('stale-udp-conntrack', record);
    expect(r.stderr).toBe('');
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    // The rules were reloaded without the pod on every node.
    expect(report.static.filter((x) => x.ref === 'reload').map((x) => x.status)).toEqual(['ok', 'ok']);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(['stale-udp-conntrack', 'stale-udp-conntrack/new-socket']);
    for (const s of report.scenarios) expect(unexplained(s.scenario, s.rows).map(rowText)).toEqual([]);
    const [stale, fresh] = report.scenarios;
    expect(stale!.rows.find((x) => x.section === 'conntrack' && x.ref === 'ct' && x.where === 'node-1')!.kernel).toMatch(/src=10\.244\.2\.2 dst=10\.244\.1\.10 sport=53/);
    expect(stale!.rows.find((x) => x.ref === 'end')).toMatchObject({ status: 'ok', kernel: 'failed: ETIMEDOUT' });
    expect(fresh!.rows.find((x) => x.ref === 'end')).toMatchObject({ status: 'ok' });
    expect(fresh!.rows.find((x) => x.ref === 'end')!.kernel).toMatch(/^connected to 10\.96\.0\.10:53/);
    expect(r.code).toBe(0);
    // The stale socket's kernel run against the simulator's answer for a new socket (the live pod): the check bites.
    const rec = JSON.parse(readFileSync(record, 'utf8')) as { runs: { scenario: LabScenario; trace: Trace; observation: Observation }[] };
    const after = withoutCoreDnsPod(BUILTIN_CLUSTER);
    expect(compareScenario(rec.runs[0]!.trace, rec.runs[0]!.observation, after).differences).toBe(0);
    expect(compareScenario(rec.runs[1]!.trace, rec.runs[0]!.observation, after).differences).toBeGreaterThan(0);
  }, 90_000);

  it("verify --cni calico-bgp --scenario stale-udp-conntrack: the deleted pod's /32 is gone, so node-2's blackhole route discards the datagram", async () => {
    const r = await runEntry(['verify', '--json', '--cni', 'calico-bgp', '--scenario', 'stale-udp-conntrack'], {});
    const report = JSON.parse(r.stdout) as ScenarioReport;
    expect(report.static.filter((x) => x.status === 'diff')).toEqual([]);
    for (const s of report.scenarios) expect(unexplained(s.scenario, s.rows).map(rowText)).toEqual([]);
    const blackhole = report.scenarios[0]!.rows.find((x) => x.where.startsWith('node-2') && /blackhole/.test(x.simulator));
    expect(blackhole).toMatchObject({ status: 'ok' });
    expect(blackhole!.kernel).toMatch(/Invalid argument/);
    expect(r.code).toBe(0);
  }, 90_000);

  it('verify killed with SIGKILL halfway leaves a lab that `lab down` removes', async () => {
    const r = await interrupt('SIGKILL', /running pod-ip/);
    expect(r.signal).toBe('SIGKILL');
    const left = netnsList().split('\n').filter((n) => n.startsWith(`kpt-${r.runId}-`));
    expect(left.length).toBeGreaterThan(0);
    const down = await runEntry(['down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/^Removed \d+ lab namespaces?: /);
    expect(netnsList()).toBe(before);
    expect(existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((e) => e.startsWith(`kpt-${r.runId}-`)) : []).toEqual([]);
    expect(existsSync(join(tmpdir(), `kpt-lab-${r.runId}`))).toBe(false);
    expect(processesOf(r.runId)).toEqual([]);
  }, 90_000);

  it('up leaves a working lab (real DNS search walk, DNAT to a pod) and says how to enter it; down removes it', async () => {
    const up = await runEntry(['up']);
    expect(up.code).toBe(0);
    const ns = /ip netns exec (kpt-[0-9a-f]{6}-pod-a) bash/.exec(up.stdout)?.[1];
    expect(ns, up.stdout).toBeDefined();
    expect(up.stdout).toMatch(/Remove it: kube-packet-tour lab down/);
    const dns = spawnSync('ip', ['netns', 'exec', ns!, 'getent', 'ahostsv4', 'myapp'], { encoding: 'utf8' });
    expect(dns.stdout).toMatch(/^10\.96\.1\.20\s/);
    const tcp = spawnSync('ip', ['netns', 'exec', ns!, process.execPath, '-e', "require('net').connect(80,'10.96.1.20').on('data',(d)=>{process.stdout.write(d)}).on('error',(e)=>{console.log(e.code)})"], { encoding: 'utf8', timeout: 10_000 });
    expect(tcp.stdout).toMatch(/^hello from pod-[bc] \(10\.244\.[12]\.\d+\); you are 10\.244\.1\.10:\d+/);
    const down = await runEntry(['down']);
    expect(down.code).toBe(0);
    expect(netnsList()).toBe(before);
  }, 90_000);

  it('down with nothing to remove says so', async () => {
    if (/^kpt-/m.test(before)) return; // someone's lab is up on this machine: leave it alone
    const down = await runEntry(['down']);
    expect(down).toMatchObject({ code: 0, stdout: 'No lab to remove.\n' });
  });
});

describe('lab without its prerequisites', () => {
  it.skipIf(pre.ok)('says what it needs in one sentence and exits 2', async () => {
    const { runLab } = await import('../../src/lab/command.js');
    let err = '';
    const code = await runLab('verify', BUILTIN_CLUSTER, { write: () => undefined, writeErr: (s) => (err += s), width: 80, ascii: true, json: false });
    expect(code).toBe(2);
    expect(err).toBe(`kube-packet-tour: ${reason}\n`);
  });
});
