// Deterministic, realistic MAC addresses for things kubectl never shows (veths, bridges, VTEPs).
// Linux gives such devices random locally administered unicast MACs; we derive them from a name so
// the same cluster always prints the same addresses.

import { fnv1a32 } from './hash.js';

export function macFor(name: string): string {
  const a = fnv1a32(name);
  const b = fnv1a32(`${name}#`);
  const bytes = [
    ((a >>> 24) & 0xfe) | 0x02, // locally administered, unicast
    (a >>> 16) & 0xff,
    (a >>> 8) & 0xff,
    a & 0xff,
    (b >>> 8) & 0xff,
    b & 0xff,
  ];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The bridge plugin's host-side veth name: "veth" + 8 hex characters. */
export function vethNameFor(podKey: string): string {
  return `veth${fnv1a32(`veth:${podKey}`).toString(16).padStart(8, '0')}`;
}
