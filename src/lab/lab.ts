// The running lab: builds the plan's namespaces and devices, starts each pod's agent and the
// captures, and takes everything down again.

import { splitHostPort } from '../core/net/ipv4.js';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterModel } from '../core/cluster/model.js';
import { parseClientRef } from '../core/request.js';
import { AgentHandle } from './agent-process.js';
import { labTmpDir, removeRun, writeMarker } from './cleanup.js';
import { inNs, run, spawnInNs, waitExit } from './exec.js';
import { normaliseSave } from './kernel-text.js';
import { batchArgv, fromLabNames, type LabPlan, type PodPlan, type Step } from './plan.js';
import { captureKey, type Row } from './compare.js';
import { readPcap, type CapturedFrame } from './pcap.js';

export interface Capture {
  readonly key: string;
  readonly ns: string;
  readonly device: string;
  readonly file: string;
  readonly child: ChildProcess;
}

/**
 * Who sends a scenario's first packet: a pod (its own namespace), a host process (a node's own
 * namespace, as `--from node/NAME`) or the outside client (`--from external`, its own namespace on
 * the lan bridge).
 */
export interface LabClient {
  readonly kind: 'pod' | 'host' | 'external';
  readonly ns: string;
  readonly ip: string;
  /** The node whose conntrack holds the client's flow first: its own node, or (outside) the node it connects to. */
  readonly node: string | null;
  /** The pod, for a pod client (its resolv.conf). */
  readonly pod: PodPlan | null;
}

export class Lab {
  readonly agents = new Map<string, AgentHandle>();
  private captures: Capture[] = [];
  private tornDown = false;

  constructor(
    readonly plan: LabPlan,
    readonly cluster: ClusterModel,
    /** Nodes whose own namespace runs a client (host-network scenarios): they get an agent too. */
    readonly hostClients: readonly string[] = [],
  ) {}

  get tmpDir(): string {
    return labTmpDir(this.plan.runId);
  }

