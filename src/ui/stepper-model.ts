// What the stepper derives from a trace: the hops of the current track, the stops, the topology.
// Pure functions of the Trace; the stepper screen draws them and the reducer moves through them.

import { focusStops } from '../core/focus-stops.js';
import type { Hop, Trace } from '../core/trace-model.js';
import type { StepperState, Track } from './state.js';

export { focusStops };

export function traceOf(s: StepperState): Trace | null {
  return s.result.ok ? s.result.trace : null;
}

export function hopsOf(trace: Trace | null, track: Track): readonly Hop[] {
  if (trace === null) return [];
  return track === 'dns' ? (trace.dns?.hops ?? []) : trace.hops;
}

export function stepperHops(s: StepperState): readonly Hop[] {
  return hopsOf(traceOf(s), s.track);
}

/** Whether a name was resolved: `d` lists the resolver's queries and resolv.conf. */
export function hasDnsLookup(trace: Trace | null): boolean {
  return (trace?.dns?.queries.length ?? 0) > 0;
}

/** Whether `d` has a separate DNS journey to show (a name was resolved before the connection). */
export function hasDnsTrack(trace: Trace | null): boolean {
  const dnsHops = trace?.dns?.hops ?? [];
  if (trace === null || dnsHops.length === 0) return false;
  const first = trace.hops[0];
  return first === undefined || first.packet.src !== dnsHops[0]?.packet.src;
}

/** Hops that change the packet or its NAT state: the stops outside a lesson. */
export function changeStops(hops: readonly Hop[]): number[] {
  const out: number[] = [];
  hops.forEach((h, i) => {
    if (h.rewrite !== null || h.changed.length > 0) out.push(i);
  });
  return out;
}

/** The stops Tab moves between: the lesson's focus on the connection, else the changing hops. */
export function stopsOf(s: StepperState): number[] {
  const hops = stepperHops(s);
  if (s.track === 'main' && s.focus.length > 0) return focusStops(hops, s.focus, s.focusDirection);
  return changeStops(hops);
}

export function isLessonStop(s: StepperState, index: number): boolean {
  return s.track === 'main' && s.focus.length > 0 && stopsOf(s).includes(index);
}

// ---------------------------------------------------------------- topology

export type TopoPlace =
  | { readonly kind: 'pod'; readonly name: string; readonly node: string | null }
  | { readonly kind: 'node'; readonly name: string; readonly devices: readonly string[] };

export interface Topology {
  readonly places: readonly TopoPlace[];
  /** Whether node-to-node travel is encapsulated (drawn as a tunnel). */
  readonly overlay: boolean;
}

function isNodeHop(h: Hop): boolean {
  return h.node !== null && h.netns === h.node;
}

/**
 * The places a trace visits, left to right: the client pod, its node (with the devices the packet
 * crossed there), the server's node, the server pod. The layout is fixed for the whole trace, so
 * the reply visibly travels right to left.
 */
export function topology(hops: readonly Hop[]): Topology {
  const first = hops[0];
  if (first === undefined) return { places: [], overlay: false };
  const client = isNodeHop(first) ? null : first.netns;
  const delivered = hops.find((h) => h.direction === 'request' && h.step === 'deliver') ?? null;
  const server = delivered !== null && !isNodeHop(delivered) ? delivered.netns : null;
  const clientNode = first.node;
  const serverNode = delivered?.node ?? null;

  const nodes: string[] = [];
  for (const h of hops) if (isNodeHop(h) && h.node !== null && !nodes.includes(h.node)) nodes.push(h.node);
  // The client's node first, the server's last, any other in between in order of appearance.
  nodes.sort((a, b) => rankNode(a) - rankNode(b));
  function rankNode(n: string): number {
    if (n === clientNode) return 0;
    if (n === serverNode) return 2;
    return 1;
  }

  const clientVeths = new Set(hops.filter((h, i) => isNodeHop(h) && h.step === 'veth' && hops[i - 1]?.netns === client).map((h) => h.device));
  const places: TopoPlace[] = [];
  if (client !== null) places.push({ kind: 'pod', name: client, node: clientNode });
  for (const node of nodes) {
    const seen: string[] = [];
    for (const h of hops) if (isNodeHop(h) && h.node === node && !seen.includes(h.device)) seen.push(h.device);
    const serverSide = node === serverNode && node !== clientNode;
    const rank = (d: string): number => {
      let r: number;
      // The client's veth comes first; another pod's veth after the bridge (on the server's own
      // node, where the order is reversed, that puts it last).
      if (d.startsWith('veth')) r = clientVeths.has(d) || serverSide ? 0 : 2.5;
      else if (d === 'cni0' || d.startsWith('br')) r = 1;
      else if (d === 'eth0' || d.startsWith('en')) r = 4;
      else r = 3;
      return serverSide ? -r : r;
    };
    seen.sort((a, b) => rank(a) - rank(b));
    places.push({ kind: 'node', name: node, devices: seen });
  }
  if (server !== null) places.push({ kind: 'pod', name: server, node: serverNode });
  return { places, overlay: hops.some((h) => h.packet.outer !== null) };
}

/** Which place (and device) the packet is at on this hop. */
export function positionIn(topo: Topology, hop: Hop): { place: number; device: string | null } {
  if (isNodeHop(hop)) {
    const place = topo.places.findIndex((p) => p.kind === 'node' && p.name === hop.node);
    return { place, device: hop.device };
  }
  // In a pod: the client is the first place, the server the last. A hairpin has the same pod at both
  // ends: it is the server when the request arrives and when the reply leaves, else the client.
  const pods = topo.places.map((p, i) => ({ p, i })).filter((x) => x.p.kind === 'pod' && x.p.name === hop.netns);
  if (pods.length === 0) return { place: -1, device: null };
  const atServer = hop.direction === 'request' ? hop.step === 'deliver' : hop.step === 'send';
  return { place: (atServer ? pods.at(-1) : pods[0])!.i, device: null };
}
