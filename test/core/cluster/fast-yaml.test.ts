// The fast kubectl-YAML reader must give exactly what the `yaml` package gives (the fallback, and
// the reference), or step aside ("unsupported") so the `yaml` package handles the text.

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lineInTree, parseKubectlYaml } from '../../../src/core/cluster/fast-yaml.js';
import { generateClusterDump } from '../../support/generate-dump.js';

function reference(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
}

function fast(text: string): unknown[] {
  const r = parseKubectlYaml(text);
  if (r.kind !== 'ok') throw new Error(`fast reader: ${JSON.stringify(r)}`);
  return r.docs.map((d) => d.value);
}

const SUPPORTED: [string, string][] = [
  ['scalars of the core schema', 'a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1.5\nf: .5\ng: 1e3\nh: .inf\ni: -.Inf\nj: true\nk: False\nl: null\nm: ~\nn:\no: "1"\np: yes\nq: 012\nr: 1_000\ns: 10.0.0\nt: 2025-03-02T09:14:27Z\n'],
  ['nested block collections, kubectl style', 'apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    labels:\n      app: web\n    name: w\n  spec:\n    containers:\n    - name: c\n      ports:\n      - containerPort: 80\n        protocol: TCP\n- kind: Node\nkind: List\n'],
  ['empty flow collections and nulls in sequences', 'a: {}\nb: []\nc:\n- {}\n- []\n-\n- x\n'],
  ['nested sequences', 'a:\n- - 1\n  - 2\n- - 3\n'],
  ['sequence indented under its key', 'a:\n  - 1\n  - b: 2\n    c: 3\nd: 4\n'],
  ['single-quoted with doubled quotes and folding', "a: 'it''s: [web]'\nb: '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes\n  are available: 2 No preemption victims.'\n"],
  ['double-quoted escapes and folding', 'a: "tab\\there \\u00e9 \\x41 \\"q\\" \\\\"\nb: "line one\n  line two\n\n  para"\nc: "joined\\\n  here"\n'],
  ['a double-quoted string wrapped by go-yaml (escaped line break, escaped space)', 'a: "config with trailing space \\\n  \\ and more\\n second line   \\nend"\nb: 1\n'],
  ['plain scalars folded over lines', 'description: This is a long line of plain text that goes past eighty columns and\n  so it continues here\n  and here\nnext: 1\n'],
  ['literal block scalars and chomping', 'a: |\n  line 1\n    indented\n\n  line 3\nb: |-\n  no newline\nc: |+\n  keep\n\nd: x\n'],
  ['literal with blank first line', 'a: |\n\n  after blank\n'],
  ['literal with an indentation indicator (go-yaml, text starting with a space)', 'a: |2\n    starts indented\n  then not\nb:\n  c: |4-\n\n          deep\n      shallow\n  e: |2+\n     x\n\nd: 1\n'],
  ['comments everywhere', '# head\na: 1 # trailing\n# between\nb:\n  # inside\n  c: "x" # after quote\nd: http://x#frag\n'],
  ['multiple documents, markers and empty documents', '---\na: 1\n---\n---\nb: 2\n...\n---\n- 3\n'],
  ['quoted keys and keys with dots and slashes', '"quoted key": 1\n\'single\': 2\nkubernetes.io/service-name: web\nflannel.alpha.coreos.com/backend-data: \'{"VNI":1}\'\n'],
  ['CRLF line endings', 'a: 1\r\nb:\r\n- x\r\n- y\r\nc: |\r\n  text\r\n'],
  ['a top-level sequence and a top-level scalar document', '- a\n- b\n---\nplain text\n'],
  ['a document indented as a whole', '  a: 1\n  b:\n    c: 2\n'],
  ['values with colons and hashes that are not syntax', 'image: docker.io/nginx:1.27\nurl: http://a:b@c/#x\nkey: a:b\n'],
  ['an index-like key keeps its value', 'data:\n  b: 1\n  "10": ten\n  a: 2\n'],
  [
    'managedFields keys (kubectl --show-managed-fields)',
    'managedFields:\n- apiVersion: v1\n  fieldsType: FieldsV1\n  fieldsV1:\n    f:metadata:\n      f:labels:\n        .: {}\n        f:app: {}\n    f:spec:\n      f:containers:\n        k:{"name":"web"}:\n          .: {}\n          f:ports:\n            k:{"containerPort":8080,"protocol":"TCP"}:\n              .: {}\n  manager: kubectl-client-side-apply\n  operation: Update\n  time: "2025-03-02T09:16:05Z"\n',
  ],
];

