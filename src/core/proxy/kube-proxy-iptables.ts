// What kube-proxy in iptables mode writes with iptables-restore on one node, in the order
// syncProxyRules writes it (kubernetes pkg/proxy/iptables/proxier.go, v1.30+): first the filter
// table, then nat; chain declarations, then rules. Only the jump rules from the built-in chains
// are added separately (EnsureRule), see jump-rules.ts.

import type { ClusterModel } from '../cluster/model.js';
import { masqueradeMark } from '../cluster/defaults.js';
import { endpointChain, externalChain, serviceChain, serviceLocalChain } from './chain-names.js';
import { kubeProxyProbability } from './probability.js';
import type { IptRule, TableName } from './rule.js';
import { proxyServicePorts, stickySeconds, usableEndpoints, type ProxyEndpoint, type ProxyServicePort } from './service-ports.js';

export interface KubeProxyTables {
  readonly filterChains: readonly string[];
  readonly filterRules: readonly IptRule[];
  readonly natChains: readonly string[];
  readonly natRules: readonly IptRule[];
}

/** Above this many endpoints kube-proxy stops writing per-endpoint comments. */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

/**
 * The nfacct counters kube-proxy (v1.29+) creates at startup (pkg/proxy/metrics). It writes the
 * `-m nfacct` matches only if the kernel let it create them (nfnetlink_acct); kubeadm/kind nodes do,
 * and upstream's NewFakeProxier has both. ClusterModel has no switch for it, so they are always on.
 */
const CT_STATE_INVALID_DROPPED_NFACCT = 'ct_state_invalid_dropped_pkts';
const LOCALHOST_NODEPORT_ACCEPTED_NFACCT = 'localhost_nps_accepted_pkts';

