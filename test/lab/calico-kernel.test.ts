// Calico's same-node plumbing on a real kernel, checked against the simulator. Built in anonymous
// network namespaces (unshare -n; nothing is registered in /var/run/netns and nothing touches the
// host's network): a node namespace with two cali veths (MAC ee:ee:ee:ee:ee:ee, proxy_arp=1,
// proxy_delay=0), a /32 route per pod, ip_forward=1 and a default route out of an eth0 that leads
// nowhere; two pod namespaces with the pod's /32 on eth0 and only the 169.254.1.1 routes. pod-a
// connects to pod-c's 10.244.1.5:8080; the kernel's answers are compared with the simulator's
// calico-ipip same-node-pod-ip trace: who answers ARP for 169.254.1.1 and with which MAC, and the
// SYN as pod-c receives it (MACs, TTL).
//
// Found on the way (and now said in the trace): proxy ARP only answers for 169.254.1.1 when the node
// has a route for it through another interface (its default route); without one, the pod's ARP
// stays INCOMPLETE.
//
// This kernel has no ipip module, so tunl0 cannot be built here; IPIP stays checked against
// Calico's sources and issues only (see the report in docs/design.md).

import { spawnSync } from 'node:child_process';
import { platform } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { withCni } from '../../src/core/cluster/variants.js';
import { caliVethName } from '../../src/core/cni/calico/names.js';
import { SCENARIOS } from '../../src/core/scenarios.js';
import { simulate } from '../../src/core/trace.js';

process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
const tools = ['unshare', 'nsenter', 'tcpdump', 'ip', 'bash', 'timeout'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const skip = platform() !== 'linux' ? 'not Linux' : !root ? 'not root' : missing.length > 0 ? `missing ${missing.join(', ')}` : null;

const cluster = withCni(BUILTIN_CLUSTER, 'calico-ipip');
const pod = (name: string) => cluster.pods.find((p) => p.name === name)!;

function script(): string {
  const a = pod('pod-a');
  const c = pod('pod-c');
  const va = caliVethName(a.namespace, a.name);
  const vc = caliVethName(c.namespace, c.name);
  return `
set -u
unshare -n sleep 60 & H=$!
unshare -n sleep 60 & A=$!
unshare -n sleep 60 & C=$!
trap 'kill $H $A $C 2>/dev/null' EXIT
sleep 0.3
h() { nsenter -t $H -n "$@"; }
h ip link set lo up
h ip link add eth0 type veth peer name eth0p
h ip link set eth0 up; h ip link set eth0p up
h ip addr add 192.168.1.11/24 dev eth0
h ip route add default via 192.168.1.1 dev eth0
h sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
for spec in "$A ${va} ${a.ip} ${a.mac}" "$C ${vc} ${c.ip} ${c.mac}"; do
  set -- $spec
  h ip link add $2 type veth peer name eth0 netns $1
  h ip link set $2 address ee:ee:ee:ee:ee:ee
  h ip link set $2 up
  h sh -c "echo 1 > /proc/sys/net/ipv4/conf/$2/proxy_arp; echo 0 > /proc/sys/net/ipv4/neigh/$2/proxy_delay"
  h ip route add $3 dev $2 scope link
  nsenter -t $1 -n sh -c "ip link set lo up; ip link set eth0 address $4; ip addr add $3/32 dev eth0; ip link set eth0 up; ip route add 169.254.1.1 dev eth0 scope link; ip route add default via 169.254.1.1 dev eth0"
done
sleep 1
nsenter -t $C -n timeout 6 tcpdump -tnnev -i eth0 -c 1 'tcp[tcpflags] & tcp-syn != 0 and dst port 8080' > /tmp/kpt-calico-cap.$$ 2>/dev/null &
sleep 1.5
nsenter -t $A -n timeout 2 bash -c 'echo > /dev/tcp/${c.ip}/8080' 2>/dev/null
sleep 1
echo "NEIGH $(nsenter -t $A -n ip neigh show 169.254.1.1)"
echo "CAPTURE $(tr '\\n' ' ' < /tmp/kpt-calico-cap.$$)"
rm -f /tmp/kpt-calico-cap.$$
`;
}

describe.skipIf(skip !== null)(`Calico same-node plumbing on a real kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('proxy ARP answers 169.254.1.1 with ee:ee:ee:ee:ee:ee, and pod-c gets the SYN routed (TTL 63), as the simulator says', () => {
    const s = SCENARIOS['same-node-pod-ip'];
    const r = simulate(cluster, s.request, s.options);
    if (!r.ok) throw new Error(r.error.message);
    const send = r.trace.hops[0]!;
    const deliver = r.trace.hops.filter((h) => h.direction === 'request').at(-1)!;

    const run = spawnSync('bash', ['-c', script()], { encoding: 'utf8', timeout: 30000 });
    const out = run.stdout;
    const neigh = /^NEIGH (.*)$/m.exec(out)?.[1] ?? '';
    const capture = /^CAPTURE (.*)$/m.exec(out)?.[1] ?? '';
    expect(neigh, out + run.stderr).toMatch(new RegExp(`^169\\.254\\.1\\.1 dev eth0 lladdr ${send.packet.dstMac} (REACHABLE|STALE|DELAY)`));
    const m = /^(\S+) > (\S+), ethertype IPv4 \(0x0800\), length \d+: \(tos 0x0, ttl (\d+),.*?\)\s+(\S+) > (\S+): Flags \[S\]/.exec(capture);
    expect(m, capture + run.stderr).not.toBeNull();
    const [, srcMac, dstMac, ttl, src, dst] = m!;
    expect([srcMac, dstMac, Number(ttl), dst]).toEqual([deliver.packet.srcMac, deliver.packet.dstMac, deliver.packet.ttl, deliver.packet.dst.replace(':', '.')]);
    expect(src!.startsWith(`${pod('pod-a').ip}.`)).toBe(true);
  });
});
