// Per-cluster lookup tables: pods by address and by name, nodes by name, Services by ClusterIP.
// A trace asks these questions many times; on a cluster of thousands of pods a linear search per
// question costs more than the rest of the trace. Clusters are immutable, so each table is built
// once per cluster. Every map keeps the first match, as the Array.find it replaces did.

import { memoByObject } from '../memo.js';
import type { ClusterModel, NodeModel, PodModel, ServiceModel } from './model.js';

interface ClusterLookup {
  /** Pods in their own network namespace, by IP. */
  readonly podByIP: ReadonlyMap<string, PodModel>;
  /** Any pod, hostNetwork ones too, by IP. */
  readonly anyPodByIP: ReadonlyMap<string, PodModel>;
  /** refKey(namespace, name) -> pod. */
  readonly podByRef: ReadonlyMap<string, PodModel>;
  readonly nodeByName: ReadonlyMap<string, NodeModel>;
  readonly serviceByClusterIP: ReadonlyMap<string, ServiceModel>;
  /** refKey(namespace, name) -> Service. */
  readonly serviceByRef: ReadonlyMap<string, ServiceModel>;
}

/** A newline can be in neither a namespace nor a name, so the key is unambiguous. */
function refKey(namespace: string, name: string): string {
  return `${namespace}\n${name}`;
}

function setFirst<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

const lookupOf = memoByObject((cluster: ClusterModel): ClusterLookup => {
  const podByIP = new Map<string, PodModel>();
  const anyPodByIP = new Map<string, PodModel>();
  const podByRef = new Map<string, PodModel>();
  for (const p of cluster.pods) {
    if (p.ip !== null) {
      setFirst(anyPodByIP, p.ip, p);
      if (!p.hostNetwork) setFirst(podByIP, p.ip, p);
    }
    setFirst(podByRef, refKey(p.namespace, p.name), p);
  }
  const nodeByName = new Map<string, NodeModel>();
  for (const n of cluster.nodes) setFirst(nodeByName, n.name, n);
  const serviceByClusterIP = new Map<string, ServiceModel>();
  const serviceByRef = new Map<string, ServiceModel>();
  for (const s of cluster.services) {
    setFirst(serviceByClusterIP, s.clusterIP, s);
    setFirst(serviceByRef, refKey(s.namespace, s.name), s);
  }
  return { podByIP, anyPodByIP, podByRef, nodeByName, serviceByClusterIP, serviceByRef };
});

/** The pod (not hostNetwork) that owns `ip`. */
export function podWithIP(cluster: ClusterModel, ip: string): PodModel | null {
  return lookupOf(cluster).podByIP.get(ip) ?? null;
}

/** The first pod with `ip`, hostNetwork pods included. */
export function anyPodWithIP(cluster: ClusterModel, ip: string): PodModel | null {
  return lookupOf(cluster).anyPodByIP.get(ip) ?? null;
}

export function podNamed(cluster: ClusterModel, namespace: string, name: string): PodModel | null {
  return lookupOf(cluster).podByRef.get(refKey(namespace, name)) ?? null;
}

export function nodeNamed(cluster: ClusterModel, name: string): NodeModel | null {
  return lookupOf(cluster).nodeByName.get(name) ?? null;
}

/** The first Service with this ClusterIP. */
export function serviceWithClusterIP(cluster: ClusterModel, ip: string): ServiceModel | null {
  return lookupOf(cluster).serviceByClusterIP.get(ip) ?? null;
}

/** The Service of a kube-proxy ServicePortName, "ns/name:port" or "ns/name" (its rule comments and IPVS virtual services carry one). */
export function serviceOfPortName(cluster: ClusterModel, spn: string): ServiceModel | null {
  const colon = spn.indexOf(':');
  const ref = colon < 0 ? spn : spn.slice(0, colon);
  const slash = ref.indexOf('/');
  if (slash < 0) return null;
  return lookupOf(cluster).serviceByRef.get(refKey(ref.slice(0, slash), ref.slice(slash + 1))) ?? null;
}
