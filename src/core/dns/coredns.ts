// What CoreDNS answers, as kubeadm configures it:
//   kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }
//   forward . /etc/resolv.conf
// Source: coredns/coredns plugin/kubernetes (handler.go ServeDNS, parse.go parseRequest, kubernetes.go
// Records/findServices/findPods/endpointHostname, namespace.go, ns.go, reverse.go, object/endpoint.go).

import type { ClusterModel, EndpointModel, ServiceModel } from '../cluster/model.js';
import { isIPv4 } from '../net/ipv4.js';
import { isIPv6, stripTrailingDot } from './names.js';

export type DnsRecordType = 'A' | 'AAAA';

/** `ttl 30` in kubeadm's Corefile: the TTL of every answer from the cluster zone. */
export const CLUSTER_ZONE_TTL = 30;

/** Namespaces every cluster has even when a dump shows nothing in them. */
export const BUILTIN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface CoreDnsAnswer {
  /**
   * NXDOMAIN: the name does not exist. NOERROR with no answers is NODATA: the name exists but has no
   * record of the asked type (e.g. AAAA for an IPv4-only Service).
   */
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  /** Addresses, in EndpointSlice order (real CoreDNS's `loadbalance` plugin shuffles A records per reply). */
  readonly answers: readonly string[];
  /**
   * The name is outside the cluster zone (or a reverse name the kubernetes plugin falls through on), so
   * CoreDNS's `forward . /etc/resolv.conf` sends it to the node's upstream resolvers. The simulator has no
   * internet and no upstream: it answers NXDOMAIN for these, and sets this flag so views can say so.
   */
  readonly forwarded: boolean;
  /** Seconds, when there are answers (kubeadm's `ttl 30`); null otherwise. */
  readonly ttl: number | null;
  /** One sentence a learner can read: which rule produced this answer. */
  readonly reason: string;
}

/**
 * CoreDNS's answer to one query (qname with or without the trailing dot; case-insensitive).
 *
 * In the cluster zone (the kubernetes plugin, authoritative):
 * - `<svc>.<ns>.svc.<zone>`: the ClusterIP; for a headless Service (clusterIP "None") one record per ready
 *   endpoint of its EndpointSlices, NXDOMAIN when none is ready. A ClusterIP Service without endpoints still
 *   resolves (kubeadm does not set `ignore empty_service`).
 * - `<hostname>.<svc>.<ns>.svc.<zone>`: that endpoint; an endpoint without a hostname is named by its IP
 *   with dashes (10-244-1-5).
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: the ClusterIP (or endpoints) when the Service has that named port.
 * - `a-b-c-d.<ns>.pod.<zone>`: a.b.c.d (`pods insecure`: no check that such a pod exists; the namespace must).
 * - `<ns>.svc.<zone>` for an existing namespace, `svc.<zone>`, `pod.<zone>` and the apex: NODATA.
 * - `ns.dns.<zone>`: the kube-dns Service IP (CoreDNS's own address record).
 * - anything else (a missing Service or namespace, a label that is neither svc nor pod, too many labels): NXDOMAIN.
 *
 * Outside the zone: forwarded upstream; modelled as NXDOMAIN with `forwarded: true` (no upstream here).
 * ExternalName Services: CoreDNS answers a CNAME to spec.externalName and resolves it upstream; the model
 * has neither the target nor an upstream, so the answer is NOERROR with no addresses and `forwarded: true`.
 */
export function coreDnsAnswer(cluster: ClusterModel, qname: string, qtype: DnsRecordType): CoreDnsAnswer {
  const name = stripTrailingDot(qname).toLowerCase();
  const zone = stripTrailingDot(cluster.dns.clusterDomain).toLowerCase();
  if (zone === '' || !(name === zone || name.endsWith(`.${zone}`))) {
    return {
      rcode: 'NXDOMAIN',
      answers: [],
      forwarded: true,
      ttl: null,
      reason: `${name}. is outside ${zone || 'the cluster zone'}: CoreDNS forwards it to the node's upstream resolvers, which the simulator does not have, so it counts as NXDOMAIN.`,
    };
  }
  const base = name === zone ? '' : name.slice(0, name.length - zone.length - 1);
  const found = kubernetesRecords(cluster, base, zone);
  if (found.kind === 'nxdomain') {
    return { rcode: 'NXDOMAIN', answers: [], forwarded: false, ttl: null, reason: found.reason };
  }
  if (found.kind === 'external') {
    return { rcode: 'NOERROR', answers: [], forwarded: true, ttl: null, reason: found.reason };
  }
  const answers = [...new Set(found.hosts.filter((h) => (qtype === 'A' ? isIPv4(h) : isIPv6(h))))];
  if (answers.length === 0) {
    const why =
      found.hosts.length === 0
        ? found.reason
        : `${found.reason} It has no ${qtype === 'A' ? 'IPv4' : 'IPv6'} address, so the ${qtype} query gets NOERROR with an empty answer (NODATA).`;
    return { rcode: 'NOERROR', answers: [], forwarded: false, ttl: null, reason: why };
  }
  return { rcode: 'NOERROR', answers, forwarded: false, ttl: CLUSTER_ZONE_TTL, reason: found.reason };
}

