// lab verify --scenario (traffic beyond the source text), pure: the whole built-in cluster, the
// outside client's namespace on the lan bridge, the scenarios' names, and the CLI contract.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER, SOURCE_TEXT_CLUSTER } from '../../src/core/cluster/builtin.js';
import { withDefaultDenyIngress } from '../../src/core/cluster/policy-variants.js';
import { withCni } from '../../src/core/cluster/variants.js';
import { nodeTables } from '../../src/core/proxy/node-tables.js';
import { renderIptablesSave } from '../../src/core/proxy/render-rules.js';
import { TRAFFIC_SCENARIOS, TRAFFIC_FAILURE_SCENARIOS } from '../../src/core/traffic-scenarios.js';
import { parseCommandLine } from '../../src/cli/options.js';
import { batchArgv, fromLabNames, LAB_NAME_RE, labName, planLab } from '../../src/lab/plan.js';
import { policyChainName } from '../../src/core/cni/calico/policy.js';
import { expandLabScenarioNames, LAB_TRAFFIC_SCENARIO_NAMES, needsTrafficCluster } from '../../src/lab/scenario-names.js';
import { externalClient, namedLabScenarios, sharedVariant } from '../../src/lab/scenarios.js';
import { routeIif, simulateScenario } from '../../src/lab/verify.js';

describe('lab verify --scenario', () => {
  it('"traffic" is every traffic scenario the lab builds; names keep their order, without repeats', () => {
    expect(expandLabScenarioNames(['traffic'])).toEqual([...LAB_TRAFFIC_SCENARIO_NAMES]);
    expect(expandLabScenarioNames(['headless', 'pod-ip', 'headless'])).toEqual(['headless', 'pod-ip']);
    expect(needsTrafficCluster(['pod-ip'])).toBe(false);
    expect(needsTrafficCluster(['pod-ip', 'nodeport-local'])).toBe(true);
    for (const n of LAB_TRAFFIC_SCENARIO_NAMES) expect({ ...TRAFFIC_SCENARIOS, ...TRAFFIC_FAILURE_SCENARIOS }).toHaveProperty(n);
  });

  it('every traffic scenario simulates on the built-in cluster (no variant of its own)', () => {
    for (const s of namedLabScenarios(expandLabScenarioNames(['traffic']))) {
      expect(() => simulateScenario(BUILTIN_CLUSTER, s), s.name).not.toThrow();
    }
    expect(() => namedLabScenarios(['wrong-targetport'])).toThrow(/does not build/);
  });

  it('the CLI: lab verify --scenario A,B; unknown names, other actions and --cluster are usage errors', () => {
    const c = parseCommandLine(['lab', 'verify', '--scenario', 'traffic,pod-ip', '--cni', 'calico-bgp'], {});
    expect(c).toMatchObject({ kind: 'lab', action: 'verify', cni: 'calico-bgp', scenarios: ['traffic', 'pod-ip'] });
    expect(parseCommandLine(['lab', 'verify'], {})).toMatchObject({ kind: 'lab', scenarios: null });
    expect(() => parseCommandLine(['lab', 'verify', '--scenario', 'wrong-targetport'], {})).toThrow(/not one of/);
    expect(parseCommandLine(['lab', 'verify', '--scenario', 'networkpolicy-deny', '--cni', 'calico-bgp'], {})).toMatchObject({ scenarios: ['networkpolicy-deny'] });
    expect(() => parseCommandLine(['lab', 'up', '--scenario', 'headless'], {})).toThrow(/lab verify/);
    expect(() => parseCommandLine(['lab', 'verify', '--scenario', 'headless', '--cluster', 'x.json'], {})).toThrow(/--cluster/);
  });
});

