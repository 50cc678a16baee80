// --cluster FILE: the only place the CLI reads a cluster from disk.

import { readFileSync } from 'node:fs';
import { BUILTIN_CLUSTER } from '../core/cluster/builtin.js';
import type { ClusterModel } from '../core/cluster/model.js';
import { UsageError } from './usage-error.js';

export interface LoadedCluster {
  readonly cluster: ClusterModel;
  readonly notes: readonly string[];
}

export async function loadCluster(file: string | null): Promise<LoadedCluster> {
  if (file === null) return { cluster: BUILTIN_CLUSTER, notes: [] };
  let text: string;
  try {
    // The reader recognises binary and UTF-16 text itself and says how to fix it, with a line number.
    text = readFileSync(file).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read --cluster ${file}: ${why}`);
  }
  // The YAML reader is loaded only when a file is given: the built-in cluster starts faster.
  const { formatDumpError, readClusterDump } = await import('../core/cluster/reader.js');
  const result = readClusterDump(text, file);
  if (!result.ok) throw new UsageError(formatDumpError(result.error));
  return { cluster: result.cluster, notes: result.notes };
}
