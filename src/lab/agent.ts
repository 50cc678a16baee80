// The program each lab pod runs (node -e, inside the pod's namespace): the servers the pod's
// containers would run, a stand-in CoreDNS for the kube-dns endpoints, and a client the lab
// drives over stdin/stdout with one JSON object a line.
//
// Servers
//   TCP, each listening port: answers an HTTP request with "HTTP/1.0 200 OK" and a greeting, or sends
//        the greeting line when the client says nothing for 300 ms. Reports {"ev":"accept"}.
//   UDP, each listening port: answers a datagram with the greeting.
//   DNS (UDP 53 on the kube-dns endpoints): A records of the cluster's Services (from the model),
//        NOERROR with no answer for other types of a known name, NXDOMAIN otherwise; authoritative,
//        TTL 30, as CoreDNS's kubernetes plugin. Reports {"ev":"dns", ...} for every query.
// Client commands (reply {"id", "ok", ...})
//   {"op":"connect","host","port","localPort"}  a TCP connect(); as soon as it completes (the
//        SYN-ACK arrived) the socket is reset, so the lab sees exactly one SYN and one SYN-ACK.
//   {"op":"lookup","name"}  getaddrinfo (glibc, AF_UNSPEC, no flags): the real resolv.conf search walk.
//   {"op":"dns","server","port","localPort","name","type","keep"}  one DNS query from a chosen port;
//        with keep the socket stays open, and a later query from the same localPort is sent from it
//        (one long-lived UDP socket, as a resolver keeps); {"op":"close-udp","localPort"} closes it.
//   {"op":"fetch","host","port","localPort","send","expect","timeoutMs"}  a whole TCP exchange:
//        connect, write `send`, wait for `expect` bytes; ETIMEDOUT (with the bytes that came) if
//        they do not all arrive in time. A server asked "BIG <n>\n" writes n bytes in one write
//        and keeps the connection open (no FIN in the segment), for the MTU black-hole scenario.
//
// Plain CommonJS in a string: the bundled CLI writes nothing to disk to run it.

export interface AgentConfig {
  readonly name: string;
  readonly ip: string;
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  /** FQDN (lower case, no trailing dot) -> A records; null when the pod is not a DNS server. */
  readonly dns: Readonly<Record<string, readonly string[]>> | null;
  /** Keep running when stdin closes (lab up); otherwise exit with the lab. */
  readonly daemon: boolean;
  /** Bind address for the servers (0.0.0.0 in a pod; tests use 127.0.0.1). */
  readonly bind?: string;
  /** The DNS server's UDP port (53; tests use a free high port). */
  readonly dnsPort?: number;
}

export type AgentEvent =
  | { readonly ev: 'ready'; readonly tcp: readonly number[]; readonly udp: readonly number[] }
  | { readonly ev: 'accept'; readonly local: string; readonly remote: string }
  | { readonly ev: 'dns'; readonly t: string; readonly remote: string; readonly name: string; readonly type: string; readonly rcode: 'NOERROR' | 'NXDOMAIN'; readonly answers: readonly string[] }
  | { readonly ev: 'error'; readonly message: string };

export interface AgentReply {
  readonly id: number;
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly local?: string;
  readonly remote?: string;
  readonly addresses?: readonly { address: string; family: number }[];
  readonly rcode?: string;
  readonly answers?: readonly string[];
  readonly from?: string;
  /** fetch: the bytes that arrived, and whether the handshake completed. */
  readonly bytes?: number;
  readonly connected?: boolean;
}

