// `kube-packet-tour lab verify|up|down`: the Node side of the lab (child processes, files, signals).
//
// Exit codes (as everywhere in the CLI): 0 success; 1 the kernel disagreed with the simulator, or
// the lab failed at run time; 2 the command cannot run as given: not Linux, not root, a tool
// missing, or a cluster the lab cannot build (one sentence says which).

import { BUILTIN_CLUSTER, SOURCE_TEXT_CLUSTER } from '../core/cluster/builtin.js';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { ClusterModel, CniKind, ProxyMode } from '../core/cluster/model.js';
import { isCalico } from '../core/cni/calico/names.js';
import { chooseCni } from '../core/cluster/variants.js';
import { ipipRefusal, readIpipFacts, type IpipFacts } from './ipip-support.js';
import { withProxyMode } from '../core/cluster/proxy-mode.js';
import { parseClientRef } from '../core/request.js';
import { ipvsRefusal, readIpvsFacts, type IpvsFacts } from './ipvs-support.js';
import { labDown } from './cleanup.js';
import { compareFullSegment, compareScenario, type Row, type ScenarioComparison } from './compare.js';
import { runFullSegment, runStaleUdp } from './failures.js';
import { Lab } from './lab.js';
import { planLab, type LabPlan } from './plan.js';
import { currentEnv, findTool, preflight } from './preflight.js';
import { renderRows, renderScenario } from './report.js';
import { expandLabScenarioNames, needsTrafficCluster } from './scenario-names.js';
import { externalClient, LabScenarioError, labScenarios, namedLabScenarios, sharedVariant, type LabScenario } from './scenarios.js';
import { attachDataFrames, attachFrames, Ports, prepareClients, runScenario, simulateScenario, type ScenarioRun } from './verify.js';

export type LabAction = 'verify' | 'up' | 'down';

export interface LabIo {
  readonly write: (s: string) => void;
  readonly writeErr: (s: string) => void;
  readonly width: number;
  readonly ascii: boolean;
  readonly json: boolean;
  /** --proxy-mode when given. */
  readonly proxyMode?: ProxyMode | null;
  /** What the kernel offers for IPVS (injected by tests). */
  readonly ipvsFacts?: () => IpvsFacts;
  /** --cni when given: the built-in cluster with that data plane. */
  readonly cni?: CniKind | null;
  /** What the kernel offers for IP-in-IP (injected by tests). */
  readonly ipipFacts?: () => IpipFacts;
  /** --scenario when given (lab verify): names from LAB_SCENARIO_CHOICES; "traffic" is every traffic scenario. */
  readonly scenarios?: readonly string[] | null;
}

function ensureSbinOnPath(): void {
  const path = process.env.PATH ?? '';
  const parts = path.split(':');
  for (const d of ['/usr/sbin', '/sbin']) if (!parts.includes(d)) parts.push(d);
  process.env.PATH = parts.filter(Boolean).join(':');
}

