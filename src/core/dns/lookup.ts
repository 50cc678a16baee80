// getaddrinfo() in a pod: /etc/hosts, then the search walk against CoreDNS, one A + AAAA pair per candidate.

import type { ClusterModel, PodModel } from '../cluster/model.js';
import { isIPv4 } from '../net/ipv4.js';
import type { DnsQuery } from '../trace-model.js';
import { coreDnsAnswer, type CoreDnsAnswer, type DnsRecordType } from './coredns.js';
import { hostsLookup } from './hosts.js';
import { podResolvConf, type PodResolvConf } from './resolv-conf.js';
import { countDots } from './names.js';
import { MAX_NDOTS, resolverCandidates, type ResolverFlavour } from './search-walk.js';

/** One candidate name of the walk: the A and AAAA queries sent for it (in parallel) and what came of them. */
export interface LookupStep {
  /** The candidate, fully qualified with a trailing dot. */
  readonly name: string;
  readonly a: CoreDnsAnswer;
  readonly aaaa: CoreDnsAnswer;
  /** answer: A records came back; nxdomain: the name does not exist; nodata: it exists with no A record. */
  readonly outcome: 'answer' | 'nxdomain' | 'nodata';
}

export interface NameResolution {
  /** literal: the name was already an IPv4 address; hosts: /etc/hosts answered; dns: the search walk ran. */
  readonly source: 'literal' | 'hosts' | 'dns';
  /** Every query sent, in order: for each candidate its A query, then its AAAA query. */
  readonly queries: readonly DnsQuery[];
  readonly steps: readonly LookupStep[];
  /** The address the application connects to (the first A record), or null when resolution failed. */
  readonly answer: string | null;
  /** All A records of the answering name. */
  readonly answers: readonly string[];
  /** The candidate that answered (trailing dot), or null. */
  readonly answeredName: string | null;
  /**
   * NOERROR with a null answer means the walk ended on NODATA (the name exists, without an A record):
   * musl stops at the first NODATA; glibc reports NODATA if any candidate gave it.
   */
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  /** The DNS server the queries went to (the kube-dns ClusterIP); null when there were none or it is unknown. */
  readonly server: string | null;
  readonly resolvConf: PodResolvConf;
}

/**
 * Resolve `name` the way a process in `pod` would with getaddrinfo(AF_UNSPEC).
 *
 * - An IPv4 literal needs no lookup; a name in the pod's /etc/hosts (localhost, the pod's own name) is
 *   answered from the file. Neither sends a query.
 * - Otherwise the resolver walks `resolverCandidates` and, for each candidate, sends an A and an AAAA query
 *   in parallel (recorded A first). NXDOMAIN moves on to the next candidate (glibc and musl alike). An A answer
 *   stops the walk. NODATA (NOERROR without an A record): glibc moves on, musl stops.
 * - A hostNetwork pod asks the node's resolvers (dnsPolicy Default), which know nothing of the cluster zone:
 *   every candidate is modelled as NXDOMAIN with `forwarded: true`.
 */
export function resolveName(cluster: ClusterModel, pod: PodModel, name: string, flavour: ResolverFlavour): NameResolution {
  const resolvConf = podResolvConf(cluster, pod);
  const none = { queries: [], steps: [], answeredName: null, server: null, resolvConf } as const;
  if (isIPv4(name)) {
    return { ...none, source: 'literal', answer: name, answers: [name], rcode: 'NOERROR' };
  }
  const fromHosts = hostsLookup(pod, name);
  if (fromHosts !== null) {
    return { ...none, source: 'hosts', answer: fromHosts, answers: [fromHosts], rcode: 'NOERROR' };
  }

  const ask = resolvConf.nameserverUnknown
    ? (qname: string) => nodeResolverAnswer(cluster, qname)
    : (qname: string, qtype: DnsRecordType) => coreDnsAnswer(cluster, qname, qtype);
  const candidates = resolverCandidates(name, resolvConf, flavour);
  const asIsFirst = flavour === 'glibc' && !name.endsWith('.') && countDots(name) >= Math.min(resolvConf.ndots, MAX_NDOTS);

  const steps: LookupStep[] = [];
  const queries: DnsQuery[] = [];
  let answered: LookupStep | null = null;
  for (const candidate of candidates) {
    const a = ask(candidate, 'A');
    const aaaa = ask(candidate, 'AAAA');
    const outcome = a.rcode === 'NXDOMAIN' ? 'nxdomain' : a.answers.length > 0 ? 'answer' : 'nodata';
    const step: LookupStep = { name: candidate, a, aaaa, outcome };
    steps.push(step);
    queries.push(toQuery(candidate, 'A', a), toQuery(candidate, 'AAAA', aaaa));
    if (outcome === 'answer') {
      answered = step;
      break;
    }
    if (outcome === 'nodata' && flavour === 'musl') break;
  }

  const server = resolvConf.nameserverUnknown ? null : (resolvConf.nameservers[0] ?? null);
  if (answered !== null) {
    return {
      source: 'dns',
      queries,
      steps,
      answer: answered.a.answers[0] ?? null,
      answers: answered.a.answers,
      answeredName: answered.name,
      rcode: 'NOERROR',
      server,
      resolvConf,
    };
  }
  return { source: 'dns', queries, steps, answer: null, answers: [], answeredName: null, rcode: finalRcode(steps, flavour, asIsFirst), server, resolvConf };
}

/**
 * The error a failed walk reports. musl: the step it stopped on. glibc (__res_context_search): the as-is
 * attempt's error when it went first; otherwise NODATA if any search candidate gave it, else the last error.
 */
function finalRcode(steps: readonly LookupStep[], flavour: ResolverFlavour, asIsFirst: boolean): 'NOERROR' | 'NXDOMAIN' {
  const toRcode = (s: LookupStep | undefined) => (s?.outcome === 'nodata' ? 'NOERROR' : 'NXDOMAIN');
  if (flavour === 'musl') return toRcode(steps[steps.length - 1]);
  if (asIsFirst) return toRcode(steps[0]);
  if (steps.some((s) => s.outcome === 'nodata')) return 'NOERROR';
  return toRcode(steps[steps.length - 1]);
}

function toQuery(name: string, type: DnsRecordType, answer: CoreDnsAnswer): DnsQuery {
  return { name, type, rcode: answer.rcode, answer: answer.answers[0] ?? null };
}

/** What the node's own resolvers say to a hostNetwork pod: they do not serve the cluster zone. */
function nodeResolverAnswer(cluster: ClusterModel, qname: string): CoreDnsAnswer {
  return {
    rcode: 'NXDOMAIN',
    answers: [],
    forwarded: true,
    ttl: null,
    reason: `A hostNetwork pod with dnsPolicy ClusterFirst uses the node's resolvers, not CoreDNS: they do not serve ${cluster.dns.clusterDomain}, and the simulator has no upstream, so ${qname} counts as NXDOMAIN.`,
  };
}
