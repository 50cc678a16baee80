// Why lab verify cannot verify Calico's IPIP mode (tunl0) on this kernel, in one sentence. Facts are
// gathered by readIpipFacts (files only: no module is loaded); ipipRefusal says why.
// Calico IPIP needs the kernel's ipip module: loading it creates tunl0, the catch-all IP-in-IP
// device, in every network namespace ("ip link add tunl0 type ipip" fails without it). The lab does
// not build tunl0 yet, so there is always a reason: with the module, it is the lab's own gap.

import { readModuleFacts, type ModuleFacts } from './kernel-config.js';

/** loaded: /sys/module/ipip exists; config: CONFIG_NET_IPIP. */
export type IpipFacts = ModuleFacts;

export function ipipRefusal(f: IpipFacts): string {
  const cannot = `Calico IPIP cannot be verified on this kernel (${f.kernel})`;
  const sim = 'trace --cni calico-ipip shows the simulation';
  if (f.loaded || f.config === 'y') return `this kernel (${f.kernel}) has the ipip module, but lab verify does not build Calico's tunl0 yet, so it cannot verify --cni calico-ipip; ${sim}.`;
  if (f.config === 'n') return `${cannot}: it was built without IP-in-IP tunnels (CONFIG_NET_IPIP is not set in /proc/config.gz), so there is no ipip module and no tunl0 device; ${sim}.`;
  if (f.config === 'm' && !f.modulesDir) return `${cannot}: IP-in-IP is a module (CONFIG_NET_IPIP=m) but /lib/modules/${f.kernel} is missing, so ipip cannot be loaded and there is no tunl0 device; ${sim}.`;
  if (f.config === 'm') return `${cannot}: the ipip module is not loaded (/sys/module/ipip does not exist); run "modprobe ipip" as root and try again.`;
  return `${cannot}: /sys/module/ipip does not exist, so the ipip module (tunl0) is not loaded${f.modulesDir ? ' (try "modprobe ipip" as root)' : ` and /lib/modules/${f.kernel} is missing to load it from`}; ${sim}.`;
}

export function readIpipFacts(): IpipFacts {
  return readModuleFacts('/sys/module/ipip', 'CONFIG_NET_IPIP');
}
