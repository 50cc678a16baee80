import type { LoadedCluster } from '../cli/load-cluster.js';
import type { Command } from '../cli/options.js';
import { UsageError } from '../cli/usage-error.js';
import { nodeTables } from '../core/proxy/node-tables.js';
import { clusterWithCni } from './cni-choice.js';
import { renderIptablesSave, renderKubeProxyRestore } from '../core/proxy/render-rules.js';
import { nodeRoutes } from '../core/kernel/routing.js';
import { calicoRulesNotes } from '../core/cni/calico/notes.js';
import { isCalico } from '../core/cni/calico/names.js';
import { clusterWithProxyMode } from './proxy-mode-choice.js';
import { renderIpvsRestore } from '../core/proxy/ipvs/iptables.js';
import { ipvsRulesSections, renderIpvsRules } from '../core/proxy/ipvs/rules-text.js';

type RulesCommand = Extract<Command, { kind: 'rules' }>;

/** iptables-save's date: "Thu Nov 26 16:40:00 2026" (C's asctime without the newline). */
function asctime(d: Date): string {
  const day = d.toLocaleString('en-US', { weekday: 'short' });
  const month = d.toLocaleString('en-US', { month: 'short' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${d.getFullYear()}`;
}

export function runRules(command: RulesCommand, loaded: LoadedCluster, io: { write: (s: string) => void; now: Date }): number {
  const cluster = clusterWithProxyMode(clusterWithCni(loaded.cluster, command.cni), command.shared.proxyMode);
  const node = command.node === null ? cluster.nodes[0] : cluster.nodes.find((n) => n.name === command.node);
  if (node === undefined) {
    throw new UsageError(`--node ${JSON.stringify(command.node)}: no such node (nodes: ${cluster.nodes.map((n) => n.name).join(', ')})`);
  }
  const tables = nodeTables(cluster, node);
  const ipvs = cluster.proxy.mode === 'ipvs';
  // In IPVS mode, --format restore is kube-proxy's iptables-restore input (nat, then filter); the
  // IPVS services and ipsets it programs through netlink and ipset have no restore form of their own here.
  const restore = ipvs ? renderIpvsRestore(tables.kubeProxy) : renderKubeProxyRestore(tables.kubeProxy);
  // Under Calico the node's routes matter as much as its rules: `ip route` and what is elided,
  // appended as comments so the output stays iptables-restore input.
  const calico = isCalico(cluster.network.cni) && command.format === 'save';
  const routes = calico ? nodeRoutes(cluster, node).map((r) => r.text) : null;
  const notes = calico ? calicoRulesNotes(cluster) : [];
  const tail = calico ? `# ip route (${node.name})\n${routes!.map((r) => `# ${r}`).join('\n')}\n${notes.map((n) => `# Note: ${n}`).join('\n')}\n` : '';
  if (command.shared.json) {
    const text = command.format === 'restore' ? restore : ipvs ? renderIpvsRules(ipvsRulesSections(cluster, node)) : renderIptablesSave(tables);
    const sections = ipvs && command.format === 'save' ? { sections: ipvsRulesSections(cluster, node) } : {};
    io.write(`${JSON.stringify({ node: node.name, format: command.format, proxyMode: cluster.proxy.mode, text, ...sections, ...(calico ? { routes, notes } : {}) }, null, 2)}\n`);
    return 0;
  }
  if (command.format === 'restore') io.write(restore);
  else if (ipvs) io.write(`${renderIpvsRules(ipvsRulesSections(cluster, node, { date: asctime(io.now) }))}${tail}`);
  else io.write(`${renderIptablesSave(tables, { date: asctime(io.now) })}${tail}`);
  return 0;
}
