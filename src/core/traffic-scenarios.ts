// Traffic beyond the source text, on the built-in cluster: a client outside the cluster through a
// NodePort, the two traffic policies, a host-network client, session affinity and a headless
// Service; and what goes wrong with them (a node without a local endpoint, a VXLAN MTU black hole,
// a stale UDP conntrack entry). `trace --scenario NAME` replays each one.
//
// The outside client is 192.168.1.50: a machine on the nodes' own network (192.168.1.0/24, the
// subnet of node-1 192.168.1.11 and node-2 192.168.1.12), host 50 of it (defaultExternalIP).

import type { ClusterModel } from './cluster/model.js';
import { withPodDeleted, withUnderlayPathMtu } from './cluster/variants.js';
import { memoByObject } from './memo.js';
import type { Scenario } from './scenarios.js';

export type TrafficScenarioName =
  | 'nodeport-external'
  | 'nodeport-local'
  | 'host-network-clusterip'
  | 'session-affinity'
  | 'headless'
  | 'internal-local';

export type TrafficFailureName = 'nodeport-local-no-endpoint' | 'internal-local-no-endpoint' | 'vxlan-mtu' | 'stale-udp-conntrack';

/** The MTU the node network really carries in the vxlan-mtu scenario (eth0 says 1500). */
export const BLACK_HOLE_PATH_MTU = 1450;
/** A full-size segment from a pod on flannel.1's MTU 1450: MSS 1410 + 40 bytes of headers. */
export const FULL_SEGMENT = 1450;

/**
 * The node network between the nodes carries at most 1450 bytes (a VLAN or tunnel the hypervisor
 * adds), while every node's eth0 says 1500: flanneld derives flannel.1's MTU (1450) from eth0, so
 * the VXLAN packets it builds can be 1500 bytes.
 */
export const withSmallUnderlay = memoByObject((base: ClusterModel): ClusterModel =>
  withUnderlayPathMtu(
    base,
    BLACK_HOLE_PATH_MTU,
    `The network between the nodes carries at most ${BLACK_HOLE_PATH_MTU}-byte packets (for example a VLAN or tunnel the hypervisor adds), but every node's eth0 is configured with MTU ${base.network.underlayMtu}: flanneld took flannel.1's MTU (${base.network.underlayMtu} - 50 = ${base.network.underlayMtu - 50}) from eth0, and the pods got ${base.network.underlayMtu - 50} too.`,
  ));

const DELETED_COREDNS = { namespace: 'kube-system', name: 'coredns-7c65d6cfc9-9zq7m', ip: '10.244.2.2' } as const;

/** kube-system/coredns-7c65d6cfc9-9zq7m (10.244.2.2, node-2) deleted: gone from the pods and from kube-dns's EndpointSlice. */
export const withoutCoreDnsPod = memoByObject((base: ClusterModel): ClusterModel =>
  withPodDeleted(
    base,
    `${DELETED_COREDNS.namespace}/${DELETED_COREDNS.name}`,
    `The CoreDNS pod ${DELETED_COREDNS.namespace}/${DELETED_COREDNS.name} (${DELETED_COREDNS.ip}, on node-2) was deleted: its IP is gone from node-2 and from kube-dns's EndpointSlice, so kube-proxy's rules now DNAT new flows to 10.244.1.2 only.`,
  ));