describe('planLab with the outside client', () => {
  const scenarios = namedLabScenarios(['nodeport-external']);
  const client = externalClient(BUILTIN_CLUSTER, scenarios);
  const r = planLab(BUILTIN_CLUSTER, 'abc123', { external: client });
  if (!r.ok) throw new Error(r.reason);
  const p = r.plan;

  it('is 192.168.1.50 with the simulator\'s MAC, in its own lab namespace', () => {
    expect(client?.ip).toBe('192.168.1.50');
    const trace = simulateScenario(BUILTIN_CLUSTER, scenarios[0]!);
    expect(p.external).toMatchObject({ ns: 'kpt-abc123-external', ip: '192.168.1.50', mac: trace.hops[0]!.packet.srcMac });
    expect(p.namespaces.at(-1)).toBe('kpt-abc123-external');
    for (const ns of p.namespaces) expect(ns).toMatch(LAB_NAME_RE);
  });

  it('its eth0 is a veth whose peer is one more port of the lan bridge: nothing else, nothing of the host\'s', () => {
    const mine = new Set(p.namespaces);
    const ext = p.steps.filter((s) => s.ns === 'kpt-abc123-external' && s.kind === 'ip');
    expect(ext).toHaveLength(1);
    const lines = ext[0]!.kind === 'ip' ? ext[0]!.lines : [];
    expect(lines).toContain('addr add 192.168.1.50/24 dev eth0');
    expect(lines.find((l) => l.startsWith('link add eth0'))).toMatch(/peer name x0 mtu 1500 netns kpt-abc123-lan$/);
    for (const s of p.steps) {
      expect(mine.has(s.ns)).toBe(true);
      if (s.kind === 'ip' || s.kind === 'bridge') expect(batchArgv(s).slice(0, 3)).toEqual([s.kind, '-n', s.ns]);
    }
    const lan = p.steps.filter((s) => s.ns === 'kpt-abc123-lan' && s.kind === 'ip').flatMap((s) => (s.kind === 'ip' ? s.lines : []));
    expect(lan).toContain('link set x0 master br0');
  });

  it('the whole built-in cluster: web\'s pod is in the lab; no outside client without a scenario that needs one', () => {
    expect(p.pods.some((x) => x.pod.name.startsWith('web-'))).toBe(true);
    const plain = planLab(BUILTIN_CLUSTER, 'abc123');
    expect(plain.ok && plain.plan.external).toBe(null);
    expect(externalClient(BUILTIN_CLUSTER, namedLabScenarios(['headless']))).toBe(null);
  });

  it('a route hop right after the outside client looks the route up as arriving on eth0', () => {
    const trace = simulateScenario(BUILTIN_CLUSTER, scenarios[0]!);
    const i = trace.hops.findIndex((h) => h.step === 'route');
    expect(routeIif(trace.hops, i)).toBe('eth0');
  });
});

describe('networkpolicy-deny in the lab: Felix\'s policy chain name as it is, ipset placeholders mapped to valid names', () => {
  const cluster = withDefaultDenyIngress(withCni(SOURCE_TEXT_CLUSTER, 'calico-bgp'));
  const r = planLab(cluster, 'abc123');
  if (!r.ok) throw new Error(r.reason);
  const p = r.plan;

  it('the policy chain keeps its Felix name (28 characters, which iptables takes); no placeholder reaches iptables or ipset', () => {
    const node2 = p.nodes.find((n) => n.node.name === 'node-2')!;
    const core = renderIptablesSave(nodeTables(cluster, node2.node));
    const chain = policyChainName('in', cluster.networkPolicies![0]!);
    expect(chain).toMatch(/^cali-pi-_[A-Za-z0-9_-]{19}$/);
    expect(core).toContain(`:${chain} - [0:0]`);
    expect(node2.saveText).toContain(`:${chain} - [0:0]`);
    for (const n of p.nodes) {
      expect(n.saveText).not.toMatch(/<|cali40s:</);
      expect(n.baseRestoreText).not.toMatch(/cali40s:</);
      expect(fromLabNames(n.saveText, p.names)).toBe(renderIptablesSave(nodeTables(cluster, n.node)));
    }
    for (const [name, placeholder] of p.names) {
      expect(name).toBe(labName(placeholder));
      expect(name).toMatch(/^cali40s:[A-Za-z0-9_-]{22}$/);
    }
    expect(labName('cali40s:<hash-1>')).toMatch(/^cali40s:[A-Za-z0-9_-]{22}$/);
  });

  it('lab verify --scenario networkpolicy-deny runs alone: mixed with scenarios of another cluster it is refused', () => {
    expect(sharedVariant(namedLabScenarios(['networkpolicy-deny']))).toBe(withDefaultDenyIngress);
    expect(() => sharedVariant(namedLabScenarios(['networkpolicy-deny', 'pod-ip']))).toThrow(/alone/);
    expect(sharedVariant(namedLabScenarios(['traffic'].flatMap((x) => expandLabScenarioNames([x]))))).toBe(undefined);
  });
});
