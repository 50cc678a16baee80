// VXLAN as Flannel uses it on Linux.

import { fnv1a32 } from '../net/hash.js';

/** Outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 (the kernel's VXLAN_HEADROOM). */
export const VXLAN_OVERHEAD = 50;

/**
 * The outer UDP source port: the kernel maps the packet's flow hash (udp_flow_src_port, from
 * skb_get_hash) into the local port range 32768-60999. That hash is seeded per boot (or, for a
 * socket's own packets, drawn at random per socket), so any value in range is "right"; we derive
 * a stable one from the inner 5-tuple, the same for every packet of a flow in one direction.
 */
export function vxlanSourcePort(inner: { src: string; dst: string; sport: number; dport: number; proto: string }): number {
  const h = fnv1a32(`${inner.proto}|${inner.src}|${inner.sport}|${inner.dst}|${inner.dport}`);
  return 32768 + (h % (60999 - 32768 + 1));
}
