// The outer header of an encapsulated packet as one line of text, for every renderer: VXLAN is UDP
// with ports and a VNI ("UDP 192.168.1.11:36375 → 192.168.1.12:8472 VNI 1"); IP-in-IP has neither
// ("IPIP 192.168.1.11 → 192.168.1.12", IP protocol 4).

import { hostPort } from './net/ipv4.js';
import type { OuterHeader } from './trace-model.js';

/** The outer header's protocol: "UDP" for VXLAN, "IPIP (IP protocol 4)" for IP-in-IP. */
export function outerProtoText(o: OuterHeader): string {
  return o.proto === 'IPIP' ? 'IPIP (IP protocol 4)' : o.proto;
}

export function outerText(o: OuterHeader, arrow: string): string {
  const vni = o.vni === null ? '' : ` VNI ${o.vni}`;
  return `${outerProtoText(o)} ${hostPort(o.src, o.sport)} ${arrow} ${hostPort(o.dst, o.dport)}${vni}`;
}
