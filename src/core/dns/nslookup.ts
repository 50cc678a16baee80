// What `nslookup` prints in a pod. The line right under "Server:" is the DNS server's own address;
// the answer comes after "Name:".
// dnsutils / bind-tools: bind9 bin/dig/nslookup.c printmessage (+ dighost.c's search walk).
// busybox 1.28: networking/nslookup.c print_host / server_print (getaddrinfo, then getnameinfo per address).

import type { ClusterModel, PodModel } from '../cluster/model.js';
import { isIPv4 } from '../net/ipv4.js';
import { coreDnsAnswer, coreDnsPtr } from './coredns.js';
import { hostsReverse } from './hosts.js';
import { resolveName } from './lookup.js';
import { stripTrailingDot } from './names.js';
import { podResolvConf } from './resolv-conf.js';
import { resolverCandidates } from './search-walk.js';

export type NslookupFlavour = 'dnsutils' | 'busybox';

export interface NslookupOptions {
  /** Defaults to NOERROR when there are answers, NXDOMAIN when there are none. NOERROR + no answers = NODATA. */
  readonly rcode?: 'NOERROR' | 'NXDOMAIN';
  /** The name as typed on the command line: the NXDOMAIN line and busybox's "Name:" show it. Defaults to fqdn. */
  readonly query?: string;
  /** busybox 1.28 prints each address's reverse (PTR) name after it, when there is one. Keyed by IP. */
  readonly ptr?: Readonly<Record<string, string>>;
  /** false prints bind's "Non-authoritative answer:" (answers from a cache or upstream). Default true: CoreDNS is authoritative for the cluster zone. */
  readonly authoritative?: boolean;
}

/**
 * nslookup's output for one name.
 *
 * dnsutils (bind): `Server:\t\t<ip>` / `Address:\t<ip>#53` / blank line, then `Name:\t<fqdn>` and
 * `Address: <ip>` per A record; NXDOMAIN prints `** server can't find <name>: NXDOMAIN`; NODATA prints
 * `*** Can't find <fqdn>: No answer`.
 * busybox 1.28: `Server:    <ip>` / `Address 1: <ip> [<ptr>]` / blank line, then `Name:      <name as typed>`
 * and `Address N: <ip> [<ptr>]`; failure prints `nslookup: can't resolve '<name>'` (on stderr, appended here).
 */
export function nslookupOutput(
  serverIP: string,
  fqdn: string,
  answers: readonly string[],
  flavour: NslookupFlavour,
  options: NslookupOptions = {},
): string {
  const rcode = options.rcode ?? (answers.length > 0 ? 'NOERROR' : 'NXDOMAIN');
  const shown = stripTrailingDot(fqdn);
  const typed = stripTrailingDot(options.query ?? fqdn);
  if (flavour === 'busybox') {
    const withPtr = (ip: string) => (options.ptr?.[ip] ? `${ip} ${options.ptr[ip]}` : ip);
    const header = `${pad('Server:')}${serverIP}\nAddress 1: ${withPtr(serverIP)}\n\n`;
    if (rcode === 'NXDOMAIN' || answers.length === 0) return `${header}nslookup: can't resolve '${typed}'\n`;
    return `${header}${pad('Name:')}${typed}\n${answers.map((ip, i) => `Address ${i + 1}: ${withPtr(ip)}\n`).join('')}`;
  }
  const header = `Server:\t\t${serverIP}\nAddress:\t${serverIP}#53\n\n`;
  if (rcode === 'NXDOMAIN') return `${header}** server can't find ${typed}: NXDOMAIN\n`;
  const nonAuth = options.authoritative === false ? 'Non-authoritative answer:\n' : '';
  if (answers.length === 0) return `${header}${nonAuth}*** Can't find ${shown}: No answer\n`;
  return `${header}${nonAuth}${answers.map((ip) => `Name:\t${shown}\nAddress: ${ip}\n`).join('')}`;
}

/** `dig +short`: one address per line, nothing at all for NXDOMAIN or NODATA. */
export function digShortOutput(answers: readonly string[]): string {
  return answers.map((ip) => `${ip}\n`).join('');
}

/**
 * `kubectl exec <pod> -- nslookup <name>`, simulated end to end. Null for a hostNetwork pod, whose
 * nameserver (the node's) is not in the model.
 *
 * dnsutils: bind's nslookup does its own walk (dighost.c): a name with at least ndots dots is tried as is
 * only; otherwise the search list, then the name as is. It moves on only on NXDOMAIN and does not read
 * /etc/hosts. An IPv4 address is looked up in reverse (PTR).
 * busybox 1.28: getaddrinfo (hosts file, then the libc's search walk, modelled as glibc's), then a reverse
 * lookup of the server and of every address.
 */
export function podNslookup(cluster: ClusterModel, pod: PodModel, name: string, flavour: NslookupFlavour): string | null {
  const conf = podResolvConf(cluster, pod);
  const server = conf.nameservers[0];
  if (conf.nameserverUnknown || server === undefined) return null;

  if (flavour === 'busybox') {
    const res = resolveName(cluster, pod, name, 'glibc');
    const ptr: Record<string, string> = {};
    for (const ip of [server, ...res.answers]) {
      const rev = hostsReverse(pod, ip) ?? coreDnsPtr(cluster, ip);
      if (rev !== null) ptr[ip] = rev;
    }
    return nslookupOutput(server, res.answeredName ?? name, res.answers, 'busybox', { query: name, ptr, rcode: res.answer ? 'NOERROR' : 'NXDOMAIN' });
  }

  if (isIPv4(name)) {
    const reverse = `${name.split('.').reverse().join('.')}.in-addr.arpa`;
    const ptr = coreDnsPtr(cluster, name);
    const header = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
    return ptr === null ? `${header}** server can't find ${reverse}: NXDOMAIN\n` : `${header}${reverse}\tname = ${ptr}.\n`;
  }
  for (const candidate of resolverCandidates(name, conf, 'musl')) {
    const a = coreDnsAnswer(cluster, candidate, 'A');
    if (a.rcode === 'NXDOMAIN') continue;
    return nslookupOutput(server, candidate, a.answers, 'dnsutils', { rcode: 'NOERROR', query: name });
  }
  return nslookupOutput(server, name, [], 'dnsutils', { rcode: 'NXDOMAIN', query: name });
}

/** busybox's printf("%-10s %s\n", header, ...): the label padded to 10 columns, then one space. */
function pad(label: string): string {
  return `${label.padEnd(10)} `;
}