/** Runs fn with SIGINT/SIGTERM/SIGHUP tearing the lab down first. */
async function withSignals<T>(lab: Lab, fn: () => Promise<T>): Promise<T> {
  const handlers: [NodeJS.Signals, () => void][] = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => {
    const h = (): void => {
      process.stderr.write(`kube-packet-tour: ${sig}: removing the lab ${lab.plan.prefix}*\n`);
      void lab.teardown().finally(() => process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129));
    };
    process.on(sig, h);
    return [sig, h];
  });
  try {
    return await fn();
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

export async function runLab(action: LabAction, loaded: ClusterModel, io: LabIo): Promise<number> {
  // The built-in cluster is built as the source text's: its recorded kernel runs predate the traffic scenarios' Services.
  // lab verify --scenario with a traffic scenario builds the whole built-in cluster (its extra Services and web's pods).
  const named = io.scenarios ? expandLabScenarioNames(io.scenarios) : null;
  let namedScenarios: LabScenario[] | null = null;
  let variant: ((base: ClusterModel) => ClusterModel) | undefined;
  try {
    namedScenarios = named !== null && action === 'verify' ? namedLabScenarios(named) : null;
    variant = namedScenarios ? sharedVariant(namedScenarios) : undefined;
  } catch (e) {
    if (!(e instanceof LabScenarioError)) throw e;
    io.writeErr(`kube-packet-tour: ${e.message}\n`);
    return 2;
  }
  let given = loaded === BUILTIN_CLUSTER && !(named !== null && needsTrafficCluster(named)) ? SOURCE_TEXT_CLUSTER : loaded;
  if (action !== 'down') {
    const chosen = chooseCni(given, io.cni ?? null);
    if (!chosen.ok) {
      io.writeErr(`kube-packet-tour: ${chosen.reason}\n`);
      return 2;
    }
    given = chosen.cluster;
    // A failure scenario's own cluster, as trace --scenario builds it (networkpolicy-deny: Calico, the deny policy).
    if (variant) given = variant(given);
    // Calico IPIP needs tunl0, which the lab does not build yet: say in one sentence why it cannot be had here.
    if (given.network.cni === 'calico-ipip') {
      io.writeErr(`kube-packet-tour: ${ipipRefusal((io.ipipFacts ?? readIpipFacts)())}\n`);
      return 2;
    }
  }
  // --proxy-mode ipvs: the lab does not build IPVS yet; say in one sentence why it cannot be had here.
  if (io.proxyMode === 'ipvs' && action !== 'down') {
    io.writeErr(`kube-packet-tour: ${ipvsRefusal((io.ipvsFacts ?? readIpvsFacts)())}\n`);
    return 2;
  }
  // A dump whose kube-proxy runs in IPVS mode is built (and simulated) in iptables mode, and says so.
  const cluster = given.proxy.mode === 'ipvs'
    ? { ...withProxyMode(given, 'iptables'), assumptions: [...given.assumptions, "The dump's kube-proxy runs in IPVS mode; the lab builds and verifies iptables mode instead (lab verify --proxy-mode ipvs says why IPVS itself cannot be verified here)."] }
    : given;
  ensureSbinOnPath();
  const pre = preflight();
  if (!pre.ok) {
    io.writeErr(`kube-packet-tour: ${pre.reason}\n`);
    return 2;
  }
  if (action !== 'down' && isCalico(cluster.network.cni) && findTool('ipset', currentEnv()) === null) {
    io.writeErr('kube-packet-tour: the Calico lab needs ipset (Felix\'s rules match ipsets): install it with `apt-get install -y ipset` (Debian/Ubuntu).\n');
    return 2;
  }
  if (action === 'down') {
    const r = await labDown();
    if (io.json) io.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      io.write(r.removed.length === 0 ? 'No lab to remove.\n' : `Removed ${r.removed.length} lab namespace${r.removed.length === 1 ? '' : 's'}: ${r.removed.join(' ')}\n`);
      for (const b of r.busy) io.write(`Left kpt-${b.runId}-* alone: its verify run (pid ${b.pid}) is still going and removes it itself.\n`);
    }
    return 0;
  }

  const runId = randomBytes(3).toString('hex');
  const scenarios: LabScenario[] = namedScenarios ?? labScenarios(cluster);
  const planned = planLab(cluster, runId, { external: action === 'verify' ? externalClient(cluster, scenarios) : null });
  if (!planned.ok) {
    io.writeErr(`kube-packet-tour: ${planned.reason}\n`);
    return 2;
  }
  const plan = planned.plan;
  const hostClients = scenarios.flatMap((s) => { const ref = parseClientRef(s.request.from); return ref.kind === 'node' ? [ref.node] : []; });
  const lab = new Lab(plan, cluster, action === 'verify' ? hostClients : []);
  const progress = (s: string): void => { if (!io.json) io.writeErr(`${s}\n`); };
  if (action === 'up') {
    try {
      await withSignals(lab, async () => {
        progress(`Building the lab ${plan.prefix}* (${plan.nodes.length} nodes, ${plan.pods.length} pods)...`);
        await lab.build('up');
        await lab.startAgents(true);
      });
    } catch (e) {
      io.writeErr(`kube-packet-tour: the lab could not be built: ${(e as Error).message}\n`);
      await lab.teardown();
      return 1;
    }
    io.write(upInstructions(plan, cluster));
    return 0;
  }

  // verify
  const t0 = Date.now();
  let code = 1;
  try {
    code = await withSignals(lab, async () => {
      progress(`Building the lab ${plan.prefix}* (${plan.nodes.length} nodes, ${plan.pods.length} pods)...`);
      await lab.build('verify');
      const staticRows = await lab.staticChecks();
      await lab.startAgents(false);
      await prepareClients(lab);
      await lab.startCaptures();
      const tBuilt = Date.now();
      const ports = new Ports();
      const runs: ScenarioRun[] = [];
      for (const s of scenarios) {
        progress(`running ${s.name}...`);
        if (s.run === 'stale-udp') {
          // Two comparisons (the same socket, then a new one) and the rules reloaded halfway.
          const r = await runStaleUdp(lab, s, ports, progress);
          runs.push(...r.runs);
          staticRows.push(...r.rows);
        } else if (s.run === 'full-segment') {
          runs.push(await runFullSegment(lab, s, simulateScenario(cluster, s), ports));
        } else {
          runs.push(await runScenario(lab, s, simulateScenario(cluster, s), ports));
        }
      }
      const captures = await lab.stopCaptures();
      const observations = attachFrames(runs, captures);
      const dataObservations = runs.map((r) => attachDataFrames(r, captures));
      const comparisons: ScenarioComparison[] = runs.map((r, i) => {
        const data = dataObservations[i];
        return data ? compareFullSegment(r.trace, observations[i]!, data, r.cluster ?? cluster) : compareScenario(r.trace, observations[i]!, r.cluster ?? cluster);
      });
      const record = process.env.KPT_LAB_RECORD;
      if (record) {
        writeFileSync(record, `${JSON.stringify({ cluster: cluster.source, runs: runs.map((r, i) => ({ scenario: r.scenario, trace: r.trace, observation: observations[i], ...(dataObservations[i] ? { data: dataObservations[i] } : {}) })) }, null, 1)}\n`);
      }
      const tDone = Date.now();
      const staticDiffs = staticRows.filter((r) => r.status === 'diff').length;
      const total = staticDiffs + comparisons.reduce((n, c) => n + c.differences, 0);
      const timing = { buildMs: tBuilt - t0, scenariosMs: tDone - tBuilt, totalMs: tDone - t0 };
      if (io.json) {
        io.write(`${JSON.stringify({ ok: total === 0, differences: total, runId, timing, static: staticRows, scenarios: comparisons.map((c, i) => ({ ...c, title: runs[i]!.scenario.title, ms: runs[i]!.ms })) }, null, 2)}\n`);
      } else {
        io.write(verifyText(staticRows, comparisons, runs, { ascii: io.ascii, width: io.width }, total, timing));
      }
      return total === 0 ? 0 : 1;
    });
  } catch (e) {
    io.writeErr(`kube-packet-tour: lab verify failed: ${(e as Error).message}\n`);
    code = 1;
  } finally {
    await lab.teardown();
  }
  return code;
}

