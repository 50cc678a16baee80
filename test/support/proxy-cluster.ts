// Test support for comparing kube-proxy-iptables.ts with kube-proxy's own unit tests
// (kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go, index id 191206484; the same text is
// in aroradaman/kubernetes@4177b600d4b97a67b765a18ddeeb295ef757b212).
//
// - makeTestService / makeTestEndpointSlice / newFakeCluster mirror upstream's makeTestService,
//   makeTestEndpointSlice, populateEndpointSlices and NewFakeProxier, building a ClusterModel.
// - sortIPTablesRules / assertIPTablesRulesEqual port upstream's helpers of the same names
//   (which sit on pkg/util/iptables/testing/parse.go ParseIPTablesDump + IPTablesDump.String()).
// - checkIPTablesRuleJumps ports upstream's consistency check.
// - tracePacket ports upstream's packet tracer (iptablesTracer.runChain / ruleMatches), so the
//   upstream packet-flow tables can be run against the rules we generate.

import { DEFAULT_DNS, DEFAULT_NETWORK } from '../../src/core/cluster/defaults.js';
import { makeNode } from '../../src/core/cluster/make.js';
import type { ClusterModel, EndpointModel, EndpointSliceModel, Protocol, ProxyConfigModel, ServiceModel } from '../../src/core/cluster/model.js';
import { builtinJumpRules } from '../../src/core/proxy/jump-rules.js';
import { kubeProxyIptables } from '../../src/core/proxy/kube-proxy-iptables.js';
import { renderKubeProxyRestore } from '../../src/core/proxy/render-rules.js';
import { restoreLine } from '../../src/core/proxy/rule.js';

// ---------------------------------------------------------------------------------------------
// NewFakeProxier conventions

/** upstream: const testNodeName = "test-node" */
export const TEST_NODE_NAME = 'test-node';
/** upstream: testNodeIP, testNodeIPAlt, testExternalIP (the IPv4 members of testNodeIPs) */
export const TEST_NODE_IP = '192.168.0.2';
export const TEST_NODE_IP_ALT = '192.168.1.2';
export const TEST_EXTERNAL_IP = '192.168.99.11';
export const TEST_NODE_IPS = [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP];
/** upstream: testExternalClient */
export const TEST_EXTERNAL_CLIENT = '203.0.113.2';

/**
 * NewFakeProxier's settings, as far as ClusterModel.proxy can carry them:
 * detectLocal = NewDetectLocalByCIDR("10.0.0.0/8"), masqueradeAll false, mark 0x4000 (bit 14),
 * and the fake iptables has no --random-fully. localhostNodePorts true, nodePortAddresses nil
 * (match all) and both nfacct counters present are what kube-proxy-iptables.ts always assumes.
 */
export const FAKE_PROXY: ProxyConfigModel = {
  mode: 'iptables',
  clusterCIDR: '10.0.0.0/8',
  masqueradeAll: false,
  masqueradeBit: 14,
  randomFully: false,
};

// ---------------------------------------------------------------------------------------------
// Services and EndpointSlices

export interface TestServicePort {
  name: string;
  port: number;
  protocol: Protocol;
  nodePort?: number;
  targetPort?: number;
}

/** The subset of v1.Service that ClusterModel can represent (no externalIPs, LB ingress, source ranges, health-check node port). */
export interface TestService {
  type: ServiceModel['type'];
  clusterIP: string;
  ports: TestServicePort[];
  sessionAffinity: ServiceModel['sessionAffinity'];
  /** sessionAffinityConfig.clientIP.timeoutSeconds (unset: the API default). */
  affinityTimeoutSeconds?: number;
  externalTrafficPolicy: ServiceModel['externalTrafficPolicy'];
  internalTrafficPolicy: ServiceModel['internalTrafficPolicy'];
}

/** upstream makeTestService: an empty spec (type "" = ClusterIP, policies default to Cluster) that fn fills in. */
export function makeTestService(namespace: string, name: string, fn: (svc: TestService) => void): ServiceModel {
  const svc: TestService = {
    type: 'ClusterIP',
    clusterIP: '',
    ports: [],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  };
  fn(svc);
  return {
    namespace,
    name,
    type: svc.type,
    clusterIP: svc.clusterIP,
    ports: svc.ports.map((p) => ({
      name: p.name === '' ? null : p.name,
      port: p.port,
      protocol: p.protocol,
      targetPort: p.targetPort ?? p.port,
      nodePort: p.nodePort ?? null,
    })),
    selector: null,
    sessionAffinity: svc.sessionAffinity,
    ...(svc.affinityTimeoutSeconds === undefined ? {} : { affinityTimeoutSeconds: svc.affinityTimeoutSeconds }),
    externalTrafficPolicy: svc.externalTrafficPolicy,
    internalTrafficPolicy: svc.internalTrafficPolicy,
  };
}

