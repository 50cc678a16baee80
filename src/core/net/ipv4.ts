// IPv4 addresses and CIDRs as plain numbers and strings. No node:net: the core stays pure.

import { memoByString } from '../memo.js';

export const parseIPv4 = memoByString(parseIPv4Uncached);

function parseIPv4Uncached(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== null;
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

export const parseCidr = memoByString(parseCidrUncached);

function parseCidrUncached(text: string): Cidr | null {
  const [ip, len, extra] = text.split('/');
  if (ip === undefined || len === undefined || extra !== undefined || !/^\d{1,2}$/.test(len)) return null;
  const addr = parseIPv4(ip);
  const prefix = Number(len);
  if (addr === null || prefix > 32) return null;
  return { base: networkOf(addr, prefix), prefix };
}

function networkOf(addr: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return addr - (addr % size);
}

/** Whether an already parsed address lies in an already parsed CIDR. */
export function cidrHolds(c: Cidr, addr: number): boolean {
  return networkOf(addr, c.prefix) === c.base;
}

export function cidrContains(cidr: string | Cidr, ip: string): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const addr = parseIPv4(ip);
  return c !== null && addr !== null && cidrHolds(c, addr);
}

/** The n-th address of a CIDR (0 is the network address). */
export function cidrHost(cidr: string, n: number): string {
  const c = parseCidr(cidr);
  if (c === null) throw new Error(`not a CIDR: ${cidr}`);
  return formatIPv4(c.base + n);
}

export function cidrNetwork(cidr: string): string {
  return cidrHost(cidr, 0);
}

export function cidrPrefix(cidr: string): number {
  const c = parseCidr(cidr);
  if (c === null) throw new Error(`not a CIDR: ${cidr}`);
  return c.prefix;
}

/** "10.244.1.10:43512" -> { ip, port } */
export function splitHostPort(text: string): { ip: string; port: number | null } {
  const idx = text.lastIndexOf(':');
  if (idx < 0) return { ip: text, port: null };
  return { ip: text.slice(0, idx), port: Number(text.slice(idx + 1)) };
}

export function hostPort(ip: string, port: number | null): string {
  return port === null ? ip : `${ip}:${port}`;
}
