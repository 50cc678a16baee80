import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, runCli } from '../support/run-cli.js';
import pkg from '../../package.json' with { type: 'json' };

describe('command line', () => {
  it('prints --version and --help', () => {
    expect(runCli(['--version'])).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    for (const word of ['trace', 'rules', 'lesson', '--cluster', '--seed', '--endpoint', '--format']) expect(help.stdout).toContain(word);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['trace', '--frob'], /unknown option --frob/],
    [['trace', '--seed', 'abc'], /--seed "abc": expected a whole number/],
    [['trace', '--proto', 'icmp'], /--proto "icmp" is not one of: tcp, udp/],
    [['trace', '--scenario', 'nope'], /--scenario "nope" is not one of/],
    [['trace', '--from', 'nobody'], /--from: no pod "nobody"/],
    [['trace', '--endpoint', '10.9.9.9'], /--endpoint: 10\.9\.9\.9 is not an endpoint of default\/myapp/],
    [['trace', '--to', 'myapp:99999'], /the port must be a number from 1 to 65535/],
    [['trace', '--from', 'external', '--to', 'myapp'], /--to: an outside client does not use the cluster's DNS: give --to NODE_IP:NODEPORT/],
    [['trace', '--from', 'external', '--to', '10.96.1.20:80'], /--to: an outside client reaches the cluster through a node's address: 10\.96\.1\.20 is not a node's InternalIP/],
    [['trace', '--from', 'external', '--to', '192.168.1.11'], /--to: 192\.168\.1\.11 is node-1's address: give the port too/],
    [['trace', '--from', 'external/10.1.2.3', '--to', '192.168.1.11:30080'], /--from: external\/10\.1\.2\.3 is not on the nodes' network \(192\.168\.1\.0\/24\)/],
    [['trace', '--from', 'external/192.168.1.12', '--to', '192.168.1.11:30080'], /--from: external\/192\.168\.1\.12 is a node's/],
    [['trace', '--from', 'node/node-9'], /--from: no node "node-9" in built-in \(nodes: node-1, node-2\)/],
    [['trace', '--from', 'node/node-1', '--to', 'myapp'], /--to: node\/node-1 resolves names with its node's \/etc\/resolv.conf, not CoreDNS/],
    [['rules', '--node', 'node-9'], /--node "node-9": no such node \(nodes: node-1, node-2\)/],
    [['rules', '--format', 'xml'], /--format "xml" is not one of: save, restore/],
    [['rules', '--from', 'pod-a'], /--from does not apply to "rules"/],
    [['trace', '--cluster', '/nonexistent/cluster.yaml'], /cannot read --cluster \/nonexistent\/cluster.yaml: no such file/],
    [['lesson', '99'], /there is no lesson 99/],
    [['lesson', 'one'], /expected a lesson number/],
    [['trace', '--proxy-mode', 'nft'], /--proxy-mode "nft" is not one of/],
    [['trace', '--cni', 'bridge'], /--cni bridge is not simulated yet; flannel-vxlan, flannel-host-gw, calico-bgp, calico-ipip and calico-vxlan are$/m],
    [['rules', '--cni', 'bridge'], /--cni bridge is not simulated yet/m],
    [['trace', '--cni', 'calico-ipip,calico-vxlan'], /--cni "calico-ipip,calico-vxlan" is not one of/],
    [['trace', '--compare', 'cni', '--cni', 'calico-ipip,calico-ipip'], /--compare cni needs two different data planes/],
    [['trace', '--compare', 'cni', '--cni', 'a,b,c'], /--compare cni takes one data plane or two, as A,B/],
    [['trace', '--compare', 'cni', '--cni', 'calico-ipip,nope'], /--cni "nope" is not one of/],
    [['trace', '--compare', 'cni', '--cni', 'flannel-vxlan'], /the built-in cluster already runs flannel-vxlan; give two data planes, as A,B/],
    [['trace', '--compare', 'proxy-mode', '--proxy-mode', 'ipvs'], /--compare proxy-mode traces iptables and ipvs mode itself; leave out --proxy-mode/],
    [['lessons', '--proxy-mode', 'ipvs'], /--proxy-mode ipvs applies to "trace", "rules" and "lab" only/],
    [['trace', '--compare', 'calico'], /--compare "calico" is not one of: cni, proxy-mode/],
    [['trace', '--compare', 'cni', '--cluster', 'test/fixtures/clusters/two-node-flannel.yaml', '--from', 'pod-a', '--to', '10.0.0.1'], /--compare cni replays the built-in cluster/],
    [['rules', '--compare', 'cni'], /--compare does not apply to "rules"/],
    [['lessons', '--cni', 'flannel-host-gw'], /--cni flannel-host-gw applies to "trace", "rules" and "lab" only/],
    [['trace', '--cni', 'flannel-host-gw', '--cluster', 'test/fixtures/clusters/two-node-flannel.yaml', '--from', 'pod-a', '--to', '10.0.0.1'], /--cni flannel-host-gw: .* runs flannel-vxlan; --cni changes the built-in cluster only/],
  ])('%j exits 2 with one line', (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('traces the source text example by default', () => {
    const r = runCli(['trace']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Trace: default/pod-a → myapp.default.svc.cluster.local (TCP)');
    expect(r.stdout).toContain('DNAT 10.96.1.20:80 → 10.244.2.6:8080 by nat KUBE-SEP-');
    expect(r.stdout).toContain('un-DNAT 10.244.2.6:8080 → 10.96.1.20:80 by conntrack');
    expect(r.stdout).toMatch(/outer UDP 192\.168\.1\.11:\d+ → 192\.168\.1\.12:8472 VNI 1/);
    expect(r.stdout).toContain('Verdict: delivered');
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints the Trace JSON with the stable fields', () => {
    const r = runCli(['trace', '--json']);
    expect(r.status).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.request).toEqual({ from: 'default/pod-a', to: 'myapp.default.svc.cluster.local', proto: 'TCP' });
    expect(t.dns.queries.at(-2)).toEqual({ name: 'myapp.default.svc.cluster.local.', type: 'A', rcode: 'NOERROR', answer: '10.96.1.20' });
    expect(t.verdict).toBe('delivered');
    expect(t.reason).toBeNull();
    for (const h of t.hops) {
      for (const key of ['index', 'direction', 'node', 'netns', 'device', 'component', 'action', 'packet', 'rewrite', 'conntrack']) expect(h).toHaveProperty(key);
      for (const key of ['src', 'dst', 'proto', 'srcMac', 'dstMac', 'ttl', 'outer']) expect(h.packet).toHaveProperty(key);
    }
    const dnat = t.hops.find((h: { rewrite: { kind: string } | null }) => h.rewrite?.kind === 'DNAT');
    expect(dnat.rewrite).toMatchObject({ kind: 'DNAT', from: '10.96.1.20:80', to: '10.244.2.6:8080', table: 'nat' });
    expect(dnat.rewrite.chain).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(dnat.rewrite.rule).toBe(`-A ${dnat.rewrite.chain} -m comment --comment default/myapp -m tcp -p tcp -j DNAT --to-destination 10.244.2.6:8080`);
    const encap = t.hops.find((h: { packet: { outer: unknown } }) => h.packet.outer !== null);
    expect(encap.packet.outer).toMatchObject({ src: '192.168.1.11', dst: '192.168.1.12', proto: 'UDP', dport: 8472, vni: 1 });
  });

  it('traces --cni flannel-host-gw: routed over eth0, no outer header, un-DNAT on node-1 (reference 6.5)', () => {
    const r = runCli(['trace', '--cni', 'flannel-host-gw', '--json']);
    expect(r.status).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.verdict).toBe('delivered');
    for (const h of t.hops) expect(h.packet.outer).toBeNull();
    expect(t.hops.some((h: { action: string }) => h.action.includes('"10.244.2.0/24 via 192.168.1.12 dev eth0"'))).toBe(true);
    expect(t.hops.find((h: { rewrite: { kind: string } | null }) => h.rewrite?.kind === 'un-DNAT').node).toBe('node-1');
    const text = runCli(['trace', '--cni', 'flannel-host-gw']);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toMatch(/outer UDP/);
    for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(runCli(['trace', '--cni', 'flannel-vxlan', '--json']).stdout).toBe(runCli(['trace', '--json']).stdout);
  });

  it('rules --cni flannel-host-gw prints the same iptables (flanneld installs its chains for every backend)', () => {
    const hg = runCli(['rules', '--cni', 'flannel-host-gw', '--json']);
    expect(hg.status).toBe(0);
    expect(JSON.parse(hg.stdout).text).toBe(JSON.parse(runCli(['rules', '--json']).stdout).text);
  });

  it('traces the failure scenarios on their own cluster variants', () => {
    const brnf = JSON.parse(runCli(['trace', '--scenario', 'no-br-netfilter', '--json']).stdout);
    expect(brnf).toMatchObject({ scenario: 'no-br-netfilter', verdict: 'rejected', outcome: 'reset' });
    expect(brnf.reason).toContain('kubernetes/kubernetes#122174');
    const port = JSON.parse(runCli(['trace', '--scenario', 'wrong-targetport', '--json']).stdout);
    expect(port).toMatchObject({ scenario: 'wrong-targetport', verdict: 'rejected', outcome: 'reset', endpoint: '10.244.2.6:80' });
    const text = runCli(['trace', '--scenario', 'wrong-targetport']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Connection refused');
  });

  it('trace --compare cni aligns VXLAN and host-gw hop by hop (text within 80 columns, and JSON)', () => {
    const text = runCli(['trace', '--compare', 'cni']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Compare --cni: A = flannel-vxlan, B = flannel-host-gw');
    expect(text.stdout).toMatch(/^A 09 -- {2}node-1 {2}\[encap\]$/m);
    expect(text.stdout).toMatch(/^~ 10 09 {2}node-1 {2}\[wire\] {2}differs: macs, outer$/m);
    expect(text.stdout).toContain('4 only in A, 0 only in B');
    for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const json = JSON.parse(runCli(['trace', '--compare', 'cni', '--json']).stdout);
    expect(json.compare).toBe('cni');
    expect(json.choices).toEqual(['flannel-vxlan', 'flannel-host-gw']);
    expect(json.traces).toHaveLength(2);
    expect(json.traces[0].hops.some((h: { packet: { outer: unknown } }) => h.packet.outer !== null)).toBe(true);
    expect(json.traces[1].hops.every((h: { packet: { outer: unknown } }) => h.packet.outer === null)).toBe(true);
    expect(json.alignment[0]).toEqual({ a: 1, b: 1, differences: [] });
    const scen = runCli(['trace', '--compare', 'cni', '--scenario', 'pod-ip', '--ascii']);
    expect(scen.status).toBe(0);
    expect(scen.stdout).toContain('[decap]');
    expect(scen.stdout).not.toMatch(/[^\x00-\x7f]/);
  });

  it('traces --cni calico-* (reference 7): ee:ee:ee:ee:ee:ee gateway, tunl0 / vxlan.calico / eth0 by mode', () => {
    const ipip = JSON.parse(runCli(['trace', '--cni', 'calico-ipip', '--json']).stdout);
    expect(ipip.verdict).toBe('delivered');
    expect(ipip.hops[0].packet.dstMac).toBe('ee:ee:ee:ee:ee:ee');
    expect(ipip.hops.find((h: { step: string }) => h.step === 'encap').packet.outer).toMatchObject({ proto: 'IPIP', src: '192.168.1.11', dst: '192.168.1.12' });
    // IP-in-IP has no ports and no VNI: the text says so instead of printing null.
    const ipipText = runCli(['trace', '--cni', 'calico-ipip']).stdout;
    expect(ipipText).toContain('outer IPIP (IP protocol 4) 192.168.1.11 → 192.168.1.12  ttl 63');
    expect(ipipText).not.toMatch(/null|undefined/);
    const vx = JSON.parse(runCli(['trace', '--cni', 'calico-vxlan', '--json']).stdout);
    expect(vx.hops.find((h: { step: string }) => h.step === 'encap').packet.outer).toMatchObject({ proto: 'UDP', dport: 4789, vni: 4096 });
    const text = runCli(['trace', '--cni', 'calico-bgp']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('via 192.168.1.12 dev eth0 proto bird');
    for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const np = JSON.parse(runCli(['trace', '--scenario', 'networkpolicy-deny', '--json']).stdout);
    expect(np).toMatchObject({ scenario: 'networkpolicy-deny', verdict: 'dropped', outcome: 'dropped' });
  });

  it('rules --cni calico-ipip: Felix chains in iptables-save form, then the node\'s ip route as comments', () => {
    const r = runCli(['rules', '--cni', 'calico-ipip']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully');
    expect(r.stdout).toContain('# 10.244.2.0/26 via 192.168.1.12 dev tunl0 proto bird onlink');
    expect(r.stdout).toContain('# blackhole 10.244.1.0/26 proto bird');
    expect(r.stdout).toMatch(/^# Note: Felix starts every rule with a comment "cali:"/m);
    const json = JSON.parse(runCli(['rules', '--cni', 'calico-vxlan', '--node', 'node-2', '--json']).stdout);
    expect(json.routes).toContain('10.244.1.0/26 via 10.244.1.0 dev vxlan.calico proto 80 onlink');
    expect(json.notes.some((n: string) => n.includes('NOTRACK'))).toBe(true);
  });

  it('trace --compare cni --cni A,B compares two data planes; one --cni compares it with flannel-vxlan', () => {
    const json = JSON.parse(runCli(['trace', '--compare', 'cni', '--cni', 'calico-ipip,calico-vxlan', '--json']).stdout);
    expect(json.choices).toEqual(['calico-ipip', 'calico-vxlan']);
    expect(json.traces[0].hops.find((h: { step: string }) => h.step === 'encap').device).toBe('tunl0');
    expect(json.traces[1].hops.find((h: { step: string }) => h.step === 'encap').device).toBe('vxlan.calico');
    const text = runCli(['trace', '--compare', 'cni', '--cni', 'calico-bgp']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Compare --cni: A = flannel-vxlan, B = calico-bgp');
    for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('the same seed gives the same trace, and seeds reach both endpoints', () => {
    const a = runCli(['trace', '--json', '--seed', '7']).stdout;
    expect(runCli(['trace', '--json', '--seed', '7']).stdout).toBe(a);
    const endpoints = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.parse(runCli(['trace', '--json', '--seed', String(s)]).stdout).endpoint));
    expect(endpoints).toEqual(new Set(['10.244.1.5:8080', '10.244.2.6:8080']));
  });

  it('reports rejected and NXDOMAIN outcomes with exit 0', () => {
    const refused = JSON.parse(runCli(['trace', '--scenario', 'no-endpoints', '--json']).stdout);
    expect(refused).toMatchObject({ verdict: 'rejected', outcome: 'rejected' });
    expect(refused.hops.some((h: { step: string }) => h.step === 'reject')).toBe(true);
    const nx = JSON.parse(runCli(['trace', '--to', 'myap', '--json']).stdout);
    expect(nx).toMatchObject({ verdict: 'rejected', outcome: 'nxdomain', hops: [] });
  });

  it('prints iptables-save and the restore input', () => {
    const save = runCli(['rules']);
    expect(save.status).toBe(0);
    expect(save.stdout).toMatch(/^# Generated by iptables-save v1\.8\.9 \(nf_tables\) on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\*filter\n/);
    expect(save.stdout).toContain('-A KUBE-SERVICES -d 10.96.1.20/32 -p tcp -m comment --comment "default/myapp cluster IP" -m tcp --dport 80 -j KUBE-SVC-XJWXQFJLXSXKRMSG');
    expect(save.stdout).toContain('-A KUBE-SERVICES -d 10.96.1.30/32 -p tcp -m comment --comment "default/myapp-v2 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable');
    expect(save.stdout).toContain('--probability 0.50000000000');
    const restore = runCli(['rules', '--format', 'restore', '--node', 'node-2']);
    expect(restore.stdout).toMatch(/^\*filter\n:KUBE-SERVICES - \[0:0\]\n/);
    expect(restore.stdout).toContain('-A KUBE-SVC-XJWXQFJLXSXKRMSG -m comment --comment "default/myapp -> 10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-WLYVOW5B34UXGTXE');
    expect(restore.stdout).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000');
  });

  it('prints the tour as text when stdin is not a terminal', () => {
    const r = runCli([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Lessons:');
    expect(r.stdout).toMatch(/ 1\. /);
    expect(r.stdout).toMatch(/11\. Bonus: /);
    expect(r.stdout).toMatch(/^kube-packet-tour \S+: not a terminal, so here is the tour as text\./);
  });

  // util-linux `script` gives the CLI a pseudo-terminal, so only CI keeps the tour plain.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript && !process.env.CI)('on a terminal with CI set, says that CI is why the tour is text', () => {
    const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI}`, '/dev/null'], { encoding: 'utf8', input: '', env: { ...process.env, CI: '1', NO_COLOR: '' }, timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('CI is set (CI=1; unset it for the interactive tour), so here is the tour as text.');
  });
});