function verifyText(
  staticRows: readonly Row[],
  comparisons: readonly ScenarioComparison[],
  runs: readonly ScenarioRun[],
  style: { ascii: boolean; width: number },
  total: number,
  timing: { buildMs: number; scenariosMs: number; totalMs: number },
): string {
  const out: string[] = [];
  const rule = style.ascii ? '=' : '═';
  out.push(`${rule.repeat(2)} the lab as built: rules and routes\n${renderRows(staticRows, style)}`);
  comparisons.forEach((c, i) => out.push(renderScenario(c, runs[i]!.scenario.title, runs[i]!.ms, style)));
  out.push('Summary');
  out.push(`  ${'lab as built'.padEnd(24)} ${staticRows.filter((r) => r.status === 'diff').length === 0 ? 'agrees' : `${staticRows.filter((r) => r.status === 'diff').length} difference(s)`}`);
  comparisons.forEach((c, i) => {
    const r = runs[i]!;
    const att = r.observation.maxAttempts > 1 ? `, endpoint pinned in ${r.observation.attempts}/${r.observation.maxAttempts} attempts` : '';
    out.push(`  ${c.scenario.padEnd(24)} ${c.differences === 0 ? 'agrees' : `${c.differences} difference(s)`}${att}`);
  });
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  out.push(`Time: build ${s(timing.buildMs)}, scenarios ${s(timing.scenariosMs)}, total ${s(timing.totalMs)}.`);
  out.push(total === 0 ? 'The kernel did what the simulator said.' : `The kernel disagreed with the simulator in ${total} place(s) (marked DIFF).`);
  return `${out.join('\n')}\n`;
}

