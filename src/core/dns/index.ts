// The DNS part of the simulator: a pod's resolv.conf, the resolver's search walk, CoreDNS's answers,
// the resulting lookup, and how nslookup prints it.

export { podResolvConf, type PodResolvConf } from './resolv-conf.js';
export { resolverCandidates, type ResolverFlavour, type SearchConf } from './search-walk.js';
export { coreDnsAnswer, coreDnsPtr, clusterNamespaces, CLUSTER_ZONE_TTL, type CoreDnsAnswer, type DnsRecordType } from './coredns.js';
export { hostsLookup, podHostsEntries, type HostsEntry } from './hosts.js';
export { resolveName, type LookupStep, type NameResolution } from './lookup.js';
export { nslookupOutput, podNslookup, digShortOutput, type NslookupFlavour, type NslookupOptions } from './nslookup.js';
