// Deliberately wrong simulators, made by transforming a correct Trace (pure). The lab's comparison
// must fail on each: that is how we know the check bites.

import type { Hop, Trace } from '../../src/core/trace-model.js';

function withHops(trace: Trace, hops: Hop[]): Trace {
  return { ...trace, hops };
}

/** A simulator that believes Flannel's VXLAN uses another UDP port (e.g. IANA's 4789). */
export function wrongVxlanPort(trace: Trace, port = 4789): Trace {
  return withHops(
    trace,
    trace.hops.map((h) => (h.packet.outer ? { ...h, packet: { ...h.packet, outer: { ...h.packet.outer, dport: port } } } : h)),
  );
}

/** A simulator that forgets conntrack's un-DNAT: the reply reaches the client from the endpoint's address. */
export function missingUnDnat(trace: Trace): Trace {
  const i = trace.hops.findIndex((h) => h.step === 'un-dnat');
  if (i < 0) return trace;
  const rw = trace.hops[i]!.rewrite!;
  const hops = trace.hops
    .filter((_, j) => j !== i)
    .map((h, j) => (j >= i && h.packet.src === rw.to ? { ...h, packet: { ...h.packet, src: rw.from } } : h));
  return withHops(trace, hops);
}

/**
 * A simulator that orders kube-proxy's probability rules the other way round: the endpoint it
 * shows is reached by the statistic rule when it is really the unconditional last one, or the
 * other way about.
 */
export function wrongProbabilityOrder(trace: Trace): Trace {
  return withHops(
    trace,
    trace.hops.map((h) => {
      if (h.step !== 'dnat') return h;
      const rules = h.rules.map((r) => {
        if (!/^nat KUBE-SVC-\S+: -A KUBE-SVC-\S+ .*-j KUBE-SEP-/.test(r)) return r;
        if (r.includes('-m statistic')) return r.replace(/ -m statistic --mode random --probability \S+/, '');
        return r.replace(/ -j KUBE-SEP-/, ' -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-');
      });
      return { ...h, rules };
    }),
  );
}

/** A simulator that forgets Calico's proxy ARP MAC: the pod's gateway 169.254.1.1 answered with another MAC. */
export function wrongCalicoGatewayMac(trace: Trace, mac = '02:42:ac:11:00:01'): Trace {
  const swap = (m: string | null): string | null => (m === 'ee:ee:ee:ee:ee:ee' ? mac : m);
  return withHops(trace, trace.hops.map((h) => ({ ...h, packet: { ...h.packet, srcMac: swap(h.packet.srcMac), dstMac: swap(h.packet.dstMac) } })));
}
