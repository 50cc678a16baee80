// kube-proxy's chain names (pkg/proxy/iptables/proxier.go):
//   KUBE-SVC-/SVL-/EXT-/FW- + base32(sha256(servicePortName + protocol))[:16]
//   KUBE-SEP-             + base32(sha256(servicePortName + protocol + "IP:port"))[:16]
// servicePortName is "ns/name:port" ("ns/name" for an unnamed port); protocol is lower-case.

import { sha256 } from '@noble/hashes/sha256';
import { base32 } from '../net/base-encoding.js';

const encoder = new TextEncoder();

function hash16(text: string): string {
  return base32(sha256(encoder.encode(text))).slice(0, 16);
}

/** ServicePortName.String(): "ns/name:port", or "ns/name" when the port has no name. */
export function servicePortName(namespace: string, name: string, portName: string | null): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

export function portProtoHash(spn: string, protocol: string): string {
  return hash16(spn + protocol.toLowerCase());
}

export function serviceChain(spn: string, protocol: string): string {
  return `KUBE-SVC-${portProtoHash(spn, protocol)}`;
}

export function serviceLocalChain(spn: string, protocol: string): string {
  return `KUBE-SVL-${portProtoHash(spn, protocol)}`;
}

export function externalChain(spn: string, protocol: string): string {
  return `KUBE-EXT-${portProtoHash(spn, protocol)}`;
}

export function endpointChain(spn: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${hash16(spn + protocol.toLowerCase() + endpoint)}`;
}