/**
 * The PTR name CoreDNS gives an IPv4 address (reverse.go serviceRecordForIP): a Service ClusterIP first
 * (`<svc>.<ns>.svc.<zone>`), then a ready endpoint (`<hostname or a-b-c-d>.<svc>.<ns>.svc.<zone>`); null when
 * neither matches (CoreDNS answers NXDOMAIN for other in-cluster IPs, e.g. a pod that backs no Service).
 */
export function coreDnsPtr(cluster: ClusterModel, ip: string): string | null {
  const zone = stripTrailingDot(cluster.dns.clusterDomain);
  const svc = cluster.services.find((s) => s.clusterIP === ip);
  if (svc) return `${svc.name}.${svc.namespace}.svc.${zone}`;
  for (const slice of cluster.endpointSlices) {
    for (const ep of slice.endpoints) {
      if (ep.ready && ep.ip === ip) return `${endpointHostname(ep)}.${slice.serviceName}.${slice.namespace}.svc.${zone}`;
    }
  }
  return null;
}

/** The namespaces CoreDNS would find: the built-in four plus every namespace an object in the model lives in. */
export function clusterNamespaces(cluster: ClusterModel): Set<string> {
  const names = new Set<string>(BUILTIN_NAMESPACES);
  for (const p of cluster.pods) names.add(p.namespace.toLowerCase());
  for (const s of cluster.services) names.add(s.namespace.toLowerCase());
  for (const e of cluster.endpointSlices) names.add(e.namespace.toLowerCase());
  return names;
}

type Found =
  | { readonly kind: 'records'; readonly hosts: readonly string[]; readonly reason: string }
  | { readonly kind: 'nxdomain'; readonly reason: string }
  | { readonly kind: 'external'; readonly reason: string };

interface RecordRequest {
  readonly podOrSvc: 'svc' | 'pod';
  readonly namespace: string;
  readonly service: string;
  readonly endpoint: string;
  readonly port: string;
  readonly protocol: string;
}

/** `base` is the lowercased name with the zone removed ("" for the apex). */
function kubernetesRecords(cluster: ClusterModel, base: string, zone: string): Found {
  if (base === 'ns.dns') {
    return { kind: 'records', hosts: [cluster.dns.nameserver], reason: `ns.dns.${zone} is CoreDNS's own name: the kube-dns Service IP.` };
  }
  if (base === '' || base === 'svc' || base === 'pod') {
    return { kind: 'records', hosts: [], reason: `${base === '' ? zone : `${base}.${zone}`} exists but has no address records (NOERROR, empty answer: NODATA).` };
  }
  const parsed = parseRequest(base, zone);
  if ('error' in parsed) return { kind: 'nxdomain', reason: parsed.error };
  const r = parsed;
  if (!clusterNamespaces(cluster).has(r.namespace)) {
    return { kind: 'nxdomain', reason: `There is no namespace "${r.namespace}", so nothing under ${r.namespace}.${r.podOrSvc}.${zone} exists (NXDOMAIN).` };
  }
  return r.podOrSvc === 'pod' ? findPod(r, zone) : findService(cluster, r, zone);
}

