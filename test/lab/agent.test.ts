// The pod agent's servers and client, run as a plain process on 127.0.0.1 (no namespace, no root).

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHandle } from '../../src/lab/agent-process.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

describe('lab agent', () => {
  let agent: AgentHandle;
  let tcp: number;
  let dns: number;
  beforeAll(async () => {
    tcp = await freePort();
    dns = await freePort();
    agent = AgentHandle.start(null, {
      name: 'pod-b', ip: '127.0.0.1', tcp: [tcp], udp: [dns], dnsPort: dns, bind: '127.0.0.1', daemon: false,
      dns: { 'myapp.default.svc.cluster.local': ['10.96.1.20'] },
    });
    await agent.ready();
  });
  afterAll(async () => {
    await agent.stop();
  });

  it('answers A from the model, NODATA for AAAA of a known name, NXDOMAIN otherwise, and logs each query', async () => {
    const a = await agent.request({ op: 'dns', server: '127.0.0.1', port: dns, localPort: 0, name: 'MyApp.default.svc.cluster.local.', type: 'A' });
    expect(a).toMatchObject({ ok: true, rcode: 'NOERROR', answers: ['10.96.1.20'], from: `127.0.0.1:${dns}` });
    const aaaa = await agent.request({ op: 'dns', server: '127.0.0.1', port: dns, name: 'myapp.default.svc.cluster.local', type: 'AAAA' });
    expect(aaaa).toMatchObject({ ok: true, rcode: 'NOERROR', answers: [] });
    const nx = await agent.request({ op: 'dns', server: '127.0.0.1', port: dns, name: 'myap.default.svc.cluster.local', type: 'A' });
    expect(nx).toMatchObject({ ok: true, rcode: 'NXDOMAIN', answers: [] });
    const logged = agent.events.filter((e) => e.ev === 'dns').map((e) => (e.ev === 'dns' ? `${e.type} ${e.name} ${e.rcode}` : ''));
    expect(logged).toEqual(['A myapp.default.svc.cluster.local NOERROR', 'AAAA myapp.default.svc.cluster.local NOERROR', 'A myap.default.svc.cluster.local NXDOMAIN']);
  });

  it('connects from a chosen port, and reports a refused connection by its errno', async () => {
    const local = await freePort();
    const ok = await agent.request({ op: 'connect', host: '127.0.0.1', port: tcp, localPort: local });
    expect(ok).toMatchObject({ ok: true, local: `127.0.0.1:${local}`, remote: `127.0.0.1:${tcp}` });
    const closed = await freePort();
    expect(await agent.request({ op: 'connect', host: '127.0.0.1', port: closed })).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
  });

  it('keeps one UDP socket across queries (keep), so every datagram leaves from the same port, until close-udp', async () => {
    const local = await freePort();
    const q = { op: 'dns', server: '127.0.0.1', port: dns, localPort: local, name: 'myapp.default.svc.cluster.local', type: 'A', keep: true };
    expect(await agent.request(q)).toMatchObject({ ok: true, answers: ['10.96.1.20'] });
    expect(await agent.request(q)).toMatchObject({ ok: true, answers: ['10.96.1.20'] });
    const remotes = agent.events.filter((e) => e.ev === 'dns').slice(-2).map((e) => (e.ev === 'dns' ? e.remote : ''));
    expect(remotes).toEqual([`127.0.0.1:${local}`, `127.0.0.1:${local}`]);
    expect(await agent.request({ op: 'close-udp', localPort: local })).toMatchObject({ ok: true });
    // Closed: the port is free again for a new socket.
    expect(await agent.request({ ...q, keep: false })).toMatchObject({ ok: true });
  });

  it('fetch: a whole exchange; the server answers "BIG n" with n bytes in one write, and a timeout says how many came', async () => {
    const r = await agent.request({ op: 'fetch', host: '127.0.0.1', port: tcp, localPort: 0, send: 'BIG 1398\n', expect: 1398, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: true, bytes: 1398, connected: true, remote: `127.0.0.1:${tcp}` });
    const short = await agent.request({ op: 'fetch', host: '127.0.0.1', port: tcp, localPort: 0, send: 'BIG 10\n', expect: 20, timeoutMs: 300 });
    expect(short).toMatchObject({ ok: false, code: 'ETIMEDOUT', bytes: 10, connected: true });
  });
});
