import type { LoadedCluster } from '../cli/load-cluster.js';
import type { Command } from '../cli/options.js';
import { UsageError } from '../cli/usage-error.js';
import { ALL_SCENARIOS, scenarioCluster } from '../core/scenarios.js';
import { simulate } from '../core/trace.js';
import { traceText } from './trace-text.js';
import { clusterWithCni } from './cni-choice.js';
import { compareTraces } from '../core/compare.js';
import { withCni } from '../core/cluster/variants.js';
import type { ClusterModel, CniKind, ProxyMode } from '../core/cluster/model.js';
import { compareText } from './compare-text.js';
import { clusterWithProxyMode } from './proxy-mode-choice.js';
import { withProxyMode } from '../core/cluster/proxy-mode.js';

type TraceCommand = Extract<Command, { kind: 'trace' }>;

const DEFAULT_REQUEST = { from: 'pod-a', to: 'myapp.default.svc.cluster.local' };

export function runTrace(command: TraceCommand, loaded: LoadedCluster, io: { width: number; write: (s: string) => void }): number {
  const scenario = command.scenario ? ALL_SCENARIOS[command.scenario] : null;
  if (scenario && loaded.cluster.source !== 'built-in') throw new UsageError('--scenario replays the built-in cluster; use --from and --to with --cluster');
  const request = scenario
    ? { ...scenario.request, proto: scenario.request.proto ?? command.proto }
    : { from: command.from ?? DEFAULT_REQUEST.from, to: command.to ?? (loaded.cluster.source === 'built-in' ? DEFAULT_REQUEST.to : ''), proto: command.proto };
  if (request.to === '') throw new UsageError('--to is required with --cluster (a Service name, a ClusterIP or a pod IP)');
  if (command.from === null && !scenario && loaded.cluster.source !== 'built-in') throw new UsageError('--from is required with --cluster (a pod name, or NAMESPACE/NAME)');
  const options = {
    ...(scenario?.options ?? {}),
    ...(command.seed !== undefined ? { seed: command.seed } : {}),
    ...(command.endpoint !== undefined ? { endpoint: command.endpoint } : {}),
    resolver: command.resolver,
  };
  // --compare: the same request on two variants of the cluster, aligned hop by hop.
  const compareOn = (kind: 'cni' | 'proxy-mode', choices: readonly string[], variant: (choice: string) => ClusterModel): number => {
    const traces = choices.map((choice) => {
      const c = variant(choice);
      const r = simulate(scenario ? scenarioCluster(scenario, c) : c, request, options);
      if (!r.ok) throw new UsageError(`--${r.error.field}: ${r.error.message}`);
      return { ...r.trace, scenario: command.scenario, assumptions: [...r.trace.assumptions, ...loaded.notes] };
    });
    const comparison = compareTraces(kind, [choices[0]!, choices[1]!], [traces[0]!, traces[1]!]);
    io.write(command.shared.json ? `${JSON.stringify(comparison, null, 2)}\n` : compareText(comparison, { width: io.width, ascii: command.shared.ascii }));
    return 0;
  };
  if (command.compare === 'cni') {
    if (loaded.cluster.source !== 'built-in') throw new UsageError('--compare cni replays the built-in cluster; leave out --cluster');
    return compareOn('cni', command.compareCnis ?? ['flannel-vxlan', 'flannel-host-gw'], (cni) => withCni(loaded.cluster, cni as CniKind));
  }
  if (command.compare === 'proxy-mode') {
    const base = clusterWithCni(loaded.cluster, command.cni);
    return compareOn('proxy-mode', ['iptables', 'ipvs'], (mode) => withProxyMode(base, mode as ProxyMode));
  }
  const base = clusterWithProxyMode(clusterWithCni(loaded.cluster, command.cni), command.shared.proxyMode);
  const cluster = scenario ? scenarioCluster(scenario, base) : base;
  const result = simulate(cluster, request, options);
  if (!result.ok) throw new UsageError(`--${result.error.field}: ${result.error.message}`);
  const trace = { ...result.trace, scenario: command.scenario, assumptions: [...result.trace.assumptions, ...loaded.notes] };
  io.write(command.shared.json ? `${JSON.stringify(trace, null, 2)}\n` : traceText(trace, { width: io.width, ascii: command.shared.ascii }));
  return 0;
}
