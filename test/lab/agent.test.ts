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
});
