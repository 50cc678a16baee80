// The pod's /etc/hosts, which both resolvers read before asking DNS ("hosts: files dns").
// The kubelet writes it for every pod that is not hostNetwork (kubelet_pods.go managedHostsFileContent):
// localhost lines, then "<podIP>\t<hostname>". hostNetwork pods see the node's /etc/hosts instead,
// which the model does not have; only localhost is assumed there.

import type { PodModel } from '../cluster/model.js';

export interface HostsEntry {
  readonly ip: string;
  readonly names: readonly string[];
}

/** The IPv4 entries of the pod's hosts file, in file order. */
export function podHostsEntries(pod: PodModel): HostsEntry[] {
  const entries: HostsEntry[] = [{ ip: '127.0.0.1', names: ['localhost'] }];
  if (!pod.hostNetwork && pod.ip !== null) entries.push({ ip: pod.ip, names: [pod.name] });
  return entries;
}

/**
 * The address the hosts file gives `name`, or null. Matched case-insensitively and exactly: "localhost."
 * with a trailing dot is not the hosts file's "localhost", so it goes to DNS.
 */
export function hostsLookup(pod: PodModel, name: string): string | null {
  const wanted = name.toLowerCase();
  if (wanted === '') return null;
  for (const entry of podHostsEntries(pod)) {
    if (entry.names.some((n) => n.toLowerCase() === wanted)) return entry.ip;
  }
  return null;
}

/** The first name the hosts file gives `ip` (what getnameinfo finds before asking DNS), or null. */
export function hostsReverse(pod: PodModel, ip: string): string | null {
  return podHostsEntries(pod).find((e) => e.ip === ip)?.names[0] ?? null;
}
