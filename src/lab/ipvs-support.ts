// Can this kernel run kube-proxy's IPVS mode for the lab? One sentence when it cannot, naming why.
// Facts are gathered by readIpvsFacts (files only: no module is loaded); ipvsVerdict decides.

import { existsSync } from 'node:fs';
import { kernelConfig, kernelRelease, type ConfigValue } from './kernel-config.js';

export interface IpvsFacts {
  readonly kernel: string;
  /** /proc/net/ip_vs exists: the ip_vs module is loaded (or built in). */
  readonly procIpVs: boolean;
  /** CONFIG_IP_VS from /proc/config.gz: 'y', 'm', 'n' (not set), or null when the config is not readable. */
  readonly config: ConfigValue;
  /** /lib/modules/<kernel> exists (a module could be loaded from there). */
  readonly modulesDir: boolean;
}

export type IpvsVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function ipvsVerdict(f: IpvsFacts): IpvsVerdict {
  const cannot = `IPVS mode cannot be verified on this kernel (${f.kernel})`;
  if (f.procIpVs) return { ok: false, reason: `this kernel (${f.kernel}) has IPVS, but lab verify does not build IPVS virtual servers yet, so it cannot verify --proxy-mode ipvs; trace --proxy-mode ipvs shows the simulation.` };
  if (f.config === 'n') return { ok: false, reason: `${cannot}: it was built without IPVS (CONFIG_IP_VS is not set in /proc/config.gz), so there is no ip_vs module to load and /proc/net/ip_vs does not exist.` };
  if (f.config === 'm' && !f.modulesDir) return { ok: false, reason: `${cannot}: IPVS is a module (CONFIG_IP_VS=m) but /lib/modules/${f.kernel} is missing, so ip_vs cannot be loaded (/proc/net/ip_vs does not exist).` };
  if (f.config === 'm') return { ok: false, reason: `${cannot}: the ip_vs module is not loaded (/proc/net/ip_vs does not exist); run "modprobe ip_vs" as root and try again.` };
  return { ok: false, reason: `${cannot}: /proc/net/ip_vs does not exist, so the ip_vs module is not loaded${f.modulesDir ? ' (try "modprobe ip_vs" as root)' : ` and /lib/modules/${f.kernel} is missing to load it from`}.` };
}

export function readIpvsFacts(): IpvsFacts {
  const kernel = kernelRelease();
  return { kernel, procIpVs: existsSync('/proc/net/ip_vs'), config: kernelConfig('CONFIG_IP_VS'), modulesDir: existsSync(`/lib/modules/${kernel}`) };
}