export const AGENT_SOURCE = String.raw`
'use strict';
const net = require('node:net');
const dgram = require('node:dgram');
const dns = require('node:dns');
const cfg = JSON.parse(process.env.KPT_AGENT);
const out = (o) => { try { process.stdout.write(JSON.stringify(o) + '\n'); } catch {} };
// Under lab up the lab closes its end of our stdout and leaves: keep serving.
process.stdout.on('error', () => {});
const bind = cfg.bind || '0.0.0.0';
const TYPES = { 1: 'A', 28: 'AAAA', 5: 'CNAME', 12: 'PTR', 33: 'SRV', 16: 'TXT', 6: 'SOA', 2: 'NS' };
const TYPE_CODES = { A: 1, AAAA: 28 };

function readName(buf, off) {
  const labels = [];
  let jumped = false, end = off, guard = 0;
  while (guard++ < 128) {
    const len = buf[off];
    if (len === undefined) throw new Error('truncated name');
    if ((len & 0xc0) === 0xc0) { if (!jumped) end = off + 2; off = ((len & 0x3f) << 8) | buf[off + 1]; jumped = true; continue; }
    if (len === 0) { if (!jumped) end = off + 1; break; }
    labels.push(buf.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  return { name: labels.join('.'), end };
}

function encodeName(name) {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  const bufs = parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')]));
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

function answerQuery(msg) {
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const q = readName(msg, 12);
  const qtype = msg.readUInt16BE(q.end);
  const question = msg.subarray(12, q.end + 4);
  const name = q.name.toLowerCase();
  const records = Object.prototype.hasOwnProperty.call(cfg.dns, name) ? cfg.dns[name] : null;
  const rcode = records === null ? 3 : 0;
  const answers = records !== null && qtype === 1 ? records : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, the query's opcode, AA, the query's RD; RA clear (CoreDNS does not recurse for the cluster zone).
  header.writeUInt16BE(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const rrs = answers.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(1, 2); rr.writeUInt16BE(1, 4); rr.writeUInt32BE(30, 6); rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
    return rr;
  });
  return { reply: Buffer.concat([header, question, ...rrs]), name, type: TYPES[qtype] || String(qtype), rcode: rcode === 3 ? 'NXDOMAIN' : 'NOERROR', answers };
}

function greeting(remote) { return 'hello from ' + cfg.name + ' (' + cfg.ip + '); you are ' + remote + '\n'; }

const pending = [];
function listenTcp(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => {
      const remote = sock.remoteAddress + ':' + sock.remotePort;
      out({ ev: 'accept', local: sock.localAddress + ':' + sock.localPort, remote });
      sock.on('error', () => {});
      let done = false;
      const t = setTimeout(() => { if (!done) { done = true; sock.end(greeting(remote)); } }, 300);
      sock.once('data', (d) => {
        if (done) return;
        done = true; clearTimeout(t);
        const big = /^BIG (\d+)\r?\n/.exec(d.toString('latin1'));
        if (big) {
          // One write of exactly n bytes, no end(): a FIN would ride on the segment; the lab closes.
          sock.write(Buffer.alloc(Math.min(Number(big[1]), 65536), 0x78));
          setTimeout(() => sock.destroy(), 5000).unref();
          return;
        }
        const text = greeting(remote);
        if (/^[A-Z]+ \S+ HTTP\/1/.test(d.toString('latin1'))) sock.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ' + Buffer.byteLength(text) + '\r\n\r\n' + text);
        else sock.end(text);
      });
    });
    srv.on('error', reject);
    srv.listen(port, bind, () => resolve());
  });
}

function listenUdp(port) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.on('message', (msg, rinfo) => {
      const remote = rinfo.address + ':' + rinfo.port;
      if (cfg.dns && port === (cfg.dnsPort || 53)) {
        let a;
        try { a = answerQuery(msg); } catch (e) { out({ ev: 'error', message: 'bad DNS query from ' + remote + ': ' + e.message }); return; }
        // Logged before the answer leaves, with the host's monotonic clock, so the lab can order
        // the queries of several servers.
        out({ ev: 'dns', t: process.hrtime.bigint().toString(), remote, name: a.name, type: a.type, rcode: a.rcode, answers: a.answers });
        s.send(a.reply, rinfo.port, rinfo.address);
      } else {
        s.send(Buffer.from(greeting(remote)), rinfo.port, rinfo.address);
      }
    });
    s.bind(port, bind, () => resolve());
  });
}

function reply(o) { out(o); }

function doConnect(c) {
  const sock = net.connect({ host: c.host, port: c.port, localPort: c.localPort || undefined });
  const timer = setTimeout(() => { sock.destroy(); reply({ id: c.id, ok: false, code: 'ETIMEDOUT' }); }, c.timeoutMs || 3000);
  sock.once('connect', () => {
    clearTimeout(timer);
    const r = { id: c.id, ok: true, local: sock.localAddress + ':' + sock.localPort, remote: sock.remoteAddress + ':' + sock.remotePort };
    if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy(); else sock.destroy();
    reply(r);
  });
  sock.once('error', (e) => { clearTimeout(timer); reply({ id: c.id, ok: false, code: e.code, message: e.message }); });
}

function doLookup(c) {
  dns.lookup(c.name, { all: true, family: 0, hints: 0, verbatim: true }, (err, addresses) => {
    if (err) reply({ id: c.id, ok: false, code: err.code, message: err.message });
    else reply({ id: c.id, ok: true, addresses });
  });
}

const udpSockets = new Map();
function doDns(c) {
  let s = c.localPort ? udpSockets.get(c.localPort) : undefined;
  const fresh = s === undefined;
  if (fresh) {
    s = dgram.createSocket('udp4');
    s.kptWaiting = new Map();
    s.on('error', (e) => { for (const [, w] of s.kptWaiting) w.fail(e); s.kptWaiting.clear(); try { s.close(); } catch {} udpSockets.delete(c.localPort); });
    s.on('message', (msg, rinfo) => {
      const w = s.kptWaiting.get(msg.readUInt16BE(0));
      if (w) w.done(msg, rinfo);
    });
    if (c.keep && c.localPort) udpSockets.set(c.localPort, s);
  }
  const qid = Math.floor(Math.random() * 65536);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(qid, 0); header.writeUInt16BE(0x0100, 2); header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4); tail.writeUInt16BE(TYPE_CODES[c.type] || 1, 0); tail.writeUInt16BE(1, 2);
  const query = Buffer.concat([header, encodeName(c.name), tail]);
  const finish = () => { s.kptWaiting.delete(qid); if (!udpSockets.has(c.localPort) || udpSockets.get(c.localPort) !== s) { try { s.close(); } catch {} } };
  const timer = setTimeout(() => { finish(); reply({ id: c.id, ok: false, code: 'ETIMEDOUT' }); }, c.timeoutMs || 3000);
  s.kptWaiting.set(qid, {
    fail: (e) => { clearTimeout(timer); reply({ id: c.id, ok: false, code: e.code, message: e.message }); },
    done: (msg, rinfo) => {
      clearTimeout(timer);
      const rcode = msg.readUInt16BE(2) & 15;
      const an = msg.readUInt16BE(6);
      let off = readName(msg, 12).end + 4;
      const answers = [];
      for (let i = 0; i < an; i++) {
        off = readName(msg, off).end;
        const type = msg.readUInt16BE(off); const len = msg.readUInt16BE(off + 8);
        if (type === 1 && len === 4) answers.push([...msg.subarray(off + 10, off + 14)].join('.'));
        off += 10 + len;
      }
      finish();
      reply({ id: c.id, ok: true, rcode: rcode === 3 ? 'NXDOMAIN' : rcode === 0 ? 'NOERROR' : String(rcode), answers, from: rinfo.address + ':' + rinfo.port });
    },
  });
  const send = () => s.send(query, c.port, c.server);
  if (fresh) s.bind(c.localPort || 0, send); else send();
}

function doCloseUdp(c) {
  const s = udpSockets.get(c.localPort);
  udpSockets.delete(c.localPort);
  if (s) { try { s.close(); } catch {} }
  reply({ id: c.id, ok: true });
}

function doFetch(c) {
  const sock = net.connect({ host: c.host, port: c.port, localPort: c.localPort || undefined });
  let got = 0;
  let connected = false;
  let over = false;
  const end = (r) => {
    if (over) return;
    over = true; clearTimeout(timer);
    if (typeof sock.resetAndDestroy === 'function' && connected) sock.resetAndDestroy(); else sock.destroy();
    reply(Object.assign({ id: c.id, bytes: got, connected }, r));
  };
  const timer = setTimeout(() => end({ ok: false, code: 'ETIMEDOUT' }), c.timeoutMs || 3000);
  sock.once('connect', () => {
    connected = true;
    sock.write(c.send || '');
  });
  sock.on('data', (d) => {
    got += d.length;
    if (got >= (c.expect || 1)) end({ ok: true, remote: sock.remoteAddress + ':' + sock.remotePort });
  });
  sock.once('error', (e) => end({ ok: false, code: e.code, message: e.message }));
}

let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    if (!line.trim()) continue;
    let c;
    try { c = JSON.parse(line); } catch { continue; }
    if (c.op === 'connect') doConnect(c);
    else if (c.op === 'lookup') doLookup(c);
    else if (c.op === 'dns') doDns(c);
    else if (c.op === 'close-udp') doCloseUdp(c);
    else if (c.op === 'fetch') doFetch(c);
    else if (c.op === 'exit') process.exit(0);
    else reply({ id: c.id, ok: false, code: 'EINVAL', message: 'unknown op ' + c.op });
  }
});
process.stdin.on('end', () => { if (!cfg.daemon) process.exit(0); });
process.stdin.on('error', () => { if (!cfg.daemon) process.exit(0); });
process.on('SIGTERM', () => process.exit(0));

Promise.all([...cfg.tcp.map(listenTcp), ...cfg.udp.map(listenUdp)]).then(
  () => out({ ev: 'ready', tcp: cfg.tcp, udp: cfg.udp }),
  (e) => { out({ ev: 'error', message: 'listen: ' + e.message }); process.exit(3); },
);
`;