/** CategorizeEndpoints (pkg/proxy/topology.go), without topology hints (ClusterModel has none). */
function categorizeEndpoints(sp: ProxyServicePort, nodeName: string, usesCluster: boolean, usesLocal: boolean) {
  const all = sp.allEndpoints;
  const isLocal = (e: ProxyEndpoint): boolean => e.nodeName === nodeName;
  let clusterEndpoints: readonly ProxyEndpoint[] = [];
  let localEndpoints: readonly ProxyEndpoint[] = [];
  let hasAnyEndpoints = false;
  if (usesCluster) {
    // Ready endpoints; if there are none anywhere, the serving-and-terminating ones.
    clusterEndpoints = usableEndpoints(all);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (usesLocal) {
    // Local endpoints fall back to terminating ones on their own: only the *local* ones need to be
    // missing a ready endpoint, even when remote endpoints are ready.
    if (all.some((e) => e.ready || (e.serving && e.terminating))) hasAnyEndpoints = true;
    localEndpoints = usableEndpoints(all.filter(isLocal));
  }
  // allReachableEndpoints: the union; its order only affects where the KUBE-SEP chains are written.
  const reachable = new Map<string, ProxyEndpoint>();
  for (const e of clusterEndpoints) reachable.set(e.key, e);
  for (const e of localEndpoints) reachable.set(e.key, e);
  return { clusterEndpoints, localEndpoints, reachableEndpoints: [...reachable.values()], hasEndpoints: hasAnyEndpoints };
}

export function kubeProxyIptables(cluster: ClusterModel, nodeName: string): KubeProxyTables {
  // The real NewProxier writes the mark as "0x00004000" (its log: mark="0x00004000"); upstream's
  // NewFakeProxier hard-codes "0x4000", so the upstream-fixture tests normalise it.
  const mark = masqueradeMark(cluster.proxy.masqueradeBit);
  const filterChains = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL'];
  const natChains = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];
  const filterRules: IptRule[] = [];
  const natRules: IptRule[] = [];
  const rule = (table: TableName, chain: string, ...args: string[]): void => {
    (table === 'nat' ? natRules : filterRules).push({ table, chain, args, owner: 'kube-proxy' });
  };

  rule('nat', 'KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
  rule('nat', 'KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', mark);
  rule(
    'nat',
    'KUBE-POSTROUTING',
    ...['-m', 'comment', '--comment', 'kubernetes service traffic requiring SNAT', '-j', 'MASQUERADE'],
    ...(cluster.proxy.randomFully ? ['--random-fully'] : []),
  );
  rule('nat', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', mark);

  // localhostNodePorts (default true) brings the route_localnet protection rule.
  filterChains.push('KUBE-FIREWALL');
  rule(
    'filter',
    'KUBE-FIREWALL',
    ...['-m', 'comment', '--comment', 'block incoming localnet connections', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8'],
    ...['-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'],
  );

  const servicePorts = proxyServicePorts(cluster);
  // totalEndpoints counts every entry of kube-proxy's endpoints map, ready or not.
  const totalEndpoints = servicePorts.reduce((n, sp) => n + sp.allEndpoints.length, 0);
  const largeCluster = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
  const comment = (text: string): string[] => (largeCluster ? [] : ['-m', 'comment', '--comment', text]);

  for (const sp of servicePorts) {
    writeServicePort(sp);
  }

  function writeServicePort(sp: ProxyServicePort): void {
    const { service, spn } = sp;
    const protocol = sp.protocol.toLowerCase();
    const clusterPolicyChain = serviceChain(spn, protocol);
    const localPolicyChain = serviceLocalChain(spn, protocol);
    const nodePort = service.type === 'NodePort' || service.type === 'LoadBalancer' ? sp.port.nodePort || null : null;
    // BaseServicePortInfo.ExternallyAccessible: a NodePort, LB VIPs or external IPs (ClusterModel
    // carries only the first).
    const externallyAccessible = nodePort !== null;
    // apiservice.InternalPolicyLocal / ExternalPolicyLocal (the latter only for externally
    // accessible Service types).
    const internalLocal = service.internalTrafficPolicy === 'Local';
    const externalLocal = service.externalTrafficPolicy === 'Local' && (service.type === 'NodePort' || service.type === 'LoadBalancer');
    // UsesClusterEndpoints: even with eTP Local, external traffic from pods and the node is
    // short-circuited to the cluster chain. UsesLocalEndpoints needs an external way in for eTP.
    const usesClusterEndpoints = !internalLocal || externallyAccessible;
    const usesLocalEndpoints = internalLocal || (externalLocal && externallyAccessible);
    const { clusterEndpoints, localEndpoints, reachableEndpoints, hasEndpoints } = categorizeEndpoints(sp, nodeName, usesClusterEndpoints, usesLocalEndpoints);
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints;
    const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints;
    const internalTrafficChain = internalLocal ? localPolicyChain : clusterPolicyChain;
    const hasInternalEndpoints = hasEndpoints && (!internalLocal || localEndpoints.length > 0);
    const hasExternalEndpoints = hasEndpoints && (!externalLocal || localEndpoints.length > 0);
    const extChain = externalChain(spn, protocol);
    const usesExternalTrafficChain = hasEndpoints && externallyAccessible;
    const filterTarget = !hasEndpoints ? 'REJECT' : 'DROP';
    const filterComment = !hasEndpoints ? `${spn} has no endpoints` : `${spn} has no local endpoints`;
    const portMatch = ['-m', protocol, '-p', protocol];
    const clusterIPMatch = [...portMatch, '-d', service.clusterIP, '--dport', String(sp.port.port)];

    if (hasInternalEndpoints) {
      rule('nat', 'KUBE-SERVICES', '-m', 'comment', '--comment', `${spn} cluster IP`, ...clusterIPMatch, '-j', internalTrafficChain);
    } else {
      rule('filter', 'KUBE-SERVICES', '-m', 'comment', '--comment', filterComment, ...clusterIPMatch, '-j', filterTarget);
    }

    if (nodePort !== null) {
      if (hasEndpoints) {
        // localhostNodePorts (default true, IPv4) with the nfacct counter: count NodePort hits on 127.0.0.0/8.
        rule(
          'nat',
          'KUBE-NODEPORTS',
          ...['-m', 'comment', '--comment', spn, ...portMatch, '-d', '127.0.0.0/8', '--dport', String(nodePort)],
          ...['-m', 'nfacct', '--nfacct-name', LOCALHOST_NODEPORT_ACCEPTED_NFACCT, '-j', extChain],
        );
        rule('nat', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', spn, ...portMatch, '--dport', String(nodePort), '-j', extChain);
      }
      if (!hasExternalEndpoints) {
        rule(
          'filter',
          'KUBE-EXTERNAL-SERVICES',
          ...['-m', 'comment', '--comment', filterComment, '-m', 'addrtype', '--dst-type', 'LOCAL'],
          ...[...portMatch, '--dport', String(nodePort), '-j', filterTarget],
        );
      }
    }

    if (hasInternalEndpoints) {
      const args = ['-m', 'comment', '--comment', `${spn} cluster IP`, ...clusterIPMatch];
      if (cluster.proxy.masqueradeAll) {
        rule('nat', internalTrafficChain, ...args, '-j', 'KUBE-MARK-MASQ');
      } else if (cluster.proxy.clusterCIDR !== null) {
        // Masquerade off-cluster traffic to a service VIP (the local-traffic detector).
        rule('nat', internalTrafficChain, ...args, '!', '-s', cluster.proxy.clusterCIDR, '-j', 'KUBE-MARK-MASQ');
      }
    }

    if (usesExternalTrafficChain) {
      natChains.push(extChain);
      if (!externalLocal) {
        rule('nat', extChain, '-m', 'comment', '--comment', `masquerade traffic for ${spn} external destinations`, '-j', 'KUBE-MARK-MASQ');
      } else {
        if (cluster.proxy.clusterCIDR !== null) {
          rule('nat', extChain, '-m', 'comment', '--comment', `pod traffic for ${spn} external destinations`, '-s', cluster.proxy.clusterCIDR, '-j', clusterPolicyChain);
        }
        rule('nat', extChain, '-m', 'comment', '--comment', `masquerade LOCAL traffic for ${spn} external destinations`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'KUBE-MARK-MASQ');
        rule('nat', extChain, '-m', 'comment', '--comment', `route LOCAL traffic for ${spn} external destinations`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', clusterPolicyChain);
      }
      if (hasExternalEndpoints) rule('nat', extChain, '-j', externalLocal ? localPolicyChain : clusterPolicyChain);
    }

    if (usesClusterPolicyChain) {
      natChains.push(clusterPolicyChain);
      writeServiceToEndpointRules(sp, clusterPolicyChain, clusterEndpoints);
    }
    if (usesLocalPolicyChain) {
      natChains.push(localPolicyChain);
      writeServiceToEndpointRules(sp, localPolicyChain, localEndpoints);
    }

    for (const ep of reachableEndpoints) {
      const chain = endpointChain(spn, protocol, ep.key);
      natChains.push(chain);
      rule('nat', chain, ...comment(spn), '-s', ep.ip, '-j', 'KUBE-MARK-MASQ');
      const affinity = service.sessionAffinity === 'ClientIP' ? ['-m', 'recent', '--name', chain, '--set'] : [];
      rule('nat', chain, ...comment(spn), ...affinity, '-m', protocol, '-p', protocol, '-j', 'DNAT', '--to-destination', ep.key);
    }
  }

  function writeServiceToEndpointRules(sp: ProxyServicePort, svcChain: string, endpoints: readonly ProxyEndpoint[]): void {
    const protocol = sp.protocol.toLowerCase();
    const sticky = stickySeconds(sp.service);
    if (sticky !== null) {
      for (const ep of endpoints) {
        const chain = endpointChain(sp.spn, protocol, ep.key);
        rule('nat', svcChain, ...comment(`${sp.spn} -> ${ep.key}`), '-m', 'recent', '--name', chain, '--rcheck', '--seconds', String(sticky), '--reap', '-j', chain);
      }
    }
    endpoints.forEach((ep, i) => {
      const statistic = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', kubeProxyProbability(endpoints.length - i)] : [];
      rule('nat', svcChain, ...comment(`${sp.spn} -> ${ep.key}`), ...statistic, '-j', endpointChain(sp.spn, protocol, ep.key));
    });
  }

  // The tail call to KUBE-NODEPORTS must be the last rule of KUBE-SERVICES.
  rule('nat', 'KUBE-SERVICES', '-m', 'comment', '--comment', 'kubernetes service nodeports; NOTE: this must be the last rule in this chain', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'KUBE-NODEPORTS');

  // Written unless nf_conntrack_tcp_be_liberal is set; with the nfacct counter it also counts the drops.
  rule('filter', 'KUBE-FORWARD', '-m', 'conntrack', '--ctstate', 'INVALID', '-m', 'nfacct', '--nfacct-name', CT_STATE_INVALID_DROPPED_NFACCT, '-j', 'DROP');
  rule('filter', 'KUBE-FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
  rule('filter', 'KUBE-FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding conntrack rule', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  return { filterChains, filterRules, natChains, natRules };
}
