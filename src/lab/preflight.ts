// Can this machine build the lab? Linux, root, the tools on PATH. One sentence when it cannot.

import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian/Ubuntu packages that provide each tool the lab runs. */
export const LAB_TOOLS: readonly { readonly tool: string; readonly pkg: string }[] = [
  { tool: 'ip', pkg: 'iproute2' },
  { tool: 'bridge', pkg: 'iproute2' },
  { tool: 'iptables', pkg: 'iptables' },
  { tool: 'iptables-save', pkg: 'iptables' },
  { tool: 'iptables-restore', pkg: 'iptables' },
  { tool: 'tcpdump', pkg: 'tcpdump' },
  { tool: 'conntrack', pkg: 'conntrack' },
  { tool: 'nfacct', pkg: 'nfacct' },
];

export const LAB_APT_PACKAGES = [...new Set(LAB_TOOLS.map((t) => t.pkg))];

export interface PreflightEnv {
  readonly platform: NodeJS.Platform;
  readonly uid: number | null;
  readonly path: string;
  /** Whether a file exists and is executable (injected for tests). */
  readonly isExecutable?: (file: string) => boolean;
}

export function currentEnv(): PreflightEnv {
  return { platform: process.platform, uid: typeof process.getuid === 'function' ? process.getuid() : null, path: process.env.PATH ?? '' };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findTool(tool: string, env: PreflightEnv): string | null {
  const check = env.isExecutable ?? executable;
  // sbin is not on every user's PATH; the tools live there on Debian.
  const dirs = [...env.path.split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs) {
    if (d === '') continue;
    const f = join(d, tool);
    if (check(f)) return f;
  }
  return null;
}

export type Preflight = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly missing: readonly string[] };

/** Everything the lab needs; the reason is one sentence saying what is missing and how to get it. */
export function preflight(env: PreflightEnv = currentEnv()): Preflight {
  if (env.platform !== 'linux') {
    return { ok: false, reason: `the lab needs Linux (network namespaces, veth, VXLAN, iptables); this is ${env.platform}.`, missing: [] };
  }
  if (env.uid !== 0) {
    return { ok: false, reason: 'the lab needs root to create network namespaces: run it with sudo (it never touches the host\'s own network).', missing: [] };
  }
  const missing = LAB_TOOLS.filter((t) => findTool(t.tool, env) === null);
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((t) => t.pkg))];
    return {
      ok: false,
      reason: `the lab needs ${missing.map((t) => t.tool).join(', ')}: install them with \`apt-get install -y ${pkgs.join(' ')}\` (Debian/Ubuntu).`,
      missing: missing.map((t) => t.tool),
    };
  }
  if (!existsSync('/proc/sys/net/bridge')) {
    return { ok: false, reason: 'the lab needs the br_netfilter kernel module (bridged pod traffic through iptables): run `modprobe br_netfilter`.', missing: ['br_netfilter'] };
  }
  return { ok: true };
}
