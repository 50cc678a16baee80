import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { podResolvConf } from '../../../src/core/dns/resolv-conf.js';
import { DNS_CLUSTER, pod, withNodeSearch } from './fixtures.js';

describe('podResolvConf (ClusterFirst)', () => {
  it('writes the kubeadm file for pod-a in namespace default (search, nameserver, options, as containerd writes it)', () => {
    const conf = podResolvConf(BUILTIN_CLUSTER, pod(BUILTIN_CLUSTER, 'default', 'pod-a'));
    expect(conf.text).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    expect(conf.nameservers).toEqual(['10.96.0.10']);
    expect(conf.search).toEqual(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    expect(conf.ndots).toBe(5);
    expect(conf.options).toEqual(['ndots:5']);
    expect(conf.policy).toBe('ClusterFirst');
    expect(conf.nameserverUnknown).toBe(false);
    expect(conf.dropped).toEqual([]);
  });

  it.each([
    { ns: 'default', name: 'pod-a', first: 'default.svc.cluster.local' },
    { ns: 'kube-system', name: 'coredns-7c65d6cfc9-4xk2p', first: 'kube-system.svc.cluster.local' },
    { ns: 'kube-system', name: 'tools', first: 'kube-system.svc.cluster.local' },
  ])('the first search domain follows the pod namespace: $ns/$name', ({ ns, name, first }) => {
    const conf = podResolvConf(DNS_CLUSTER, pod(DNS_CLUSTER, ns, name));
    expect(conf.search[0]).toBe(first);
    expect(conf.search.slice(1)).toEqual(['svc.cluster.local', 'cluster.local']);
  });

  it.each([
    { nodeSearch: ['example.com'], expected: ['example.com'] },
    // trailing dots trimmed (parseResolvConf), duplicates of the cluster's domains and of each other removed
    { nodeSearch: ['cluster.local', 'example.com.', 'example.com', 'corp.internal'], expected: ['example.com', 'corp.internal'] },
    { nodeSearch: ['svc.cluster.local.', 'lan'], expected: ['lan'] },
  ])('appends the node search domains $nodeSearch after the cluster three', ({ nodeSearch, expected }) => {
    const cluster = withNodeSearch(BUILTIN_CLUSTER, nodeSearch);
    const conf = podResolvConf(cluster, pod(cluster, 'default', 'pod-a'));
    expect(conf.search).toEqual(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', ...expected]);
    expect(conf.text.split('\n')[0]).toBe(`search ${conf.search.join(' ')}`);
  });

  it('keeps at most 32 search paths and drops any longer than 253 characters', () => {
    const long = `${'x'.repeat(250)}.com`;
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const cluster = withNodeSearch(BUILTIN_CLUSTER, [long, ...many]);
    const conf = podResolvConf(cluster, pod(cluster, 'default', 'pod-a'));
    expect(conf.search).toHaveLength(31); // 32 kept by count, then the over-long one removed
    expect(conf.search.slice(3, 5)).toEqual(['d0.example', 'd1.example']);
    expect(conf.dropped).toContain(long);
    expect(conf.dropped).toContain('d39.example');
    expect(conf.search).not.toContain('d28.example');
  });

  it('uses the model ndots and nameserver', () => {
    const cluster = { ...BUILTIN_CLUSTER, dns: { ...BUILTIN_CLUSTER.dns, ndots: 2, nameserver: '10.32.0.10' } };
    const conf = podResolvConf(cluster, pod(cluster, 'default', 'pod-a'));
    expect(conf.text).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.32.0.10\noptions ndots:2\n');
  });
});

describe('podResolvConf (hostNetwork falls back to Default)', () => {
  it('uses the node search list, an unknown nameserver and the resolver default ndots', () => {
    const cluster = withNodeSearch(DNS_CLUSTER, ['example.com.']);
    const conf = podResolvConf(cluster, pod(cluster, 'default', 'host-agent'));
    expect(conf.policy).toBe('Default');
    expect(conf.nameserverUnknown).toBe(true);
    expect(conf.nameservers).toEqual([]);
    expect(conf.search).toEqual(['example.com']);
    expect(conf.ndots).toBe(1);
    expect(conf.text).toContain('search example.com\n');
    expect(conf.text).not.toContain('nameserver 10.96.0.10');
    expect(conf.text).not.toContain('cluster.local');
  });
});