  /** Creates every namespace, device, address, route, neighbour, FDB entry, file and rule. */
  async build(mode: 'verify' | 'up'): Promise<void> {
    writeMarker({ runId: this.plan.runId, pid: process.pid, mode, started: new Date().toISOString(), namespaces: this.plan.namespaces });
    mkdirSync(this.tmpDir, { recursive: true });
    const steps = this.plan.steps;
    // Every step in plan order; a run of consecutive sysctl steps (one per namespace at the start) in parallel.
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      switch (s.kind) {
        case 'netns-add':
          await run(['ip', 'netns', 'add', s.ns]);
          break;
        case 'sysctl': {
          const batch: Extract<Step, { kind: 'sysctl' }>[] = [s];
          while (steps[i + 1]?.kind === 'sysctl') batch.push(steps[++i] as Extract<Step, { kind: 'sysctl' }>);
          await Promise.all(batch.map((x) => applySysctl(x.ns, x.values)));
          break;
        }
        case 'ipset':
          await run(inNs(s.ns, ['ipset', 'restore']), { input: s.text });
          break;
        case 'ip':
        case 'bridge':
          await run(batchArgv(s), { input: `${s.lines.join('\n')}\n` });
          break;
        case 'file': {
          const dir = join('/etc/netns', s.ns);
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, s.name), s.text);
          break;
        }
        case 'nfacct':
          for (const n of s.names) await run(inNs(s.ns, ['nfacct', 'add', n]));
          break;
        case 'iptables-restore':
          await run(inNs(s.ns, ['iptables-restore', ...(s.noflush ? ['--noflush'] : [])]), { input: s.text });
          break;
        default:
          break;
      }
    }
  }

  /** Starts each pod's servers (and the stand-in CoreDNS); resolves when all listen. */
  async startAgents(daemon: boolean): Promise<void> {
    for (const p of this.plan.pods) {
      const agent = AgentHandle.start(p.ns, {
        name: p.pod.name,
        ip: p.ip,
        tcp: p.tcpPorts,
        udp: p.udpPorts,
        dns: p.dnsServer ? this.plan.dnsRecords : null,
        daemon,
      });
      this.agents.set(p.ns, agent);
    }
    // Clients only (no servers): the outside client, and the nodes that act as host-network clients.
    const clientOnly = [
      ...(this.plan.external ? [{ ns: this.plan.external.ns, name: 'external', ip: this.plan.external.ip }] : []),
      ...this.plan.nodes.filter((n) => this.hostClients.includes(n.node.name)).map((n) => ({ ns: n.ns, name: n.node.name, ip: n.node.internalIP })),
    ];
    for (const c of clientOnly) this.agents.set(c.ns, AgentHandle.start(c.ns, { name: c.name, ip: c.ip, tcp: [], udp: [], dns: null, daemon }));
    await Promise.all([...this.agents.values()].map((a) => a.ready()));
    if (daemon) {
      // Let them run on without us: close our ends of their pipes.
      for (const a of this.agents.values()) {
        a.child.stdin!.end();
        a.child.stdout!.destroy();
        a.child.stderr!.destroy();
        a.child.unref();
      }
    }
  }

  /** The client a trace starts from (its request.from): a pod, node/NAME or external[/IP]. */
  clientFor(from: string, target: string | null): LabClient | null {
    const ref = parseClientRef(from);
    if (ref.kind === 'external') {
      const x = this.plan.external;
      if (x === null) return null;
      const ip = target === null ? null : splitHostPort(target).ip;
      const node = this.plan.nodes.find((n) => n.node.internalIP === ip)?.node.name ?? null;
      return { kind: 'external', ns: x.ns, ip: x.ip, node, pod: null };
    }
    if (ref.kind === 'node') {
      const n = this.plan.nodes.find((x) => x.node.name === ref.node);
      return n ? { kind: 'host', ns: n.ns, ip: n.node.internalIP, node: n.node.name, pod: null } : null;
    }
    const p = this.plan.pods.find((x) => x.pod.namespace === ref.namespace && x.pod.name === ref.name);
    return p ? { kind: 'pod', ns: p.ns, ip: p.ip, node: p.node, pod: p } : null;
  }

  agentIn(ns: string): AgentHandle {
    const a = this.agents.get(ns);
    if (!a) throw new Error(`no agent in ${ns}`);
    return a;
  }


  nodeNs(node: string): string {
    const n = this.plan.nodes.find((x) => x.node.name === node);
    if (!n) throw new Error(`no node ${node} in the lab`);
    return n.ns;
  }

  /** tcpdump on every device the simulator can name: pods' eth0; nodes' eth0, veths and the CNI's devices (cni0, flannel.1, vxlan.calico). */
  async startCaptures(): Promise<void> {
    const points: { key: string; ns: string; device: string }[] = [];
    for (const n of this.plan.nodes) {
      for (const dev of n.captureDevices) {
        points.push({ key: captureKey(n.node.name, n.node.name, dev), ns: n.ns, device: dev });
      }
    }
    for (const p of this.plan.pods) points.push({ key: captureKey(p.node, p.pod.name, 'eth0'), ns: p.ns, device: 'eth0' });
    // The outside client is the simulator's netns "client", on no node.
    if (this.plan.external) points.push({ key: captureKey(null, 'client', 'eth0'), ns: this.plan.external.ns, device: 'eth0' });
    const started = points.map((pt, i) => {
      const file = join(this.tmpDir, `cap-${i}.pcap`);
      // -p, never promiscuous: a promiscuous cni0 also hands the host a copy of the frames it switches
      // between pods, and on the bridged-DNAT path (a Service endpoint on the same node, hairpin) those
      // copies go through FORWARD, where KUBE-FORWARD drops them as INVALID (seen here: about four per
      // connection on the ct_state_invalid_dropped_pkts rule). The capture would change what it measures.
      // -U and --immediate-mode: each packet is written as it comes, so a capture stopped at any time is complete.
      const child = spawnInNs(pt.ns, ['tcpdump', '-p', '-n', '-U', '--immediate-mode', '-s', '512', '-i', pt.device, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      const cap: Capture = { ...pt, file, child };
      return { cap, ready: listening(child, `${pt.device} in ${pt.ns}`) };
    });
    this.captures = started.map((s) => s.cap);
    await Promise.all(started.map((s) => s.ready));
  }

  /** Stops tcpdump everywhere and reads what it wrote, by capture key. */
  async stopCaptures(): Promise<Map<string, CapturedFrame[]>> {
    // A moment for the last frames in flight.
    await new Promise((r) => setTimeout(r, 100));
    for (const c of this.captures) c.child.kill('SIGTERM');
    await Promise.all(this.captures.map((c) => waitExit(c.child, 3000)));
    const out = new Map<string, CapturedFrame[]>();
    for (const c of this.captures) {
      out.set(c.key, existsSync(c.file) ? readPcap(readFileSync(c.file)) : []);
    }
    this.captures = [];
    return out;
  }

  /**
   * In each node: zero the iptables counters, empty the conntrack table, and forget the `-m recent`
   * lists of sessionAffinity ClientIP Services (writing "/" to /proc/net/xt_recent/NAME clears one),
   * so every attempt is a new client's first connection and the statistic draw really happens.
   */
  async resetNodes(): Promise<void> {
    const script = 'iptables -Z && iptables -t nat -Z && { conntrack -F 2>/dev/null; true; } && for f in /proc/net/xt_recent/*; do [ -e "$f" ] && echo / > "$f"; done; true';
    await Promise.all(this.plan.nodes.map((n) => run(inNs(n.ns, ['sh', '-c', script]))));
  }

  /** Zeroes the nodes' filter and nat counters only (conntrack and the -m recent lists stay). */
  async zeroCounters(): Promise<void> {
    await Promise.all(this.plan.nodes.map((n) => run(inNs(n.ns, ['sh', '-c', 'iptables -Z && iptables -t nat -Z']))));
  }

  async conntrack(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(this.plan.nodes.map(async (n) => {
      out[n.node.name] = (await run(inNs(n.ns, ['conntrack', '-L']), { allowFail: true })).stdout;
    }));
    return out;
  }

  async counters(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(this.plan.nodes.map(async (n) => {
      out[n.node.name] = fromLabNames((await run(inNs(n.ns, ['iptables-save', '-c']))).stdout, this.plan.names);
    }));
    return out;
  }

  /** The checks that do not depend on a packet: rules as loaded, both rule forms, routing tables. */
  async staticChecks(): Promise<Row[]> {
    const rows: Row[] = [];
    for (const n of this.plan.nodes) {
      const real = (await run(inNs(n.ns, ['iptables-save']))).stdout;
      const expected = n.saveText + (n.rawRestoreText ?? '');
      const same = byTable(normaliseSave(real)) === byTable(normaliseSave(expected));
      rows.push({
        section: 'rules', ref: 'save', where: n.node.name, what: 'iptables-save',
        simulator: `\`kube-packet-tour rules\` (iptables-save form), loaded with iptables-restore${n.rawRestoreText ? ", and Felix's raw chains (mark clearing, NOTRACK, rp_filter)" : ''}`,
        kernel: same ? 'iptables-save prints it back identically' : `iptables-save prints it differently:\n${lineDiff(normaliseSave(expected), normaliseSave(real))}`,
        status: same ? 'ok' : 'diff',
      });
      // The other form: Flannel's and the jump rules, then kube-proxy's restore input with --noflush, in a scratch namespace.
      const scratch = `${this.plan.prefix}_scratch`; // "_" is in no Kubernetes name
      try {
        await run(['ip', 'netns', 'add', scratch]);
        for (const name of n.nfacct) await run(inNs(scratch, ['nfacct', 'add', name]));
        if (n.ipsetText !== null) await run(inNs(scratch, ['ipset', 'restore']), { input: n.ipsetText });
        await run(inNs(scratch, ['iptables-restore']), { input: n.baseRestoreText });
        await run(inNs(scratch, ['iptables-restore', '--noflush']), { input: n.kubeProxyRestoreText });
        if (n.rawRestoreText !== null) await run(inNs(scratch, ['iptables-restore', '--noflush']), { input: n.rawRestoreText });
        const other = (await run(inNs(scratch, ['iptables-save']))).stdout;
        const same2 = byTable(normaliseSave(other)) === byTable(normaliseSave(real));
        rows.push({
          section: 'rules', ref: 'restore', where: n.node.name, what: 'restore form',
          simulator: '`rules --format restore` with --noflush, after the jump and Flannel rules',
          kernel: same2 ? 'loads, and iptables-save shows the same rule set' : `loads, but differs:\n${lineDiff(normaliseSave(real), normaliseSave(other))}`,
          status: same2 ? 'ok' : 'diff',
        });
      } catch (e) {
        rows.push({ section: 'rules', ref: 'restore', where: n.node.name, what: 'restore form', simulator: 'loads with iptables-restore --noflush', kernel: `does not load: ${(e as Error).message}`, status: 'diff' });
      } finally {
        await run(['ip', 'netns', 'del', scratch], { allowFail: true });
      }
      // net.bridge.* and ip_forward are per network namespace on current kernels: read them back here.
      const sysctls = (await run(inNs(n.ns, ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/bridge/bridge-nf-call-iptables']))).stdout.trim().split(/\s+/);
      const wantBr = this.cluster.network.brNetfilter ? '1' : '0';
      rows.push({
        section: 'rules', ref: 'sysctl', where: n.node.name, what: 'sysctl',
        simulator: `net.ipv4.ip_forward = 1, net.bridge.bridge-nf-call-iptables = ${wantBr}`,
        kernel: `net.ipv4.ip_forward = ${sysctls[0]}, net.bridge.bridge-nf-call-iptables = ${sysctls[1]} (in ${n.ns})`,
        status: sysctls[0] === '1' && sysctls[1] === wantBr ? 'ok' : 'diff',
      });
      const routes = trimLines((await run(['ip', '-n', n.ns, 'route', 'show'])).stdout);
      const want = n.routes.map((r) => r.text).join('\n');
      rows.push({ section: 'rules', ref: 'route', where: n.node.name, what: 'ip route', simulator: want.replace(/\n/g, ' / '), kernel: routes === want ? 'same' : routes.replace(/\n/g, ' / '), status: routes === want ? 'ok' : 'diff' });
    }
    for (const p of this.plan.pods) {
      const routes = trimLines((await run(['ip', '-n', p.ns, 'route', 'show'])).stdout);
      const want = p.routes.map((r) => r.text).join('\n');
      rows.push({ section: 'rules', ref: 'route', where: p.pod.name, what: 'ip route', simulator: want.replace(/\n/g, ' / '), kernel: routes === want ? 'same' : routes.replace(/\n/g, ' / '), status: routes === want ? 'ok' : 'diff' });
    }
    return rows;
  }

  /**
   * Deletes a pod as the kubelet and the CNI plugin do: its containers stop (the agent), the CNI DEL
   * removes its veth (both ends: the host end leaves the bridge, and with it its FDB entries) and its
   * network namespace goes. The node's neighbour entry for the pod's IP is left alone (nothing
   * flushes it), and so is conntrack. The captures on the two veth ends stop first (tcpdump would
   * keep the namespace alive); what they wrote is still read at the end.
   */
  async deletePod(pod: PodPlan): Promise<void> {
    const mine = this.captures.filter((c) => c.ns === pod.ns || (c.ns === pod.nodeNs && c.device === pod.hostVeth));
    for (const c of mine) c.child.kill('SIGTERM');
    await Promise.all(mine.map((c) => waitExit(c.child, 3000)));
    const agent = this.agents.get(pod.ns);
    if (agent) {
      await agent.stop().catch(() => undefined);
      this.agents.delete(pod.ns);
    }
    await run(['ip', '-n', pod.nodeNs, 'link', 'del', pod.hostVeth]);
    await run(['ip', 'netns', 'del', pod.ns]);
  }

  /**
   * Loads other rules into every node, as kube-proxy's next sync does (`iptables-restore` of the
   * whole tables; conntrack is untouched), and says whether iptables-save prints them back.
   */
  async reloadRules(plan: LabPlan, why: string): Promise<Row[]> {
    const rows: Row[] = [];
    for (const n of plan.nodes) {
      // Only the tables in saveText are replaced; Felix's raw table (rawRestoreText) does not depend
      // on the endpoints and stays as built (loading it again with --noflush would double its rules).
      await run(inNs(this.nodeNs(n.node.name), ['iptables-restore']), { input: n.saveText });
      const real = (await run(inNs(this.nodeNs(n.node.name), ['iptables-save']))).stdout;
      const expected = n.saveText + (n.rawRestoreText ?? '');
      const same = byTable(normaliseSave(real)) === byTable(normaliseSave(expected));
      rows.push({
        section: 'rules', ref: 'reload', where: n.node.name, what: 'iptables-save',
        simulator: `\`kube-packet-tour rules\` for the cluster ${why}, loaded with iptables-restore`,
        kernel: same ? 'iptables-save prints it back identically' : `iptables-save prints it differently:\n${lineDiff(normaliseSave(expected), normaliseSave(real))}`,
        status: same ? 'ok' : 'diff',
      });
    }
    return rows;
  }

  /** Removes everything; safe to call more than once and from a signal handler. */
  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const c of this.captures) c.child.kill('SIGKILL');
    await Promise.all([...this.agents.values()].map((a) => a.stop().catch(() => undefined)));
    await removeRun(this.plan.runId);
  }
}

async function applySysctl(ns: string, values: readonly (readonly [string, string])[]): Promise<void> {
  const script = values.map(([k, v]) => `echo ${v} > /proc/sys/${k}`).join(' && ');
  await run(inNs(ns, ['sh', '-c', script]));
}

function listening(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump on ${what} did not start: ${err.trim()}`)), 10_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (/listening on/.test(err)) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`tcpdump on ${what} exited (${code}): ${err.trim()}`)); });
  });
}

function lineDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  const bs = new Set(bl);
  const as = new Set(al);
  const out: string[] = [];
  for (const l of al) if (!bs.has(l)) out.push(`  simulator: ${l}`);
  for (const l of bl) if (!as.has(l)) out.push(`  kernel:    ${l}`);
  if (out.length === 0) out.push('  same lines, different order');
  return out.slice(0, 12).join('\n');
}

/** iptables-save's tables in name order (the kernel lists them in its own order). */
function byTable(text: string): string {
  const blocks = text.split(/\n(?=\*)/);
  return blocks.sort().join('\n');
}

/** `ip route show` ends each line with a space. */
function trimLines(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').join('\n');
}