export const TRAFFIC_SCENARIOS: Readonly<Record<TrafficScenarioName, Scenario<TrafficScenarioName>>> = {
  'nodeport-external': {
    name: 'nodeport-external',
    title: 'A client outside the cluster through a NodePort',
    summary: '192.168.1.50, a machine on the nodes\' network, connects to node-1 192.168.1.11:30080 (Service web, externalTrafficPolicy Cluster). KUBE-NODEPORTS -> KUBE-EXT marks it for masquerade, the DNAT picks web\'s pod on node-2, and node-1 masquerades the source to its flannel.1 address 10.244.1.0, so the reply comes back through node-1 to be un-NATed.',
    request: { from: 'external', to: '192.168.1.11:30080' },
    options: {},
  },
  'nodeport-local': {
    name: 'nodeport-local',
    title: 'NodePort with externalTrafficPolicy: Local',
    summary: '192.168.1.50 connects to node-2 192.168.1.12:30081 (Service web-local): KUBE-EXT jumps to KUBE-SVL, which holds only node-2\'s own endpoint. No mark, no masquerade: the pod sees the client\'s own address 192.168.1.50.',
    request: { from: 'external', to: '192.168.1.12:30081' },
    options: {},
  },
  'host-network-clusterip': {
    name: 'host-network-clusterip',
    title: 'A host-network client calls a ClusterIP',
    summary: 'A process in node-1\'s own network namespace (as a hostNetwork: true pod would be) connects to myapp 10.96.1.20:80 from 192.168.1.11: the DNAT happens in nat OUTPUT, not PREROUTING, KUBE-SVC\'s "! -s 10.244.0.0/16 -j KUBE-MARK-MASQ" marks it, and POSTROUTING masquerades it to flannel.1\'s 10.244.1.0.',
    request: { from: 'node/node-1', to: '10.96.1.20:80' },
    options: { endpoint: '10.244.2.6' },
  },
  'session-affinity': {
    name: 'session-affinity',
    title: 'sessionAffinity: ClientIP',
    summary: 'pod-a connects twice to myapp-sticky (sessionAffinity ClientIP). The first connection draws an endpoint and its KUBE-SEP DNAT rule records pod-a in a "-m recent --set" list; the second, from a new source port, matches that endpoint\'s "-m recent --rcheck --seconds 10800 --reap" rule before any random draw, so it lands on the same pod whatever the seed.',
    request: { from: 'pod-a', to: 'myapp-sticky.default.svc.cluster.local' },
    options: { secondConnection: true },
  },
  headless: {
    name: 'headless',
    title: 'A headless Service (clusterIP: None)',
    summary: 'pod-a looks up myapp-headless: CoreDNS answers the pods\' own IPs (one A record per ready endpoint), kube-proxy writes no rule for the Service, and the connection goes straight to a pod IP with no DNAT at all.',
    request: { from: 'pod-a', to: 'myapp-headless.default.svc.cluster.local' },
    options: {},
  },
  'internal-local': {
    name: 'internal-local',
    title: 'internalTrafficPolicy: Local, with a local endpoint',
    summary: 'pod-b on node-2 calls web-internal (internalTrafficPolicy Local): KUBE-SERVICES jumps to KUBE-SVL, which lists only node-2\'s endpoints, and the DNAT picks web\'s pod on the same node.',
    request: { from: 'pod-b', to: 'web-internal.default.svc.cluster.local' },
    options: {},
  },
};

export const TRAFFIC_FAILURE_SCENARIOS: Readonly<Record<TrafficFailureName, Scenario<TrafficFailureName>>> = {
  'nodeport-local-no-endpoint': {
    name: 'nodeport-local-no-endpoint',
    title: 'What goes wrong: externalTrafficPolicy Local, no endpoint on the node',
    summary: '192.168.1.50 connects to node-1 192.168.1.11:30081, but web-local\'s only pod is on node-2. KUBE-EXT has no KUBE-SVL jump on node-1, nothing DNATs, and filter KUBE-EXTERNAL-SERVICES "default/web-local has no local endpoints" DROPs the SYN in INPUT: the client times out.',
    request: { from: 'external', to: '192.168.1.11:30081' },
    options: {},
  },
  'internal-local-no-endpoint': {
    name: 'internal-local-no-endpoint',
    title: 'What goes wrong: internalTrafficPolicy Local, no endpoint on the node',
    summary: 'pod-a on node-1 calls web-internal, whose only pod is on node-2: kube-proxy on node-1 writes no nat rule for it, only filter KUBE-SERVICES "default/web-internal has no local endpoints" -j DROP, which drops the SYN in FORWARD: the client times out.',
    request: { from: 'pod-a', to: 'web-internal.default.svc.cluster.local' },
    options: {},
  },
  'vxlan-mtu': {
    name: 'vxlan-mtu',
    title: 'What goes wrong: a VXLAN MTU black hole',
    summary: 'The node network carries only 1450 bytes but eth0 says 1500, so flannel.1 is 1450. The handshake gets through; pod-b\'s first full-size 1450-byte segment becomes a 1500-byte VXLAN packet (outer DF clear) that a switch on the node network silently discards: no ICMP, no retransmission that fits, curl hangs.',
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.2.6', responseBytes: FULL_SEGMENT },
    cluster: withSmallUnderlay,
  },
  'stale-udp-conntrack': {
    name: 'stale-udp-conntrack',
    title: 'What goes wrong: a stale UDP conntrack entry to a deleted endpoint',
    summary: 'pod-a sends from one long-lived UDP socket to kube-dns 10.96.0.10:53; conntrack on node-1 still holds the flow DNATed to 10.244.2.2, a CoreDNS pod that was just deleted. The datagram matches the old entry (no rule is consulted), goes to node-2 and is lost there, until kube-proxy deletes the entry.',
    request: { from: 'pod-a', to: '10.96.0.10:53', proto: 'UDP' },
    options: { staleEntryTo: '10.244.2.2:53' },
    cluster: withoutCoreDnsPod,
  },
};
