// What the running kernel says about itself, from files only (nothing is loaded): its release, the
// build options in /proc/config.gz, and whether a module is there. The lab's feature checks
// (ipvs-support, ipip-support) read their facts with readModuleFacts.

import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** 'y' built in, 'm' a module, 'n' not set, null when /proc/config.gz is not readable (CONFIG_IKCONFIG_PROC off). */
export type ConfigValue = 'y' | 'm' | 'n' | null;

function kernelRelease(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

let configText: string | null | undefined;

function readConfig(): string | null {
  if (configText === undefined) {
    try {
      configText = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
    } catch {
      configText = null;
    }
  }
  return configText;
}

/** One option of the kernel's build configuration, e.g. kernelConfig('CONFIG_IP_VS'). */
function kernelConfig(option: string): ConfigValue {
  const text = readConfig();
  if (text === null) return null;
  if (new RegExp(`^${option}=y$`, 'm').test(text)) return 'y';
  if (new RegExp(`^${option}=m$`, 'm').test(text)) return 'm';
  if (new RegExp(`^# ${option} is not set$`, 'm').test(text)) return 'n';
  return null;
}

/** What the kernel offers for one feature that may be a module (IPVS, IP-in-IP). */
export interface ModuleFacts {
  readonly kernel: string;
  /** The file the loaded (or built-in) module creates exists: /proc/net/ip_vs, /sys/module/ipip. */
  readonly loaded: boolean;
  /** The feature's CONFIG_ option from /proc/config.gz: 'y', 'm', 'n' (not set), or null when the config is not readable. */
  readonly config: ConfigValue;
  /** /lib/modules/<kernel> exists (a module could be loaded from there). */
  readonly modulesDir: boolean;
}

export function readModuleFacts(loadedMarker: string, option: string): ModuleFacts {
  const kernel = kernelRelease();
  return { kernel, loaded: existsSync(loadedMarker), config: kernelConfig(option), modulesDir: existsSync(`/lib/modules/${kernel}`) };
}
