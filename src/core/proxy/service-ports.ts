// The service ports kube-proxy programs, each with its endpoints, as kube-proxy's
// EndpointSlice cache builds them (pkg/proxy/endpointslicecache.go, topology.go).

import { memoByObject } from '../memo.js';
import type { ClusterModel, EndpointModel, Protocol, ServiceModel, ServicePortModel } from '../cluster/model.js';
import { servicePortName } from './chain-names.js';

export interface ProxyEndpoint {
  readonly ip: string;
  readonly port: number;
  /** "IP:port": kube-proxy's endpoint string, hashed into KUBE-SEP names and used for sorting. */
  readonly key: string;
  readonly nodeName: string | null;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly pod: string | null;
}

export interface ProxyServicePort {
  readonly service: ServiceModel;
  readonly port: ServicePortModel;
  /** "ns/name:port" (or "ns/name"), ServicePortName.String(). */
  readonly spn: string;
  readonly protocol: Protocol;
  /**
   * The usable cluster-wide endpoints (CategorizeEndpoints without topology): the ready ones, or,
   * if none is ready, the serving-and-terminating ones. Sorted by "IP:port".
   */
  readonly endpoints: readonly ProxyEndpoint[];
  /**
   * Every endpoint kube-proxy's endpoints map holds for this port, whatever its conditions
   * (endpointslicecache.go addEndpoints does not filter), sorted by "IP:port". kube-proxy picks the
   * Local-policy endpoints and counts large-cluster mode from these.
   */
  readonly allEndpoints: readonly ProxyEndpoint[];
}

/**
 * How long a ClientIP-affinity Service keeps a client on its endpoint: kube-proxy's
 * StickyMaxAgeSeconds, from sessionAffinityConfig.clientIP.timeoutSeconds (API default 10800 s).
 * Null without ClientIP affinity.
 */
export function stickySeconds(service: ServiceModel): number | null {
  return service.sessionAffinity === 'ClientIP' ? service.affinityTimeoutSeconds ?? 10800 : null;
}

/** CategorizeEndpoints' cluster endpoints: the ready ones; if none is ready, the serving-and-terminating ones. */
export function usableEndpoints<T extends Pick<EndpointModel, 'ready' | 'serving' | 'terminating'>>(all: readonly T[]): readonly T[] {
  const ready = all.filter((e) => e.ready);
  return ready.length > 0 ? ready : all.filter((e) => e.serving && e.terminating);
}

const byKey = (a: ProxyEndpoint, b: ProxyEndpoint): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Every proxied service port, sorted by name (kube-proxy walks a Go map; we fix one order). */
/** Every proxied service port, computed once per cluster. */
export const proxyServicePorts = memoByObject(computeServicePorts);

function computeServicePorts(cluster: ClusterModel): readonly ProxyServicePort[] {
  const out: ProxyServicePort[] = [];
  for (const service of cluster.services) {
    // Headless and ExternalName Services get no rules.
    if (service.type === 'ExternalName' || service.clusterIP === 'None' || service.clusterIP === '') continue;
    for (const port of service.ports) {
      const spn = servicePortName(service.namespace, service.name, port.name);
      const seen = new Map<string, ProxyEndpoint>();
      for (const slice of cluster.endpointSlices) {
        if (slice.namespace !== service.namespace || slice.serviceName !== service.name || slice.addressType !== 'IPv4') continue;
        const slicePort = slice.ports.find((p) => (p.name ?? '') === (port.name ?? '') && p.protocol === port.protocol);
        if (slicePort === undefined) continue;
        for (const e of slice.endpoints) {
          if (e.ip === '') continue;
          const key = `${e.ip}:${slicePort.port}`;
          if (!seen.has(key)) {
            seen.set(key, { ip: e.ip, port: slicePort.port, key, nodeName: e.nodeName, ready: e.ready, serving: e.serving, terminating: e.terminating, pod: e.pod });
          }
        }
      }
      // endpointsMapFromEndpointInfo sorts by Endpoint.String() so rules do not churn.
      const allEndpoints = [...seen.values()].sort(byKey);
      out.push({ service, port, spn, protocol: port.protocol, endpoints: usableEndpoints(allEndpoints), allEndpoints });
    }
  }
  return out.sort((a, b) => (a.spn + a.protocol < b.spn + b.protocol ? -1 : 1));
}

/** ClusterIP, port and protocol -> the first service port in proxyServicePorts' order. */
const servicePortIndex = memoByObject((cluster: ClusterModel): ReadonlyMap<string, ProxyServicePort> => {
  const index = new Map<string, ProxyServicePort>();
  for (const sp of proxyServicePorts(cluster)) {
    const key = servicePortKey(sp.service.clusterIP, sp.port.port, sp.protocol);
    if (!index.has(key)) index.set(key, sp);
  }
  return index;
});

function servicePortKey(ip: string, port: number, protocol: Protocol): string {
  return `${ip} ${port} ${protocol}`;
}

export function findServicePort(cluster: ClusterModel, ip: string, port: number, protocol: Protocol): ProxyServicePort | null {
  return servicePortIndex(cluster).get(servicePortKey(ip, port, protocol)) ?? null;
}

