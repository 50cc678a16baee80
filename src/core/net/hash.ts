// Small non-cryptographic hashes for deterministic naming (not for kube-proxy's chain names,
// which use SHA-256: see proxy/chain-names.ts).

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
