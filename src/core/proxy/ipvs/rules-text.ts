// `rules --proxy-mode ipvs`: everything kube-proxy programs on one node in IPVS mode, each part in
// the format of the tool that shows it on a live node, under a `# <command>` header line.

import type { ClusterModel, NodeModel } from '../../cluster/model.js';
import { nodeTables } from '../node-tables.js';
import { renderIptablesSave, type SaveOptions } from '../render-rules.js';
import { ipvsNodeState } from './node-state.js';
import { dummyIfindex, renderDummyAddresses, renderIpsetSave, renderIpvsadmList } from './render.js';

export interface IpvsRulesSection {
  /** The command a user runs on the node, as the section header shows it. */
  readonly command: string;
  readonly lines: readonly string[];
}

export function ipvsRulesSections(cluster: ClusterModel, node: NodeModel, save: SaveOptions = {}): IpvsRulesSection[] {
  const state = ipvsNodeState(cluster, node);
  const tables = nodeTables(cluster, node);
  return [
    { command: 'ipvsadm -Ln', lines: renderIpvsadmList(state) },
    { command: `ip -4 addr show ${'kube-ipvs0'}`, lines: renderDummyAddresses(state, dummyIfindex(node)) },
    { command: 'ipset save', lines: renderIpsetSave(state) },
    { command: 'iptables-save -t filter; iptables-save -t nat', lines: renderIptablesSave(tables, save).replace(/\n$/, '').split('\n') },
  ];
}

/** The sections as one text: "# command" then its output, a blank line between sections. */
export function renderIpvsRules(sections: readonly IpvsRulesSection[]): string {
  return `${sections.map((s) => [`# ${s.command}`, ...s.lines].join('\n')).join('\n\n')}\n`;
}