export interface TestEndpoint {
  addresses: string[];
  nodeName?: string;
  /** discovery.EndpointConditions: nil Ready/Serving mean true, nil Terminating means false. */
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
}

export interface TestEndpointSlice {
  endpoints: TestEndpoint[];
  ports: { name: string; port: number; protocol: Protocol }[];
}

/** upstream makeTestEndpointSlice: name "<svc>-<n>", kubernetes.io/service-name label = svc, IPv4. */
export function makeTestEndpointSlice(
  namespace: string,
  name: string,
  sliceNum: number,
  fn: (eps: TestEndpointSlice) => void,
): EndpointSliceModel {
  const eps: TestEndpointSlice = { endpoints: [], ports: [] };
  fn(eps);
  const endpoints: EndpointModel[] = eps.endpoints.map((e) => ({
    ip: e.addresses[0] ?? '',
    nodeName: e.nodeName ?? null,
    ready: e.conditions?.ready ?? true,
    serving: e.conditions?.serving ?? true,
    terminating: e.conditions?.terminating ?? false,
    pod: null,
    hostname: null,
  }));
  return {
    namespace,
    name: `${name}-${sliceNum}`,
    serviceName: name,
    addressType: 'IPv4',
    ports: eps.ports.map((p) => ({ name: p.name === '' ? null : p.name, port: p.port, protocol: p.protocol })),
    endpoints,
  };
}

/** A ClusterModel holding the given Services and EndpointSlices, with NewFakeProxier's settings. */
export function newFakeCluster(
  services: readonly ServiceModel[],
  endpointSlices: readonly EndpointSliceModel[],
  proxy: Partial<ProxyConfigModel> = {},
): ClusterModel {
  return {
    nodes: [makeNode({ name: TEST_NODE_NAME, internalIP: TEST_NODE_IP, podCIDR: '10.0.0.0/24' })],
    pods: [],
    services,
    endpointSlices,
    proxy: { ...FAKE_PROXY, ...proxy },
    network: { ...DEFAULT_NETWORK, cni: 'bridge', podNetwork: '10.0.0.0/8' },
    dns: DEFAULT_DNS,
    assumptions: [],
    source: 'test',
  };
}

/** What syncProxyRules writes for the fake node, as iptables-restore input. */
export function syncProxyRules(cluster: ClusterModel): string {
  // NewFakeProxier sets masqueradeMark "0x4000"; a real kube-proxy writes "0x00004000".
  return renderKubeProxyRestore(kubeProxyIptables(cluster, TEST_NODE_NAME)).replaceAll('0x00004000', '0x4000');
}

/**
 * NewFakeProxier sets masqueradeMark to the literal "0x4000", which kube-proxy-iptables.ts writes
 * too. (The real NewProxier formats it with fmt.Sprintf("%#08x", 1<<bit) = "0x00004000"; if the
 * generator ever follows that, map it back here before comparing with upstream's fixtures.)
 */
export function asFakeMark(restore: string): string {
  return restore.replaceAll('0x00004000', '0x4000');
}

// ---------------------------------------------------------------------------------------------
// Fixture text

/** A fixture file: drop the '#' header lines (ParseIPTablesDump skips them too). */
export function fixtureText(raw: string): string {
  return raw
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .replace(/^\n+/, '');
}

// ---------------------------------------------------------------------------------------------
// pkg/util/iptables/testing/parse.go

export interface ParsedRule {
  readonly raw: string;
  readonly chain: string;
  /** Every recognised parameter, by its flag (e.g. "-s", "--dport"); the last occurrence wins. */
  readonly params: ReadonlyMap<string, { readonly negated: boolean; readonly value: string | boolean }>;
}

export interface DumpChain {
  name: string;
  packets: number;
  bytes: number;
  rules: ParsedRule[];
  deleted: boolean;
}

export interface DumpTable {
  name: string;
  chains: DumpChain[];
}

const VALUE_PARAMS = new Set([
  '--comment',
  '-p',
  '-s',
  '--src-type',
  '--sport',
  '-d',
  '--dst-type',
  '--dport',
  '--match-set',
  '-j',
  '--probability',
  '--to-destination',
  '--mark',
  '--ctstate',
  '--name',
  '--seconds',
  '--mode',
]);
const BOOL_PARAMS = new Set(['--random-fully', '--rcheck', '--set', '--reap']);

