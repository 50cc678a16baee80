// The bundled lessons and diagrams: they load, they validate, and their facts match the built-in
// cluster the simulator uses.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { cidrHost, cidrNetwork } from '../../src/core/net/ipv4.js';
import { endpointChain, serviceChain, servicePortName } from '../../src/core/proxy/chain-names.js';
import {
  LAYOUT,
  SEED_SECTIONS,
  artLines,
  getLesson,
  loadLessons,
  pageRows,
  plainText,
  textWidth,
  type Block,
  type Lesson,
} from '../../src/content/index.js';
import { DIAGRAM_SOURCES, LESSON_SOURCES, checkLessons } from '../../src/content/check.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lessons = loadLessons();
const blocks = (lesson: Lesson): Block[] => lesson.pages.flatMap((p) => [...p.blocks]);
const allBlocks = lessons.flatMap(blocks);

describe('the bundled lessons', () => {
  it('loads eleven lessons, numbered 1 to 11, ten core and one bonus', () => {
    expect(lessons.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(lessons.filter((l) => l.bonus).map((l) => l.id)).toEqual([11]);
    expect(getLesson(6)?.slug).toBe('cross-node');
    expect(getLesson(12)).toBeUndefined();
  });

  it('has no parse or validation problems', () => {
    const problems = checkLessons().map((p) => `${p.file}:${p.line ?? '-'}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  it('bundles exactly the files in lessons/', () => {
    const onDisk = readdirSync(`${root}lessons`).filter((f) => f.endsWith('.md')).sort();
    expect(LESSON_SOURCES.map((s) => s.file).sort()).toEqual(onDisk);
    for (const source of LESSON_SOURCES) {
      expect(source.text, source.file).toBe(readFileSync(`${root}lessons/${source.file}`, 'utf8'));
    }
  });

  it('has complete front matter', () => {
    for (const lesson of lessons) {
      expect(lesson.title, lesson.file).not.toBe('');
      expect(lesson.objectives.length, lesson.file).toBeGreaterThanOrEqual(2);
      expect(lesson.objectives.length, lesson.file).toBeLessThanOrEqual(4);
      expect(SEED_SECTIONS, lesson.file).toContain(lesson.seedSection);
      expect(lesson.minutes, lesson.file).toBeGreaterThan(0);
      expect(lesson.file).toBe(`${String(lesson.id).padStart(2, '0')}-${lesson.slug}.md`);
    }
  });

  it('covers every section of the source text, in order', () => {
    const core = lessons.filter((l) => !l.bonus).map((l) => l.seedSection);
    expect(core).toEqual(SEED_SECTIONS.slice(1, 11));
    expect(getLesson(11)?.seedSection).toBe(SEED_SECTIONS[11]);
  });

  it('has at least one sim block in every lesson, and predictions in most', () => {
    for (const lesson of lessons) {
      expect(blocks(lesson).filter((b) => b.kind === 'sim').length, lesson.file).toBeGreaterThanOrEqual(1);
    }
    const withPredict = lessons.filter((l) => blocks(l).some((b) => b.kind === 'predict'));
    expect(withPredict.length).toBeGreaterThanOrEqual(9);
  });

  it('fits every page into an 80x24 terminal', () => {
    for (const lesson of lessons) {
      for (const page of lesson.pages) {
        const rows = pageRows(page);
        expect(rows.total, `${lesson.file} page ${page.index + 1}`).toBeLessThanOrEqual(LAYOUT.pageRows);
        expect(rows.prose, `${lesson.file} page ${page.index + 1}`).toBeLessThanOrEqual(LAYOUT.proseRows);
      }
    }
  });

  it('keeps code lines within 76 columns', () => {
    for (const b of allBlocks) {
      if (b.kind !== 'code') continue;
      for (const line of b.lines) expect(textWidth(line), line).toBeLessThanOrEqual(LAYOUT.columns);
    }
  });
});

describe('diagrams', () => {
  const onDisk = readdirSync(`${root}assets/diagrams`).sort();
  const names = [...new Set(onDisk.map((f) => f.replace(/\.(unicode|ascii)\.txt$/, '')))];

  it('come in pairs, and every pair is bundled', () => {
    for (const name of names) {
      expect(onDisk, name).toContain(`${name}.unicode.txt`);
      expect(onDisk, name).toContain(`${name}.ascii.txt`);
    }
    expect(onDisk.every((f) => /^[a-z0-9-]+\.(unicode|ascii)\.txt$/.test(f))).toBe(true);
    expect(Object.keys(DIAGRAM_SOURCES).sort()).toEqual(names);
    for (const name of names) {
      expect(DIAGRAM_SOURCES[name]?.unicode).toBe(readFileSync(`${root}assets/diagrams/${name}.unicode.txt`, 'utf8'));
      expect(DIAGRAM_SOURCES[name]?.ascii).toBe(readFileSync(`${root}assets/diagrams/${name}.ascii.txt`, 'utf8'));
    }
  });

  it('use only 7-bit characters in the ASCII variant', () => {
    for (const name of names) {
      const ascii = readFileSync(`${root}assets/diagrams/${name}.ascii.txt`, 'utf8');
      expect(/^[\x20-\x7e\n]*$/.test(ascii), name).toBe(true);
    }
  });

  it('are at most 76 columns wide and 16 rows tall, in both variants', () => {
    for (const [name, art] of Object.entries(DIAGRAM_SOURCES)) {
      for (const text of [art.unicode, art.ascii]) {
        const lines = artLines(text);
        expect(lines.length, name).toBeGreaterThan(0);
        expect(lines.length, name).toBeLessThanOrEqual(LAYOUT.diagramRows);
        for (const line of lines) expect(textWidth(line), `${name}: ${line}`).toBeLessThanOrEqual(LAYOUT.columns);
      }
    }
  });

  it('draw the same picture in both variants (same rows and widths)', () => {
    for (const [name, art] of Object.entries(DIAGRAM_SOURCES)) {
      const u = artLines(art.unicode);
      const a = artLines(art.ascii);
      expect(a.length, name).toBe(u.length);
      u.forEach((line, k) => expect(textWidth(a[k] ?? ''), `${name} row ${k + 1}`).toBe(textWidth(line)));
    }
  });

  it('named by a lesson exist in both variants; every diagram is used', () => {
    const used = new Set<string>();
    for (const b of allBlocks) {
      if (b.kind !== 'diagram') continue;
      used.add(b.name);
      expect(b.unicode, b.name).not.toBeNull();
      expect(b.ascii, b.name).not.toBeNull();
    }
    expect([...used].sort()).toEqual(names);
  });
});

describe('precision notes', () => {
  const notes = allBlocks.flatMap((b) => (b.kind === 'precision' ? [plainText(b.spans)] : []));
  // Each fact: every pattern must match one and the same precision note.
  const facts: Record<string, RegExp[]> = {
    'Flannel VXLAN uses UDP 8472 on Linux, not 4789': [/\b8472\b/, /\b4789\b/, /Flannel/],
    'pod-to-ClusterIP traffic is not SNATed': [/not SNATed/, /pod IP/],
    'masquerade only for hairpin, off-cluster sources, NodePort/LB, masqueradeAll': [/hairpin/, /outside the cluster CIDR/, /NodePort/, /masqueradeAll/],
    'the reply is un-DNATed by conntrack at POSTROUTING, not reverse SNAT': [/un-DNAT/, /conntrack/, /POSTROUTING/, /reverse SNAT/],
    'kube-proxy is not in the data path': [/kube-proxy is not in the data path/],
    'nslookup: the first Address is the server, the answer is under Name:': [/nslookup/, /server's own address/, /Name:/],
    'CNI plugins are executables run by the container runtime': [/executables/, /container\s+runtime/, /pod sandbox/],
    'only kube-apiserver talks to etcd': [/Only kube-apiserver talks to etcd/],
    'same-node pod-to-pod traffic is bridged, not routed': [/bridged at layer 2/, /cni0/],
    'DNAT happens on the first packet only': [/first packet only/, /conntrack/],
    'kube-proxy watches EndpointSlices; Endpoints deprecated in v1.33': [/EndpointSlices/, /deprecated since Kubernetes v1\.33/],
    'random per connection with --probability 0.5, not round robin': [/--mode random --probability 0\.5/, /not round robin/],
  };
  for (const [fact, patterns] of Object.entries(facts)) {
    it(`state that ${fact}`, () => {
      expect(notes.some((n) => patterns.every((p) => p.test(n)))).toBe(true);
    });
  }
});

describe('facts agree with the built-in cluster', () => {
  it('every IPv4 address in lessons and diagrams belongs to the built-in cluster', () => {
    const known = new Set<string>();
    const c = BUILTIN_CLUSTER;
    for (const n of c.nodes) {
      known.add(n.internalIP);
      known.add(cidrNetwork(n.podCIDR)); // flannel.1's address, the podCIDR itself
      known.add(cidrHost(n.podCIDR, 1)); // cni0
    }
    for (const p of c.pods) if (p.ip !== null) known.add(p.ip);
    for (const s of c.services) known.add(s.clusterIP);
    known.add(cidrNetwork(c.network.podNetwork));
    known.add(cidrNetwork(c.network.serviceCIDR));
    known.add(c.dns.nameserver);

    const texts = [...LESSON_SOURCES.map((s) => [s.file, s.text]), ...Object.entries(DIAGRAM_SOURCES).map(([n, a]) => [n, a.unicode ?? ''])];
    const unknown: string[] = [];
    for (const [where, text] of texts) {
      for (const m of (text ?? '').matchAll(/(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d])/g)) {
        if (!known.has(m[1] as string)) unknown.push(`${where}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every kube-proxy chain name in lessons and diagrams is one kube-proxy computes for the cluster', () => {
    const chains = new Set<string>();
    for (const svc of BUILTIN_CLUSTER.services) {
      const slices = BUILTIN_CLUSTER.endpointSlices.filter((s) => s.namespace === svc.namespace && s.serviceName === svc.name);
      for (const port of svc.ports) {
        const spn = servicePortName(svc.namespace, svc.name, port.name);
        chains.add(serviceChain(spn, port.protocol));
        for (const slice of slices) {
          const slicePort = slice.ports.find((p) => p.name === port.name && p.protocol === port.protocol);
          if (slicePort === undefined) continue;
          for (const ep of slice.endpoints) chains.add(endpointChain(spn, port.protocol, `${ep.ip}:${slicePort.port}`));
        }
      }
    }
    const texts = [...LESSON_SOURCES.map((s) => s.text), ...Object.values(DIAGRAM_SOURCES).map((a) => a.unicode ?? '')];
    const named = texts.flatMap((t) => [...t.matchAll(/KUBE-(?:SVC|SEP)-[A-Z2-7]{16}/g)].map((m) => m[0]));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !chains.has(n))).toEqual([]);
  });

  it("names pod-a's host-side veth as the cluster model does", () => {
    const podA = BUILTIN_CLUSTER.pods.find((p) => p.name === 'pod-a');
    const l03 = LESSON_SOURCES.find((s) => s.file.startsWith('03-'))?.text ?? '';
    const named = [...l03.matchAll(/\bveth[0-9a-f]{8}\b/g)].map((m) => m[0]);
    expect(named).toEqual([podA?.hostVeth]);
  });

  it('uses the VXLAN parameters of the cluster model', () => {
    const { vni, port } = BUILTIN_CLUSTER.network.vxlan;
    expect(port).toBe(8472);
    const l11 = LESSON_SOURCES.find((s) => s.file.startsWith('11-'))?.text ?? '';
    expect(l11).toContain(`vxlan id ${vni} local 192.168.1.11 dev eth0 srcport 0 0 dstport ${port}`);
    expect(l11).toContain(`MTU ${BUILTIN_CLUSTER.network.underlayMtu} - 50 = ${BUILTIN_CLUSTER.network.underlayMtu - 50}`);
  });
});