function upInstructions(plan: LabPlan, cluster: ClusterModel): string {
  const client = plan.pods.find((p) => !p.dnsServer) ?? plan.pods[0];
  const svc = cluster.services.find((s) => s.clusterIP !== 'None' && s.clusterIP !== cluster.dns.nameserver && s.name !== 'kubernetes' && s.ports.some((p) => p.protocol === 'TCP'));
  const node = plan.nodes[0]!;
  const other = plan.nodes[1] ?? node;
  const lines = [
    `The lab is up: ${plan.nodes.length} node and ${plan.pods.length} pod network namespaces, none connected to this machine's network.`,
    '',
    'Namespaces:',
    ...plan.nodes.map((n) => `  ${n.ns.padEnd(36)} node ${n.node.name} (${n.node.internalIP})`),
    ...plan.pods.map((p) => `  ${p.ns.padEnd(36)} pod ${p.pod.namespace}/${p.pod.name} (${p.ip}, on ${p.node})${p.dnsServer ? ', stand-in CoreDNS' : ''}${p.tcpPorts.length ? `, listens on TCP ${p.tcpPorts.join(',')}` : ''}`),
    '',
    'Enter a pod or a node (a shell inside its network namespace):',
    `  ip netns exec ${client?.ns ?? node.ns} bash`,
    `  ip netns exec ${node.ns} bash`,
    '',
    'Things to try:',
  ];
  if (client && svc) {
    const name = `${svc.name}.${svc.namespace}.svc.${cluster.dns.clusterDomain}`;
    const port = svc.ports.find((p) => p.protocol === 'TCP')!.port;
    lines.push(
      `  ip netns exec ${client.ns} getent ahostsv4 ${svc.name}          # the search walk, answered by the stand-in CoreDNS`,
      `  ip netns exec ${client.ns} curl -s http://${name}:${port}/   # (if curl is installed) a pod behind the Service answers`,
      `  ip netns exec ${client.ns} ${process.execPath} -e "require('net').connect(${port},'${svc.clusterIP}').pipe(process.stdout)"`,
    );
  }
  lines.push(
    `  ip netns exec ${node.ns} iptables -t nat -L KUBE-SERVICES -n -v      # kube-proxy's rules, with counters`,
    `  ip netns exec ${node.ns} conntrack -L                                # the DNATed connections`,
    plan.cni === 'flannel-vxlan'
      ? `  ip netns exec ${other.ns} tcpdump -n -e -i eth0 -T vxlan udp port 8472   # the VXLAN overlay on the node network`
      : plan.cni === 'calico-vxlan'
      ? `  ip netns exec ${other.ns} tcpdump -n -e -i eth0 udp port 4789   # Calico's VXLAN overlay (VNI 4096) on the node network`
      : `  ip netns exec ${other.ns} tcpdump -n -e -i eth0 net ${cluster.network.podNetwork}   # pod packets routed as they are, no tunnel`,
    isCalico(plan.cni)
      ? `  ip netns exec ${node.ns} tcpdump -p -n -e -i ${client?.hostVeth ?? 'eth0'}   # the pod's cali veth: proxy ARP for 169.254.1.1, ee:ee:ee:ee:ee:ee`
      : `  ip netns exec ${node.ns} tcpdump -p -n -e -i cni0    # -p: a promiscuous cni0 would make KUBE-FORWARD drop copies as INVALID`,
    '',
    'Remove it: kube-packet-tour lab down',
  );
  return `${lines.join('\n')}\n`;
}
