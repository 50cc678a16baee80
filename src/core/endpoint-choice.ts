// How the simulator decides kube-proxy's random endpoint draw: pinned, seeded, or (with neither)
// the most instructive choice, an endpoint on another node than the client.

import type { PodModel } from './cluster/model.js';
import type { StatisticChooser } from './kernel/netfilter.js';
import { endpointChain, serviceChain } from './proxy/chain-names.js';
import { ruleSpecOf } from './kernel/compiled-table.js';
import type { ProxyServicePort } from './proxy/service-ports.js';
import type { Rng } from './random.js';
import type { IpvsChooser } from './kernel/ipvs.js';

/** Service chain -> the endpoint chain the draw must land on. */
export type Pins = Map<string, string>;

export function pinEndpoint(pins: Pins, sp: ProxyServicePort, endpointKey: string): void {
  const proto = sp.protocol.toLowerCase();
  pins.set(serviceChain(sp.spn, proto), endpointChain(sp.spn, proto, endpointKey));
}

/** With no seed: an endpoint on another node when there is one, so the whole overlay path shows. */
export function instructiveEndpoint(sp: ProxyServicePort, client: Pick<PodModel, 'nodeName'>): string | null {
  const remote = sp.endpoints.find((e) => e.nodeName !== null && e.nodeName !== client.nodeName);
  return (remote ?? sp.endpoints[0])?.key ?? null;
}

export function makeChooser(pins: Pins, rng: Rng | null): StatisticChooser {
  return (rule, probability) => {
    const pinned = pins.get(rule.chain);
    if (pinned !== undefined) return ruleSpecOf(rule).target?.name === pinned;
    return rng === null ? false : rng.next() < probability;
  };
}


/**
 * kube-proxy IPVS mode: the rr scheduler gives a fresh virtual service's first connection to the
 * first real server in the kernel's list, the order kube-proxy added them in (a Go map walk, so
 * effectively random). Pinned: that endpoint; seeded: a uniform draw; neither: the first.
 */
export function makeIpvsChooser(pins: Pins, rng: Rng | null): IpvsChooser {
  return (vs) => {
    const proto = vs.protocol.toLowerCase();
    const pinned = pins.get(serviceChain(vs.spn, proto));
    if (pinned !== undefined) {
      const i = vs.realServers.findIndex((r) => endpointChain(vs.spn, proto, `${r.ip}:${r.port}`) === pinned);
      if (i >= 0) return i;
    }
    return rng === null ? 0 : rng.int(vs.realServers.length);
  };
}