/** ParseRule(rule, strict=false): words (a quoted string is one word), "-m MODULE" skipped, unknown words skipped. */
export function parseRule(rule: string): ParsedRule {
  const words: string[] = [];
  for (const m of rule.matchAll(/(?:^|\s)("[^"]*"|[^"]\S*)/g)) words.push(m[1]!.replace(/^"+|"+$/g, ''));
  if (words.length < 3 || words[0] !== '-A') throw new Error(`bad iptables rule ${JSON.stringify(rule)}`);
  const params = new Map<string, { negated: boolean; value: string | boolean }>();
  let negated = false;
  for (let w = 2; w < words.length; ) {
    const word = words[w]!;
    if (word === '-m' && w < words.length - 1) {
      w += 2;
      continue;
    }
    if (word === '!') {
      negated = true;
      w++;
      continue;
    }
    if (BOOL_PARAMS.has(word)) {
      params.set(word, { negated, value: !negated });
      w++;
    } else if (VALUE_PARAMS.has(word)) {
      if (w === words.length - 1) throw new Error(`parameter ${word} requires an argument`);
      params.set(word, { negated, value: words[w + 1]! });
      w += 2;
    } else {
      w++;
    }
    negated = false;
  }
  return { raw: rule, chain: words[1]!, params };
}

function commentOf(rule: ParsedRule): string | null {
  const c = rule.params.get('--comment');
  return c === undefined ? null : String(c.value);
}

/** ParseIPTablesDump. */
export function parseIPTablesDump(data: string): DumpTable[] {
  const tables: DumpTable[] = [];
  let state: 'table' | 'chains' | 'rules' = 'table';
  let t: DumpTable | null = null;
  const chainOf = (name: string): DumpChain => {
    const c = t?.chains.find((x) => x.name === name);
    if (c === undefined) throw new Error(`no such chain ${JSON.stringify(name)}`);
    return c;
  };
  for (const rawLine of data.replace(/^\n+|\n+$/g, '').split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    for (;;) {
      if (state === 'table') {
        const m = /^\*(.*)$/.exec(line);
        if (m === null) throw new Error(`table ${tables.length + 1} starts with ${JSON.stringify(line)}`);
        t = { name: m[1]!, chains: [] };
        tables.push(t);
        state = 'chains';
        break;
      }
      if (state === 'chains') {
        const m = /^:([^ ]*) - \[([0-9]*):([0-9]*)\]$/.exec(line);
        if (m === null) {
          state = 'rules';
          continue;
        }
        t!.chains.push({ name: m[1]!, packets: Number(m[2]), bytes: Number(m[3]), rules: [], deleted: false });
        break;
      }
      const add = /^-A ([^ ]*) (.*)$/.exec(line);
      const del = /^-X (.*)$/.exec(line);
      if (add !== null) {
        const c = chainOf(add[1]!);
        if (c.deleted) throw new Error(`cannot add rules to deleted chain ${c.name}`);
        c.rules.push(parseRule(line));
      } else if (del !== null) {
        const c = chainOf(del[1]!);
        if (c.rules.length !== 0) throw new Error(`cannot delete chain ${c.name} after adding rules`);
        c.deleted = true;
      } else if (line === 'COMMIT') {
        state = 'table';
      } else {
        throw new Error(`error parsing rule ${JSON.stringify(line)}`);
      }
      break;
    }
  }
  if (state !== 'table') throw new Error('could not parse iptables data (no COMMIT line?)');
  return tables;
}

