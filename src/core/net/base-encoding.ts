// RFC 4648 encodings without padding, as Go's base32.StdEncoding (kube-proxy's chain names, which
// cut the result short, so padding never shows) and base64.RawURLEncoding (Felix's hashed names).

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Emits `bitsPerChar` bits at a time, most significant first; the last group is padded with zero bits. */
function encode(bytes: Uint8Array, alphabet: string, bitsPerChar: number): string {
  const mask = (1 << bitsPerChar) - 1;
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= bitsPerChar) {
      out += alphabet[(value >>> (bits - bitsPerChar)) & mask];
      bits -= bitsPerChar;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (bitsPerChar - bits)) & mask];
  return out;
}

export function base32(bytes: Uint8Array): string {
  return encode(bytes, BASE32, 5);
}

export function base64url(bytes: Uint8Array): string {
  return encode(bytes, BASE64URL, 6);
}