function parseRequest(base: string, zone: string): RecordRequest | { error: string } {
  const segs = base.split('.');
  let last = segs.length - 1;
  const podOrSvc = segs[last] ?? '';
  if (podOrSvc !== 'svc' && podOrSvc !== 'pod') {
    return { error: `"${podOrSvc}" right before .${zone} is neither "svc" nor "pod", so the name cannot exist (NXDOMAIN).` };
  }
  last -= 1;
  const namespace = segs[last] ?? '';
  last -= 1;
  const service = last >= 0 ? (segs[last] ?? '') : '';
  last -= 1;
  let endpoint = '';
  let port = '';
  let protocol = '';
  if (last === 0) {
    endpoint = segs[0] ?? '';
  } else if (last === 1) {
    protocol = stripUnderscore(segs[1] ?? '');
    port = stripUnderscore(segs[0] ?? '');
  } else if (last > 1) {
    return { error: `Too many labels before ${namespace}.${podOrSvc}.${zone}: no record has that shape (NXDOMAIN).` };
  }
  return { podOrSvc, namespace, service, endpoint, port, protocol };
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function findPod(r: RecordRequest, zone: string): Found {
  if (r.service === '') {
    return { kind: 'records', hosts: [], reason: `${r.namespace}.pod.${zone} names a namespace, not a pod: it has no address records (NODATA).` };
  }
  const label = r.service;
  const v4 = (label.match(/-/g) ?? []).length === 3 && !label.includes('--');
  const ip = v4 ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  if (!(v4 ? isIPv4(ip) : isIPv6(ip))) {
    return { kind: 'nxdomain', reason: `"${label}" is not an IP address written with dashes, so ${label}.${r.namespace}.pod.${zone} does not exist (NXDOMAIN).` };
  }
  return {
    kind: 'records',
    hosts: [ip],
    reason: `Pod record: CoreDNS ("pods insecure") turns ${label} back into ${ip} without checking that such a pod exists.`,
  };
}

function findService(cluster: ClusterModel, r: RecordRequest, zone: string): Found {
  if (r.service === '') {
    return { kind: 'records', hosts: [], reason: `${r.namespace}.svc.${zone} is a namespace, not a Service: it exists but has no address records (NODATA).` };
  }
  const svc = cluster.services.find((s) => s.namespace.toLowerCase() === r.namespace && s.name.toLowerCase() === r.service);
  const fqdn = `${r.service}.${r.namespace}.svc.${zone}`;
  if (!svc) return { kind: 'nxdomain', reason: `There is no Service "${r.service}" in namespace "${r.namespace}" (NXDOMAIN).` };

  if (svc.type === 'ExternalName') {
    if (r.endpoint !== '') return { kind: 'nxdomain', reason: `ExternalName Service ${svc.namespace}/${svc.name} has no endpoints to name (NXDOMAIN).` };
    return {
      kind: 'external',
      reason: `${fqdn} is an ExternalName Service: CoreDNS answers a CNAME to its external name and resolves that upstream, which the simulator cannot do.`,
    };
  }

  const headless = svc.clusterIP === 'None';
  if (headless || r.endpoint !== '') {
    const hosts = endpointHosts(cluster, svc, r);
    if (hosts.length === 0) {
      const what =
        r.endpoint !== ''
          ? `No ready endpoint of ${svc.namespace}/${svc.name} is named "${r.endpoint}"`
          : `Headless Service ${svc.namespace}/${svc.name} has no ready endpoints${r.port ? ` with port ${r.port}/${r.protocol}` : ''}`;
      return { kind: 'nxdomain', reason: `${what}, so the name does not exist (NXDOMAIN).` };
    }
    const reason =
      r.endpoint !== ''
        ? `${r.endpoint}.${fqdn} names one endpoint of ${svc.namespace}/${svc.name}: its pod IP.`
        : `${fqdn} is a headless Service (clusterIP None): one record per ready endpoint, the pod IPs themselves.`;
    return { kind: 'records', hosts, reason };
  }

  const ports = svc.ports.filter((p) => matchPortAndProtocol(r.port, p.name ?? '', r.protocol, p.protocol));
  if (ports.length === 0) {
    return { kind: 'nxdomain', reason: `Service ${svc.namespace}/${svc.name} has no port named "${r.port}" with protocol ${r.protocol || 'any'} (NXDOMAIN).` };
  }
  return { kind: 'records', hosts: [svc.clusterIP], reason: `${fqdn} is Service ${svc.namespace}/${svc.name}: CoreDNS answers its ClusterIP ${svc.clusterIP}.` };
}

function endpointHosts(cluster: ClusterModel, svc: ServiceModel, r: RecordRequest): string[] {
  const hosts: string[] = [];
  for (const slice of cluster.endpointSlices) {
    if (slice.namespace !== svc.namespace || slice.serviceName !== svc.name || slice.addressType === 'FQDN') continue;
    // A slice without ports gets a sentinel port with no name or protocol (object/endpoint.go).
    const ports = slice.ports.length > 0 ? slice.ports : [{ name: null, protocol: '' }];
    for (const ep of slice.endpoints) {
      if (!ep.ready) continue; // only ready endpoints are published (terminating_endpoints is off by default)
      if (r.endpoint !== '' && r.endpoint !== endpointHostname(ep).toLowerCase()) continue;
      for (const p of ports) {
        if (matchPortAndProtocol(r.port, p.name ?? '', r.protocol, p.protocol)) hosts.push(ep.ip);
      }
    }
  }
  return hosts;
}

/** endpointHostname: the endpoint's hostname, else its IP with the dots (or colons) turned into dashes. */
function endpointHostname(ep: EndpointModel): string {
  if (ep.hostname) return ep.hostname;
  return ep.ip.replaceAll('.', '-').replaceAll(':', '-');
}

/** An empty port or protocol in the query matches any. */
function matchPortAndProtocol(qPort: string, port: string, qProto: string, proto: string): boolean {
  return (qPort === '' || qPort === port.toLowerCase()) && (qProto === '' || qProto === proto.toLowerCase());
}