/** IPTablesDump.String(). */
export function dumpString(tables: readonly DumpTable[]): string {
  let out = '';
  for (const t of tables) {
    out += `*${t.name}\n`;
    for (const c of t.chains) out += `:${c.name} - [${c.packets}:${c.bytes}]\n`;
    for (const c of t.chains) for (const r of c.rules) out += `${r.raw}\n`;
    for (const c of t.chains) if (c.deleted) out += `-X ${c.name}\n`;
    out += 'COMMIT\n';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// proxier_test.go: sortIPTablesRules, assertIPTablesRulesEqual, checkIPTablesRuleJumps

/** A Go "less" turned into a comparator; with a stable sort this is sort.SliceStable. */
function byLess<T>(less: (a: T, b: T) => boolean): (a: T, b: T) => number {
  return (a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);
}

/** orderByCommentServiceName: the service name is the comment up to the first space or colon. */
function orderByCommentServiceName(r1: ParsedRule, r2: ParsedRule): boolean {
  const c1 = commentOf(r1);
  const c2 = commentOf(r2);
  if (c1 === null || c2 === null) return false;
  const name = (c: string): string => {
    const i = c.search(/[ :]/);
    return i === -1 ? c : c.slice(0, i);
  };
  return name(c1) < name(c2);
}

function chainLess(a: DumpChain, b: DumpChain): boolean {
  const kube = (n: string): boolean => n.startsWith('KUBE-');
  if (a.name === 'KUBE-NODEPORTS') return true;
  if (b.name === 'KUBE-NODEPORTS') return false;
  if (a.name === 'KUBE-SERVICES') return true;
  if (b.name === 'KUBE-SERVICES') return false;
  if (kube(a.name) && !kube(b.name)) return true;
  if (!kube(a.name) && kube(b.name)) return false;
  return a.name < b.name;
}

/** sortIPTablesRules: order that does not depend on the order Services are processed in. */
export function sortIPTablesRules(ruleData: string): string {
  const tables = parseIPTablesDump(ruleData);
  tables.sort(byLess((a, b) => a.name < b.name));
  for (const t of tables) t.chains.sort(byLess(chainLess));
  const chain = (table: string, name: string): DumpChain | undefined =>
    tables.find((t) => t.name === table)?.chains.find((c) => c.name === name);
  for (const c of [chain('filter', 'KUBE-NODEPORTS'), chain('nat', 'KUBE-NODEPORTS'), chain('filter', 'KUBE-SERVICES')]) {
    c?.rules.sort(byLess(orderByCommentServiceName));
  }
  const lastRule = (r: ParsedRule): boolean => commentOf(r)?.includes('must be the last rule') ?? false;
  chain('nat', 'KUBE-SERVICES')?.rules.sort(
    byLess((a, b) => {
      if (lastRule(a)) return false;
      if (lastRule(b)) return true;
      return orderByCommentServiceName(a, b);
    }),
  );
  return dumpString(tables);
}

/** assertIPTablesRulesEqual's normalisation: the expected text as is, the result sorted. */
export function sortedForComparison(result: string): string {
  return sortIPTablesRules(result.replace(/^[ \t\n]+/, ''));
}

function matchesOf(lines: readonly string[], pattern: RegExp): Set<string> {
  const out = new Set<string>();
  for (const l of lines) {
    const m = pattern.exec(l);
    if (m !== null) out.add(m[1]!);
  }
  return out;
}

/** checkIPTablesRuleJumps: every jump goes to a created chain with rules; no created chain is unused. */
export function checkIPTablesRuleJumps(ruleData: string): string | null {
  const tables = new Map<string, string[]>();
  for (const block of ruleData.replace(/^\n/, '').split('COMMIT\n').slice(0, -1)) {
    const lines = block.replace(/^\n+|\n+$/g, '').split('\n');
    tables.set(lines[0]!.slice(1), lines);
  }
  for (const [table, lines] of tables) {
    const created = matchesOf(lines, /^:([^ ]*)/);
    for (const x of matchesOf(lines, /-X ([^ ]*)/)) created.delete(x);
    const filled = matchesOf(lines, /-A ([^ ]*)/);
    const jumped = matchesOf(lines, /-j ([^ ]*)/);
    for (const t of ['ACCEPT', 'REJECT', 'DROP', 'MARK', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE']) jumped.delete(t);
    const missing = [...jumped, ...filled].filter((c) => !created.has(c));
    if (missing.length > 0) return `some chains in ${table} are used but were not created: ${[...new Set(missing)].join(' ')}`;
    const empty = [...jumped].filter((c) => !filled.has(c) && c !== 'KUBE-NODEPORTS');
    if (empty.length > 0) return `some chains in ${table} are jumped to but have no rules: ${empty.join(' ')}`;
    const always = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-FORWARD', 'KUBE-MARK-MASQ', 'KUBE-PROXY-FIREWALL', 'KUBE-FIREWALL'];
    const extra = [...created].filter((c) => !jumped.has(c) && !always.includes(c));
    if (extra.length > 0) return `some chains in ${table} are created but not used: ${extra.join(' ')}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// proxier_test.go: tracePacket

/** The dump the fake iptables holds after syncProxyRules: kube-proxy's restore input plus its EnsureRule jumps. */
export function fakeIptablesDump(restore: string): DumpTable[] {
  const tables = parseIPTablesDump(restore);
  for (const jump of builtinJumpRules()) {
    const t = tables.find((x) => x.name === jump.table);
    if (t === undefined) continue;
    let c = t.chains.find((x) => x.name === jump.chain);
    if (c === undefined) {
      c = { name: jump.chain, packets: 0, bytes: 0, rules: [], deleted: false };
      t.chains.push(c);
    }
    c.rules.push(parseRule(restoreLine(jump)));
  }
  return tables;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function addressMatches(value: { negated: boolean; value: string | boolean }, ip: string): boolean {
  const text = String(value.value);
  let matches: boolean;
  if (text.includes('/')) {
    const [base, len] = text.split('/');
    const size = 2 ** (32 - Number(len));
    matches = Math.floor(ipToNumber(ip) / size) === Math.floor(ipToNumber(base!) / size);
  } else {
    matches = text === ip;
  }
  return value.negated ? !matches : matches;
}

function valueMatches(value: { negated: boolean; value: string | boolean }, cmp: string): boolean {
  return value.negated ? String(value.value) !== cmp : String(value.value) === cmp;
}

export interface TraceResult {
  readonly matches: readonly string[];
  readonly output: string;
  readonly masq: boolean;
}

/** tracePacket: nat PREROUTING, then the interesting filter chains; outputs are DNAT targets or ACCEPT/REJECT/DROP. */
export function tracePacket(
  tables: readonly DumpTable[],
  sourceIP: string,
  protocol: string,
  destIP: string,
  destPort: string,
  nodeIPs: readonly string[] = TEST_NODE_IPS,
): TraceResult {
  const localIPs = new Set(['127.0.0.1', ...nodeIPs]);
  const matches: string[] = [];
  const outputs: string[] = [];
  let markMasq = false;
  const ruleMatches = (rule: ParsedRule, dst: string): boolean => {
    const p = rule.params;
    const src = p.get('-s');
    if (src && !addressMatches(src, sourceIP)) return false;
    const srcType = p.get('--src-type');
    if (srcType && !valueMatches(srcType, localIPs.has(sourceIP) ? 'LOCAL' : 'not-matched')) return false;
    const proto = p.get('-p');
    if (proto && !valueMatches(proto, protocol)) return false;
    const d = p.get('-d');
    if (d && !addressMatches(d, dst)) return false;
    const dstType = p.get('--dst-type');
    if (dstType && !valueMatches(dstType, localIPs.has(dst) ? 'LOCAL' : 'not-matched')) return false;
    const dport = p.get('--dport');
    if (dport && !valueMatches(dport, destPort)) return false;
    // Any rule that checks for past state/history does not match.
    if (p.has('--rcheck') || p.has('--mark') || p.has('--ctstate')) return false;
    return true;
  };
  const runChain = (table: string, chainName: string, dst: string): boolean => {
    const chain = tables.find((t) => t.name === table)?.chains.find((c) => c.name === chainName);
    if (chain === undefined) return false;
    for (const rule of chain.rules) {
      const jump = rule.params.get('-j');
      if (jump === undefined) continue;
      if (!ruleMatches(rule, dst)) continue;
      matches.push(rule.raw);
      const target = String(jump.value);
      switch (target) {
        case 'KUBE-MARK-MASQ':
          markMasq = true;
          continue;
        case 'ACCEPT':
        case 'REJECT':
        case 'DROP':
          outputs.push(target);
          return true;
        case 'DNAT':
          outputs.push(String(rule.params.get('--to-destination')?.value));
          return true;
        default: {
          const terminated = runChain(table, target, dst);
          if (terminated && !rule.params.has('--probability')) return true;
        }
      }
    }
    return false;
  };
  runChain('nat', 'PREROUTING', destIP);
  const dst = outputs.length > 0 ? outputs[0]!.split(':')[0]! : destIP;
  for (const chain of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) runChain('filter', chain, dst);
  return { matches, output: outputs.join(', '), masq: markMasq };
}

export interface PacketFlowTest {
  name: string;
  sourceIP: string;
  protocol?: Protocol;
  destIP: string;
  destPort: number;
  output: string;
  masq?: boolean;
}

/** runPacketFlowTests's per-case check, as a value vitest can compare. */
export function runPacketFlow(tables: readonly DumpTable[], tc: PacketFlowTest): { output: string; masq: boolean } {
  const r = tracePacket(tables, tc.sourceIP, (tc.protocol ?? 'TCP').toLowerCase(), tc.destIP, String(tc.destPort));
  return { output: r.output, masq: r.masq };
}
