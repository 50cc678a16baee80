// Why lab verify cannot verify kube-proxy's IPVS mode on this kernel, in one sentence. Facts are
// gathered by readIpvsFacts (files only: no module is loaded); ipvsRefusal says why. The lab does
// not build IPVS virtual servers yet, so there is always a reason: with IPVS, it is the lab's own gap.

import { readModuleFacts, type ModuleFacts } from './kernel-config.js';

/** loaded: /proc/net/ip_vs exists; config: CONFIG_IP_VS. */
export type IpvsFacts = ModuleFacts;

export function ipvsRefusal(f: IpvsFacts): string {
  const cannot = `IPVS mode cannot be verified on this kernel (${f.kernel})`;
  if (f.loaded) return `this kernel (${f.kernel}) has IPVS, but lab verify does not build IPVS virtual servers yet, so it cannot verify --proxy-mode ipvs; trace --proxy-mode ipvs shows the simulation.`;
  if (f.config === 'n') return `${cannot}: it was built without IPVS (CONFIG_IP_VS is not set in /proc/config.gz), so there is no ip_vs module to load and /proc/net/ip_vs does not exist.`;
  if (f.config === 'm' && !f.modulesDir) return `${cannot}: IPVS is a module (CONFIG_IP_VS=m) but /lib/modules/${f.kernel} is missing, so ip_vs cannot be loaded (/proc/net/ip_vs does not exist).`;
  if (f.config === 'm') return `${cannot}: the ip_vs module is not loaded (/proc/net/ip_vs does not exist); run "modprobe ip_vs" as root and try again.`;
  return `${cannot}: /proc/net/ip_vs does not exist, so the ip_vs module is not loaded${f.modulesDir ? ' (try "modprobe ip_vs" as root)' : ` and /lib/modules/${f.kernel} is missing to load it from`}.`;
}

export function readIpvsFacts(): IpvsFacts {
  return readModuleFacts('/proc/net/ip_vs', 'CONFIG_IP_VS');
}
