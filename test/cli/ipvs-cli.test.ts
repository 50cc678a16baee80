import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('--proxy-mode ipvs on the command line', () => {
  it('rules prints ipvsadm -Ln, kube-ipvs0, ipset save and iptables-save, each under its command', () => {
    const r = runCli(['rules', '--proxy-mode', 'ipvs', '--node', 'node-2']);
    expect(r.status).toBe(0);
    const headers = r.stdout.split('\n').filter((l) => /^# (ipvsadm|ip |ipset|iptables-save -t)/.test(l));
    expect(headers).toEqual(['# ipvsadm -Ln', '# ip -4 addr show kube-ipvs0', '# ipset save', '# iptables-save -t filter; iptables-save -t nat']);
    expect(r.stdout).toContain('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n');
    expect(r.stdout).toContain('add KUBE-LOOP-BACK 10.244.2.6,tcp:8080,10.244.2.6');
    expect(r.stdout).not.toContain('KUBE-SVC-');
  });

  it('rules --format restore is kube-proxy\'s iptables-restore input, nat first', () => {
    const r = runCli(['rules', '--proxy-mode', 'ipvs', '--format', 'restore']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('*nat\n')).toBe(true);
    expect(r.stdout).toContain('COMMIT\n*filter\n');
  });

  it('trace --proxy-mode ipvs: IPVS DNATs and un-DNATs', () => {
    const r = runCli(['trace', '--proxy-mode', 'ipvs']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('DNAT 10.96.1.20:80 → 10.244.2.6:8080 by ipvs TCP 10.96.1.20:80 rr');
    expect(r.stdout).toContain('un-DNAT 10.244.2.6:8080 → 10.96.1.20:80 by ipvs TCP 10.96.1.20:80 rr');
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('the Trace says which kube-proxy mode it was simulated in', () => {
  it('proxyMode in --json, and a line under the title in IPVS mode', () => {
    expect(JSON.parse(runCli(['trace', '--json']).stdout).proxyMode).toBe('iptables');
    expect(JSON.parse(runCli(['trace', '--json', '--proxy-mode', 'ipvs']).stdout).proxyMode).toBe('ipvs');
    expect(runCli(['trace', '--proxy-mode', 'ipvs']).stdout.split('\n')[1]).toBe('kube-proxy: IPVS mode (kube-ipvs0, IPVS virtual services, ipsets)');
  });
  it.each(['host-network-clusterip', 'stale-udp-conntrack', 'networkpolicy-deny'])('trace --proxy-mode ipvs --scenario %s: not modelled, so exit 2 with one line', (name) => {
    const r = runCli(['trace', '--proxy-mode', 'ipvs', '--scenario', name]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--proxy-mode:');
  });

  it.each(['nodeport-external', 'nodeport-local', 'nodeport-local-no-endpoint', 'session-affinity', 'headless', 'internal-local', 'internal-local-no-endpoint'])('trace --proxy-mode ipvs --scenario %s runs', (name) => {
    const r = runCli(['trace', '--proxy-mode', 'ipvs', '--scenario', name, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).proxyMode).toBe('ipvs');
  });
});
