// A pod's /etc/resolv.conf: what the kubelet hands the container runtime for dnsPolicy ClusterFirst.
// Source: kubernetes/kubernetes pkg/kubelet/network/dns/dns.go (GetPodDNS, generateSearchesForDNSClusterFirst,
// omitDuplicates, formDNSSearchFitsLimits, parseResolvConf); the file text is written by the runtime
// (containerd / CRI-O parseDNSOptions: search, then nameserver lines, then options).

import type { ClusterModel, PodModel } from '../cluster/model.js';
import { stripTrailingDot } from './names.js';

/** ExpandedDNSConfig (GA in 1.28): at most 32 search paths and 2048 characters on the search line. */
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** A search path longer than a DNS-1123 subdomain (253) is dropped: glibc 2.28 aborts on it. */
export const MAX_SEARCH_PATH_LENGTH = 253;
/** The resolvers' ndots when resolv.conf has no `options ndots:` (glibc and musl both default to 1). */
export const RESOLVER_DEFAULT_NDOTS = 1;

export interface PodResolvConf {
  /** The `nameserver` lines. Empty when the pod uses the node's resolvers, which the model does not know. */
  readonly nameservers: readonly string[];
  /** The `search` line, in order. */
  readonly search: readonly string[];
  readonly ndots: number;
  /** The `options` line, e.g. ["ndots:5"]. */
  readonly options: readonly string[];
  /** The file as it appears in the container. */
  readonly text: string;
  /**
   * The dnsPolicy the kubelet applied: a hostNetwork pod with ClusterFirst falls back to Default
   * (the node's own resolv.conf), unless it asked for ClusterFirstWithHostNet.
   */
  readonly policy: 'ClusterFirst' | 'Default';
  /** True when the queries go to the node's upstream resolvers: their addresses are not in the cluster model. */
  readonly nameserverUnknown: boolean;
  /** Search paths the kubelet left out to stay within its limits (it logs a DNSConfigForming warning event). */
  readonly dropped: readonly string[];
}

/**
 * The resolv.conf a pod gets.
 *
 * ClusterFirst: `nameserver` = the cluster DNS IP (kube-dns), `search` = `<ns>.svc.<domain> svc.<domain> <domain>`
 * followed by the node's own search domains (trailing dots removed, duplicates removed keeping the first),
 * `options ndots:5` (the model's `dns.ndots`, 5 unless a dump said otherwise).
 *
 * hostNetwork pods fall back to dnsPolicy Default: the node's search domains, the node's nameservers
 * (unknown here, so `nameserverUnknown` is set and `nameservers` is empty) and the resolver's default
 * ndots of 1, since the node's `options` line is not modelled either.
 */
export function podResolvConf(cluster: ClusterModel, pod: PodModel): PodResolvConf {
  const nodeSearch = cluster.dns.nodeSearch.map(stripTrailingDot).filter((d) => d !== '');
  if (pod.hostNetwork) {
    const { search, dropped } = fitLimits(omitDuplicates(nodeSearch));
    const text = [
      '# hostNetwork pod with dnsPolicy ClusterFirst: the kubelet falls back to dnsPolicy Default',
      "# and copies the node's resolv.conf; the node's nameservers are not in the cluster model.",
      ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
      '',
    ].join('\n');
    return {
      nameservers: [],
      search,
      ndots: RESOLVER_DEFAULT_NDOTS,
      options: [],
      text,
      policy: 'Default',
      nameserverUnknown: true,
      dropped,
    };
  }

  const domain = stripTrailingDot(cluster.dns.clusterDomain);
  const clusterSearch = domain === '' ? [] : [`${pod.namespace}.svc.${domain}`, `svc.${domain}`, domain];
  const { search, dropped } = fitLimits(omitDuplicates([...clusterSearch, ...nodeSearch]));
  const nameservers = [cluster.dns.nameserver];
  const options = [`ndots:${cluster.dns.ndots}`];
  const lines = [
    ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
    ...nameservers.map((ns) => `nameserver ${ns}`),
    `options ${options.join(' ')}`,
  ];
  return {
    nameservers,
    search,
    ndots: cluster.dns.ndots,
    options,
    text: `${lines.join('\n')}\n`,
    policy: 'ClusterFirst',
    nameserverUnknown: false,
    dropped,
  };
}

function omitDuplicates(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/** formDNSSearchFitsLimits: cap the count, drop over-long paths, then cut from the end until the line fits. */
function fitLimits(composed: readonly string[]): { search: string[]; dropped: string[] } {
  const dropped: string[] = [];
  let search = composed.slice(0, MAX_DNS_SEARCH_PATHS);
  dropped.push(...composed.slice(MAX_DNS_SEARCH_PATHS));
  search = search.filter((s) => {
    if (s.length <= MAX_SEARCH_PATH_LENGTH) return true;
    dropped.push(s);
    return false;
  });
  while (search.length > 0 && search.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    dropped.push(search.pop() as string);
  }
  return { search, dropped };
}
