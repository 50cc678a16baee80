// Can this kernel build Calico's IPIP mode (tunl0) for the lab? One sentence when it cannot, naming
// why. Facts are gathered by readIpipFacts (files only: no module is loaded); ipipVerdict decides.
// Calico IPIP needs the kernel's ipip module: loading it creates tunl0, the catch-all IP-in-IP
// device, in every network namespace ("ip link add tunl0 type ipip" fails without it).

import { existsSync } from 'node:fs';
import { kernelConfig, kernelRelease, type ConfigValue } from './kernel-config.js';

export interface IpipFacts {
  readonly kernel: string;
  /** /sys/module/ipip exists: the ipip module is loaded (or built in). */
  readonly moduleLoaded: boolean;
  /** CONFIG_NET_IPIP from /proc/config.gz: 'y', 'm', 'n' (not set), or null when the config is not readable. */
  readonly config: ConfigValue;
  /** /lib/modules/<kernel> exists (a module could be loaded from there). */
  readonly modulesDir: boolean;
}

export type IpipVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function ipipVerdict(f: IpipFacts): IpipVerdict {
  const cannot = `Calico IPIP cannot be verified on this kernel (${f.kernel})`;
  const sim = 'trace --cni calico-ipip shows the simulation';
  if (f.moduleLoaded || f.config === 'y') return { ok: false, reason: `this kernel (${f.kernel}) has the ipip module, but lab verify does not build Calico's tunl0 yet, so it cannot verify --cni calico-ipip; ${sim}.` };
  if (f.config === 'n') return { ok: false, reason: `${cannot}: it was built without IP-in-IP tunnels (CONFIG_NET_IPIP is not set in /proc/config.gz), so there is no ipip module and no tunl0 device; ${sim}.` };
  if (f.config === 'm' && !f.modulesDir) return { ok: false, reason: `${cannot}: IP-in-IP is a module (CONFIG_NET_IPIP=m) but /lib/modules/${f.kernel} is missing, so ipip cannot be loaded and there is no tunl0 device; ${sim}.` };
  if (f.config === 'm') return { ok: false, reason: `${cannot}: the ipip module is not loaded (/sys/module/ipip does not exist); run "modprobe ipip" as root and try again.` };
  return { ok: false, reason: `${cannot}: /sys/module/ipip does not exist, so the ipip module (tunl0) is not loaded${f.modulesDir ? ' (try "modprobe ipip" as root)' : ` and /lib/modules/${f.kernel} is missing to load it from`}; ${sim}.` };
}

export function readIpipFacts(): IpipFacts {
  const kernel = kernelRelease();
  return { kernel, moduleLoaded: existsSync('/sys/module/ipip'), config: kernelConfig('CONFIG_NET_IPIP'), modulesDir: existsSync(`/lib/modules/${kernel}`) };
}
