// What the live tests run: `kube-packet-tour lab ACTION [--json] [--cluster FILE] [--cni CNI] [--scenario A,B]`, bundled from
// src/lab alone (so another command's work in progress cannot break these tests).

import { loadCluster } from '../../../src/cli/load-cluster.js';
import type { CniKind } from '../../../src/core/cluster/model.js';
import { runLab, type LabAction } from '../../../src/lab/command.js';

const args = process.argv.slice(2);
const action = args[0] as LabAction;
const json = args.includes('--json');
const i = args.indexOf('--cluster');
const cluster = (await loadCluster(i >= 0 ? args[i + 1]! : null)).cluster;
const c = args.indexOf('--cni');
const cni = c >= 0 ? (args[c + 1] as CniKind) : null;
const sc = args.indexOf('--scenario');
const scenarios = sc >= 0 ? args[sc + 1]!.split(',') : null;
process.exitCode = await runLab(action, cluster, {
  write: (s) => process.stdout.write(s),
  writeErr: (s) => process.stderr.write(s),
  width: 100,
  ascii: true,
  json,
  cni,
  scenarios,
});
