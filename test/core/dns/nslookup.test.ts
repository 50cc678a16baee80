import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { digShortOutput, nslookupOutput, podNslookup } from '../../../src/core/dns/nslookup.js';
import { DNS_CLUSTER, pod } from './fixtures.js';

const podA = pod(BUILTIN_CLUSTER, 'default', 'pod-a');

describe('nslookupOutput', () => {
  it.each([
    {
      what: 'dnsutils answer (reference 8(d)): the server address first, the answer after Name:',
      args: ['10.96.0.10', 'myapp.default.svc.cluster.local.', ['10.96.1.20'], 'dnsutils', {}] as const,
      out: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tmyapp.default.svc.cluster.local\nAddress: 10.96.1.20\n',
    },
    {
      what: 'dnsutils headless Service: one Name/Address pair per record',
      args: ['10.96.0.10', 'db.default.svc.cluster.local', ['10.244.1.7', '10.244.2.8'], 'dnsutils', {}] as const,
      out:
        'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n' +
        'Name:\tdb.default.svc.cluster.local\nAddress: 10.244.1.7\nName:\tdb.default.svc.cluster.local\nAddress: 10.244.2.8\n',
    },
    {
      what: 'dnsutils NXDOMAIN names the name as typed',
      args: ['10.96.0.10', 'nosuch.default.svc.cluster.local.', [], 'dnsutils', { query: 'nosuch' }] as const,
      out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nosuch: NXDOMAIN\n",
    },
    {
      what: 'dnsutils NXDOMAIN is the default when there are no answers',
      args: ['10.96.0.10', 'nosuch.default.svc.cluster.local', [], 'dnsutils', {}] as const,
      out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nosuch.default.svc.cluster.local: NXDOMAIN\n",
    },
    {
      what: 'dnsutils NODATA',
      args: ['10.96.0.10', 'default.svc.cluster.local.', [], 'dnsutils', { rcode: 'NOERROR' }] as const,
      out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n*** Can't find default.svc.cluster.local: No answer\n",
    },
    {
      what: 'dnsutils non-authoritative answer',
      args: ['10.96.0.10', 'example.com', ['93.184.216.34'], 'dnsutils', { authoritative: false }] as const,
      out: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nNon-authoritative answer:\nName:\texample.com\nAddress: 93.184.216.34\n',
    },
    {
      what: 'busybox 1.28 answer with reverse names (reference 1.8)',
      args: [
        '10.96.0.10',
        'myapp.default.svc.cluster.local.',
        ['10.96.1.20'],
        'busybox',
        { query: 'myapp', ptr: { '10.96.0.10': 'kube-dns.kube-system.svc.cluster.local', '10.96.1.20': 'myapp.default.svc.cluster.local' } },
      ] as const,
      out:
        'Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n' +
        'Name:      myapp\nAddress 1: 10.96.1.20 myapp.default.svc.cluster.local\n',
    },
    {
      what: 'busybox 1.28 without reverse names',
      args: ['10.32.0.10', 'kubernetes', ['10.32.0.1'], 'busybox', {}] as const,
      out: 'Server:    10.32.0.10\nAddress 1: 10.32.0.10\n\nName:      kubernetes\nAddress 1: 10.32.0.1\n',
    },
    {
      what: 'busybox 1.28 failure',
      args: ['10.32.0.10', 'kubernetes', [], 'busybox', {}] as const,
      out: "Server:    10.32.0.10\nAddress 1: 10.32.0.10\n\nnslookup: can't resolve 'kubernetes'\n",
    },
  ])('$what', ({ args, out }) => {
    const [server, fqdn, answers, flavour, options] = args;
    expect(nslookupOutput(server, fqdn, answers, flavour, options)).toBe(out);
  });
});

describe('podNslookup', () => {
  it.each([
    {
      name: 'myapp',
      flavour: 'dnsutils',
      out: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tmyapp.default.svc.cluster.local\nAddress: 10.96.1.20\n',
    },
    {
      name: 'myapp.default.svc.cluster.local',
      flavour: 'dnsutils',
      out: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tmyapp.default.svc.cluster.local\nAddress: 10.96.1.20\n',
    },
    { name: 'nosuch', flavour: 'dnsutils', out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nosuch: NXDOMAIN\n" },
    // bind's nslookup stops on NODATA (it only moves on after NXDOMAIN)
    { name: 'default', flavour: 'dnsutils', out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n*** Can't find default.svc.cluster.local: No answer\n" },
    {
      name: '10.96.1.20',
      flavour: 'dnsutils',
      out: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n20.1.96.10.in-addr.arpa\tname = myapp.default.svc.cluster.local.\n',
    },
    { name: '10.244.1.10', flavour: 'dnsutils', out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find 10.1.244.10.in-addr.arpa: NXDOMAIN\n" },
    {
      name: 'myapp',
      flavour: 'busybox',
      out:
        'Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n' +
        'Name:      myapp\nAddress 1: 10.96.1.20 myapp.default.svc.cluster.local\n',
    },
    {
      name: 'db',
      flavour: 'busybox',
      out:
        'Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n' +
        'Name:      db\nAddress 1: 10.244.1.7 db-0.db.default.svc.cluster.local\nAddress 2: 10.244.2.8 db-1.db.default.svc.cluster.local\n',
    },
    {
      name: 'pod-a',
      flavour: 'busybox',
      out: 'Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      pod-a\nAddress 1: 10.244.1.10 pod-a\n',
    },
    { name: 'nosuch', flavour: 'busybox', out: "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nnslookup: can't resolve 'nosuch'\n" },
  ] as const)('$flavour nslookup $name from pod-a', ({ name, flavour, out }) => {
    expect(podNslookup(DNS_CLUSTER, podA, name, flavour)).toBe(out);
  });

  it('has nothing to say for a hostNetwork pod, whose nameserver is not modelled', () => {
    expect(podNslookup(DNS_CLUSTER, pod(DNS_CLUSTER, 'default', 'host-agent'), 'myapp', 'dnsutils')).toBeNull();
  });
});

describe('digShortOutput', () => {
  it.each([
    { answers: ['10.96.1.20'], out: '10.96.1.20\n' },
    { answers: ['10.244.1.7', '10.244.2.8'], out: '10.244.1.7\n10.244.2.8\n' },
    { answers: [], out: '' },
  ])('$answers', ({ answers, out }) => {
    expect(digShortOutput(answers)).toBe(out);
  });
});
