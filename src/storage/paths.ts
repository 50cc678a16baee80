// Where progress lives. KUBE_PACKET_TOUR_CONFIG_DIR overrides everything (tests, e2e, a class
// machine); otherwise the platform's config directory, as conf's default (env-paths) computes it:
// $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Preferences on macOS, %APPDATA% on Windows,
// each with the directory "kube-packet-tour-nodejs".

import { homedir } from 'node:os';
import path from 'node:path';

export const PROJECT_NAME = 'kube-packet-tour';
export const CONFIG_DIR_ENV = 'KUBE_PACKET_TOUR_CONFIG_DIR';
export const PROGRESS_FILE = 'progress.json';

export function defaultConfigDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const name = `${PROJECT_NAME}-nodejs`;
  if (platform === 'darwin') return path.join(home, 'Library', 'Preferences', name);
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), name, 'Config');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), name);
}

/** The directory the CLI keeps progress in. */
export function progressDir(env: Readonly<Record<string, string | undefined>>): string {
  const override = env[CONFIG_DIR_ENV];
  return override !== undefined && override !== '' ? path.resolve(override) : defaultConfigDir(env);
}
