// The outer header of an encapsulated packet as one line of text, for every renderer: VXLAN is UDP
// with ports and a VNI ("UDP 192.168.1.11:36375 → 192.168.1.12:8472 VNI 1"); IP-in-IP has neither
// ("IPIP 192.168.1.11 → 192.168.1.12", IP protocol 4).

import type { OuterHeader } from './trace-model.js';

function endpoint(ip: string, port: number | null): string {
  return port === null ? ip : `${ip}:${port}`;
}

export function outerText(o: OuterHeader, arrow: string): string {
  const vni = o.vni === null ? '' : ` VNI ${o.vni}`;
  const proto = o.proto === 'IPIP' ? 'IPIP (IP protocol 4)' : o.proto;
  return `${proto} ${endpoint(o.src, o.sport)} ${arrow} ${endpoint(o.dst, o.dport)}${vni}`;
}
