// Which scenarios `lab verify` runs: the named ones on the built-in cluster; for a --cluster file,
// the same kinds of journey, picked from that cluster's pods and Services. Pure.

import type { ClusterModel } from '../core/cluster/model.js';
import { proxyServicePorts } from '../core/proxy/service-ports.js';
import type { TraceOptions, TraceRequest } from '../core/request.js';
import { ALL_SCENARIOS, SCENARIOS } from '../core/scenarios.js';
import { LAB_VARIANT_SCENARIO_NAMES } from './scenario-names.js';
import type { AnyScenarioName } from '../core/request.js';
import type { ExternalHost } from '../core/kernel/datapath.js';
import { resolveClient } from '../core/trace.js';

export interface LabScenario {
  readonly name: string;
  readonly title: string;
  readonly request: TraceRequest;
  readonly options: TraceOptions;
  /** The scenario's cluster variant (networkpolicy-deny: a default-deny NetworkPolicy), applied after --cni. */
  readonly cluster?: (base: ClusterModel) => ClusterModel;
  /**
   * The cluster the scenario's packet meets when the lab changes the built one halfway
   * (stale-udp-conntrack: built with the CoreDNS pod, then the pod deleted, withoutCoreDnsPod).
   */
  readonly after?: (built: ClusterModel) => ClusterModel;
  /**
   * How the lab runs it, when not as one connection: 'stale-udp' (earlier datagrams from one socket,
   * the endpoint deleted, the same socket again, then a new socket), 'full-segment' (the handshake
   * as usual, then a whole exchange whose response fills a segment).
   */
  readonly run?: 'stale-udp' | 'full-segment';
}

/** The named scenarios cannot run as asked (one sentence); the lab command makes it exit 2. */
export class LabScenarioError extends Error {
  override readonly name = 'LabScenarioError';
}

export function labScenarios(cluster: ClusterModel): LabScenario[] {
  if (cluster.source === 'built-in') {
    return Object.values(SCENARIOS).map((s) => ({ name: s.name, title: s.title, request: s.request, options: s.options }));
  }
  const out: LabScenario[] = [];
  const domain = cluster.dns.clusterDomain.replace(/\.$/, '');
  const dnsIPs = new Set<string>();
  const sps = proxyServicePorts(cluster);
  for (const sp of sps) if (sp.service.clusterIP === cluster.dns.nameserver) for (const e of sp.endpoints) dnsIPs.add(e.ip);
  const inLab = cluster.pods.filter((p) => p.ip !== null && !p.hostNetwork && cluster.nodes.some((n) => n.name === p.nodeName));
  const ref = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
  const podAt = (ip: string) => inLab.find((p) => p.ip === ip) ?? null;
  const candidates = sps.filter(
    (sp) => sp.protocol === 'TCP' && sp.service.clusterIP !== cluster.dns.nameserver && sp.service.clusterIP !== 'None' && sp.endpoints.some((e) => podAt(e.ip) !== null),
  );
  const svc = candidates[0];
  const client = inLab.find((p) => !dnsIPs.has(p.ip!) && !(svc?.endpoints.some((e) => e.ip === p.ip) ?? false)) ?? inLab.find((p) => !dnsIPs.has(p.ip!)) ?? inLab[0];
  if (client === undefined) return out;
  if (svc !== undefined) {
    const name = `${svc.service.name}.${svc.service.namespace}.svc.${domain}`;
    const to = `${name}:${svc.port.port}`;
    const remote = svc.endpoints.find((e) => podAt(e.ip) && e.nodeName !== client.nodeName);
    const local = svc.endpoints.find((e) => podAt(e.ip) && e.nodeName === client.nodeName && e.ip !== client.ip);
    if (remote) out.push({ name: 'cross-node-clusterip', title: `${ref(client)} to ${svc.spn}, endpoint on another node`, request: { from: ref(client), to }, options: { endpoint: remote.ip } });
    if (local) out.push({ name: 'same-node-clusterip', title: `${ref(client)} to ${svc.spn}, endpoint on the same node`, request: { from: ref(client), to }, options: { endpoint: local.ip } });
    const target = remote ?? local;
    if (target) out.push({ name: 'pod-ip', title: `${ref(client)} to pod IP ${target.ip}:${target.port}`, request: { from: ref(client), to: `${target.ip}:${target.port}` }, options: {} });
    out.push({ name: 'dns-lookup', title: `${ref(client)} looks up ${name}`, request: { from: ref(client), to: name }, options: { dnsOnly: true } });
    const self = svc.endpoints.map((e) => podAt(e.ip)).find((p) => p !== null);
    if (self) out.push({ name: 'hairpin', title: `${ref(self)} reaches itself through ${svc.spn}`, request: { from: ref(self), to }, options: { endpoint: self.ip! } });
  }
  const empty = sps.find((sp) => sp.protocol === 'TCP' && sp.endpoints.length === 0 && sp.service.clusterIP !== 'None');
  if (empty) out.push({ name: 'no-endpoints', title: `${ref(client)} to ${empty.spn}, which has no endpoints`, request: { from: ref(client), to: `${empty.service.name}.${empty.service.namespace}.svc.${domain}:${empty.port.port}` }, options: {} });
  out.push({ name: 'nxdomain', title: `${ref(client)} looks up a name that does not exist`, request: { from: ref(client), to: 'kpt-no-such-name' }, options: {} });
  return out;
}

/** The one cluster variant the named scenarios share (undefined: none); throws LabScenarioError when they need different clusters. */
export function sharedVariant(scenarios: readonly LabScenario[]): ((base: ClusterModel) => ClusterModel) | undefined {
  const variants = [...new Set(scenarios.map((s) => s.cluster))];
  const own = scenarios.filter((s) => s.cluster !== undefined || s.after !== undefined).map((s) => s.name);
  if (variants.length > 1 || (own.length > 0 && scenarios.length > 1)) {
    throw new LabScenarioError(`${own.join(', ')} runs on a cluster of its own (a variant of the built-in one): give it to lab verify --scenario alone`);
  }
  return variants[0];
}

/** The named scenarios on the built-in cluster (the traffic ones need BUILTIN_CLUSTER's extras). */
export function namedLabScenarios(names: readonly string[]): LabScenario[] {
  return names.map((n) => {
    const s = ALL_SCENARIOS[n as AnyScenarioName];
    if (s === undefined || (s.cluster !== undefined && !(LAB_VARIANT_SCENARIO_NAMES as readonly string[]).includes(n))) throw new LabScenarioError(`the lab does not build the scenario ${n}`);
    const base = { name: s.name, title: s.title, request: s.request, options: s.options };
    // The lab builds the cluster before the deletion and deletes the endpoint itself.
    if (s.options.staleEntryTo !== undefined) return { ...base, ...(s.cluster ? { after: s.cluster } : {}), run: 'stale-udp' as const };
    if (s.options.responseBytes !== undefined) return { ...base, ...(s.cluster ? { cluster: s.cluster } : {}), run: 'full-segment' as const };
    return { ...base, ...(s.cluster ? { cluster: s.cluster } : {}) };
  });
}

/** The outside client (address and MAC, as the simulator resolves it) when one of the scenarios starts outside the cluster. */
export function externalClient(cluster: ClusterModel, scenarios: readonly LabScenario[]): ExternalHost | null {
  for (const s of scenarios) {
    const client = resolveClient(cluster, s.request.from);
    if ('kind' in client && client.kind === 'external') return client.host;
  }
  return null;
}
