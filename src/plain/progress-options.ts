// `kube-packet-tour progress` options (called from cli/options.ts).

import type { Shared } from '../cli/options.js';
import { UsageError } from '../cli/usage-error.js';
import type { OptionValues } from './quiz-options.js';

export interface ProgressCommand {
  readonly kind: 'progress';
  readonly shared: Shared;
  readonly where: boolean;
  /** null: no reset; 'all'; or one lesson. */
  readonly reset: null | 'all' | number;
  readonly yes: boolean;
}

export const PROGRESS_OPTIONS = ['where', 'reset', 'yes'] as const;

export function parseProgressOptions(v: OptionValues, rest: readonly string[], shared: Shared): ProgressCommand {
  const where = v.where === true;
  const resetting = v.reset === true;
  if (!resetting && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (where && resetting) throw new UsageError('--where prints the file; --reset clears it: give one or the other');
  if (v.yes === true && !resetting) throw new UsageError('--yes confirms --reset; add --reset [LESSON]');
  let reset: ProgressCommand['reset'] = null;
  if (resetting) {
    const text = rest[0];
    if (text === undefined) reset = 'all';
    else if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 99) reset = Number(text);
    else throw new UsageError(`--reset ${JSON.stringify(text)}: expected a lesson number, or nothing to reset every lesson`);
  }
  return { kind: 'progress', shared, where, reset, yes: v.yes === true };
}
