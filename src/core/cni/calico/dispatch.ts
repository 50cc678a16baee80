// Felix's workload dispatch chains (felix/rules/dispatch.go): cali-from-wl-dispatch sends a packet
// to the from-endpoint chain of the interface it came in on, cali-to-wl-dispatch to the
// to-endpoint chain of the one it leaves by. Felix keeps them short with a one-level tree: the
// interface names, sorted, are grouped by their next character after the prefix they all share;
// a group of one gets its rule in the root chain, a larger group a "<prefix>+" rule there that
// goes to a child chain "<root>-<char>" holding the group's rules and its own "Unknown interface"
// DROP (a goto does not come back to the root).

import { felixRule, type FelixRule } from './felix-rule.js';

export interface DispatchRule {
  readonly chain: string;
  readonly rule: FelixRule;
}

/**
 * The rules of one dispatch chain and its children, children first (Felix's order), for interfaces
 * matched with `option` (--in-interface or --out-interface) and sent to `endpointChain(iface)`.
 */
export function dispatchChains(root: string, option: '--in-interface' | '--out-interface', names: readonly string[], endpointChain: (iface: string) => string): DispatchRule[] {
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const common = commonPrefix(sorted);
  const groups = new Map<string, string[]>();
  for (const name of sorted) {
    const key = name.length > common.length ? name.slice(0, common.length + 1) : common;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const unknown = felixRule([], '--jump DROP', 'Unknown interface');
  const children: DispatchRule[] = [];
  const rootRules: DispatchRule[] = [];
  for (const [prefix, members] of groups) {
    if (members.length === 1) {
      rootRules.push({ chain: root, rule: felixRule([`${option} ${members[0]}`], `--goto ${endpointChain(members[0]!)}`) });
      continue;
    }
    const child = `${root}-${prefix.slice(common.length)}`;
    rootRules.push({ chain: root, rule: felixRule([`${option} ${prefix}+`], `--goto ${child}`) });
    for (const name of members) children.push({ chain: child, rule: felixRule([`${option} ${name}`], `--goto ${endpointChain(name)}`) });
    children.push({ chain: child, rule: unknown });
  }
  return [...children, ...rootRules, { chain: root, rule: unknown }];
}

/** felix stringutils.CommonPrefix: the longest prefix every name shares (the name itself when there is one). */
function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0]!;
  for (const name of names) {
    let i = 0;
    while (i < prefix.length && i < name.length && prefix[i] === name[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
