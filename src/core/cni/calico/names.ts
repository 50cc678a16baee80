// Names and constants of Calico's Linux data plane, each from its source:
//   host veth        libcalico-go VethNameForWorkload: "cali" + hex(sha1("<namespace>.<pod>"))[:11]
//   pod gateway      cni-plugin dataplane_linux.go: 169.254.1.1, answered by proxy ARP with the
//                    host veth's fixed MAC ee:ee:ee:ee:ee:ee
//   VXLAN            felix config_params.go: VXLANPort 4789, VXLANVNI 4096; device vxlan.calico
//   IPIP             device tunl0 (the kernel's ipip fallback device), 20-byte outer IPv4 header
//   chain names      felix hashutils.GetLengthLimitedID: prefix + name, or, past 28 characters,
//                    prefix + "_" + base64url(sha256(name)) cut to fit

import { sha1 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha256';
import type { CniKind, NodeModel } from '../../cluster/model.js';
import { base64url } from '../../net/base-encoding.js';
import { macFor } from '../../net/mac.js';

export const CALICO_GATEWAY = '169.254.1.1';
export const CALICO_VETH_MAC = 'ee:ee:ee:ee:ee:ee';
export const CALICO_VXLAN_PORT = 4789;
export const CALICO_VXLAN_VNI = 4096;
export const CALICO_VXLAN_DEV = 'vxlan.calico';
export const IPIP_DEV = 'tunl0';
/** The outer IPv4 header IP-in-IP adds (protocol 4). */
export const IPIP_OVERHEAD = 20;
/** iptables' chain-name limit (felix iptables.MaxChainNameLength). */
const MAX_CHAIN = 28;

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The host side of a pod's veth: "cali" + the first 11 hex digits of sha1("<namespace>.<pod>"). */
export function caliVethName(namespace: string, pod: string): string {
  return `cali${hex(sha1(encoder.encode(`${namespace}.${pod}`))).slice(0, 11)}`;
}

/** felix hashutils.GetLengthLimitedID with iptables' 28-character limit. */
export function lengthLimitedId(prefix: string, suffix: string, max = MAX_CHAIN): string {
  const s = suffix === '' ? '_' : suffix;
  if (prefix.length + s.length > max || (prefix.length + s.length === max && s.startsWith('_'))) {
    return `${prefix}_${base64url(sha256(encoder.encode(s))).slice(0, max - 1 - prefix.length)}`;
  }
  return prefix + s;
}

/** cali-tw-<iface> / cali-fw-<iface>: a workload's to- and from-endpoint chains. */
export function toWorkloadChain(iface: string): string {
  return lengthLimitedId('cali-tw-', iface);
}

export function fromWorkloadChain(iface: string): string {
  return lengthLimitedId('cali-fw-', iface);
}

/** Profile chains: kns.<namespace> (the namespace's profile) and ksa.<namespace>.<serviceaccount>. */
export function profileChain(direction: 'in' | 'out', profile: string): string {
  return lengthLimitedId(direction === 'in' ? 'cali-pri-' : 'cali-pro-', profile);
}

export function isCalico(cni: CniKind): cni is 'calico-bgp' | 'calico-ipip' | 'calico-vxlan' {
  return cni === 'calico-bgp' || cni === 'calico-ipip' || cni === 'calico-vxlan';
}

/** vxlan.calico's MAC: Felix keeps it in the Calico Node resource; not in a kubectl dump, so generated. */
export function calicoVxlanMac(node: NodeModel): string {
  return macFor(`vxlan.calico@${node.name}`);
}

/** Every mark bit Felix uses: accept 0x10000, pass 0x20000, scratch 0x40000 and 0x80000 (its default IptablesMarkMask 0xffff0000). */
export const CALICO_MARK_BITS = 0xf0000;