const UNSUPPORTED: [string, string][] = [
  ['anchors and aliases', 'a: &x 1\nb: *x\n'],
  ['flow mappings', 'a: {b: 1}\n'],
  ['flow sequences', 'a: [1, 2]\n'],
  ['tags', 'a: !!str 1\n'],
  ['folded block scalars', 'a: >\n  folded\n'],
  ['an indentation indicator in a sequence', '- |2\n   x\n'],
  ['directives', '%YAML 1.2\n---\na: 1\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['tab indentation', 'a:\n\tb: 1\n'],
  ['bad indentation', 'a:\n    b: 1\n  c: 2\nd: 3\n'],
  ['complex keys', '? a\n: b\n'],
];

describe('parseKubectlYaml', () => {
  it.each(SUPPORTED)('reads %s exactly as the yaml package does', (_name, text) => {
    expect(fast(text)).toEqual(reference(text));
  });

  it.each(UNSUPPORTED)('steps aside for %s', (_name, text) => {
    expect(parseKubectlYaml(text).kind).toBe('unsupported');
  });

  it('gives the same values with or without line bookkeeping', () => {
    for (const [, text] of SUPPORTED) {
      const a = parseKubectlYaml(text, false);
      const b = parseKubectlYaml(text, true);
      if (a.kind !== 'ok' || b.kind !== 'ok') throw new Error('not ok');
      expect(a.docs.map((d) => d.value)).toEqual(b.docs.map((d) => d.value));
      expect(a.docs.every((d) => d.tree === null)).toBe(true);
    }
  });

  it('reads the fixture dumps exactly as the yaml package does', () => {
    for (const f of ['two-node-flannel.yaml', 'multi-doc.yaml']) {
      const text = readFileSync(new URL(`../../fixtures/clusters/${f}`, import.meta.url), 'utf8');
      expect(fast(text)).toEqual(reference(text));
    }
  });

  it('reads generated dumps exactly as the yaml package does', () => {
    for (const seed of [1, 2, 3]) {
      const text = generateClusterDump({ nodes: 3, pods: 30, services: 12, seed });
      expect(fast(text)).toEqual(reference(text));
    }
  });

  it('records the line of every key and item', () => {
    const text = 'apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\n- kind: Pod\n  metadata:\n    labels:\n      "10": x\n      app: web\nkind: List\n';
    const r = parseKubectlYaml(text);
    if (r.kind !== 'ok') throw new Error('not ok');
    const d = r.docs[0];
    if (d === undefined) throw new Error('no doc');
    const at = (path: (string | number)[]): number => lineInTree(d.value, d.tree, d.line, path);
    expect(at([])).toBe(1);
    expect(at(['items'])).toBe(2);
    expect(at(['items', 0])).toBe(3);
    expect(at(['items', 0, 'metadata', 'name'])).toBe(5);
    expect(at(['items', 1, 'metadata', 'labels', 'app'])).toBe(10);
    expect(at(['items', 1, 'metadata', 'labels', '10'])).toBe(9);
    // A missing field: the deepest part that exists.
    expect(at(['items', 1, 'metadata', 'name'])).toBe(7);
    expect(at(['items', 5, 'kind'])).toBe(2);
    expect(at(['kind'])).toBe(11);
  });

  it('reports a file cut inside a quoted string as truncated, at the line the string starts', () => {
    const r = parseKubectlYaml("a: 1\nb: 'never\n  closed\n");
    expect(r).toEqual({ kind: 'error', line: 2, message: 'the file ends inside a single-quoted string that starts here: it looks truncated' });
  });

  it('reports a file cut in the middle of a key as truncated, at its last line', () => {
    const r = parseKubectlYaml('items:\n- kind: Pod\n  metadata:\n    name: a\n  spe');
    expect(r).toEqual({ kind: 'error', line: 5, message: 'the last line is incomplete: the file looks truncated' });
  });
});
