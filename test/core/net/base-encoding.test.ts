// RFC 4648 section 10's test vectors, without the padding (kube-proxy and Felix cut or drop it).

import { describe, expect, it } from 'vitest';
import { base32, base64url } from '../../../src/core/net/base-encoding.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('base encodings', () => {
  it.each([
    ['', '', ''],
    ['f', 'MY', 'Zg'],
    ['fo', 'MZXQ', 'Zm8'],
    ['foo', 'MZXW6', 'Zm9v'],
    ['foob', 'MZXW6YQ', 'Zm9vYg'],
    ['fooba', 'MZXW6YTB', 'Zm9vYmE'],
    ['foobar', 'MZXW6YTBOI', 'Zm9vYmFy'],
  ])('%j: base32 %s, base64url %s', (input, b32, b64) => {
    expect(base32(bytes(input))).toBe(b32);
    expect(base64url(bytes(input))).toBe(b64);
  });

  it('uses the URL-safe alphabet for 62 and 63', () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });
});
