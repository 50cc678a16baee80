// How the simulator decides kube-proxy's random endpoint draw: pinned, seeded, or (with neither)
// the most instructive choice, an endpoint on another node than the client.

import type { PodModel } from './cluster/model.js';
import type { StatisticChooser } from './kernel/netfilter.js';
import { endpointChain, serviceChain } from './proxy/chain-names.js';
import { parseRuleSpec } from './proxy/rule-spec.js';
import type { ProxyServicePort } from './proxy/service-ports.js';
import type { Rng } from './random.js';

/** Service chain -> the endpoint chain the draw must land on. */
export type Pins = Map<string, string>;

export function pinEndpoint(pins: Pins, sp: ProxyServicePort, endpointKey: string): void {
  const proto = sp.protocol.toLowerCase();
  pins.set(serviceChain(sp.spn, proto), endpointChain(sp.spn, proto, endpointKey));
}

/** With no seed: an endpoint on another node when there is one, so the whole overlay path shows. */
export function instructiveEndpoint(sp: ProxyServicePort, client: PodModel): string | null {
  const remote = sp.endpoints.find((e) => e.nodeName !== null && e.nodeName !== client.nodeName);
  return (remote ?? sp.endpoints[0])?.key ?? null;
}

export function makeChooser(pins: Pins, rng: Rng | null): StatisticChooser {
  return (rule, probability) => {
    const pinned = pins.get(rule.chain);
    if (pinned !== undefined) return parseRuleSpec(rule.args).target?.name === pinned;
    return rng === null ? false : rng.next() < probability;
  };
}

