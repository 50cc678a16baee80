// Builders that fill in what kubectl never shows (MACs, veth names) deterministically.

import { macFor, vethNameFor } from '../net/mac.js';
import type { NodeModel, PodModel, Protocol } from './model.js';

export function makeNode(fields: { name: string; internalIP: string; podCIDR: string; vtepMac?: string | null }): NodeModel {
  return {
    name: fields.name,
    internalIP: fields.internalIP,
    podCIDR: fields.podCIDR,
    eth0Mac: macFor(`eth0@${fields.name}`),
    bridgeMac: macFor(`cni0@${fields.name}`),
    vtepMac: fields.vtepMac ?? macFor(`flannel.1@${fields.name}`),
  };
}

export function makePod(fields: {
  namespace: string;
  name: string;
  ip: string | null;
  nodeName: string;
  labels?: Record<string, string>;
  hostNetwork?: boolean;
  containerPorts?: { name: string | null; port: number; protocol: Protocol }[];
}): PodModel {
  const key = `${fields.namespace}/${fields.name}`;
  return {
    namespace: fields.namespace,
    name: fields.name,
    ip: fields.ip,
    nodeName: fields.nodeName,
    hostNetwork: fields.hostNetwork ?? false,
    labels: fields.labels ?? {},
    mac: macFor(`eth0@${key}`),
    hostVeth: vethNameFor(key),
    containerPorts: fields.containerPorts ?? [],
  };
}
