// The command line: parsed once with node:util parseArgs, validated into a typed command.
// Every problem becomes a UsageError with one line that names the option and the bad value.

import { parseArgs } from 'node:util';
import type { CniKind, ProxyMode } from '../core/cluster/model.js';
import type { AnyScenarioName } from '../core/request.js';
import { ALL_SCENARIO_NAMES } from '../core/scenarios.js';
import { UsageError } from './usage-error.js';
import { LAB_SCENARIO_CHOICES } from '../lab/scenario-names.js';
import { parseProgressOptions, PROGRESS_OPTIONS, type ProgressCommand } from '../plain/progress-options.js';
import { parseQuizOptions, QUIZ_OPTIONS, type QuizCommand } from '../plain/quiz-options.js';

export interface Shared {
  readonly cluster: string | null;
  readonly plain: boolean;
  readonly json: boolean;
  readonly color: boolean;
  readonly ascii: boolean;
  readonly screenReader: boolean;
  /** --proxy-mode when given (null: the cluster's own; the built-in cluster runs iptables mode). */
  readonly proxyMode: ProxyMode | null;
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'tour'; readonly shared: Shared }
  | { readonly kind: 'lessons'; readonly shared: Shared }
  | { readonly kind: 'lesson'; readonly lesson: number; readonly shared: Shared }
  | {
      readonly kind: 'trace';
      readonly shared: Shared;
      readonly from: string | null;
      readonly to: string | null;
      readonly proto: 'TCP' | 'UDP';
      readonly scenario: AnyScenarioName | null;
      readonly seed: number | undefined;
      readonly endpoint: string | undefined;
      readonly resolver: 'glibc' | 'musl';
      /** --cni when given (null: the cluster's own). */
      readonly cni: CniKind | null;
      /** --compare: the same request under two choices, aligned hop by hop. */
      readonly compare: 'cni' | 'proxy-mode' | null;
      /** With --compare cni: the two data planes (A, B). */
      readonly compareCnis: readonly [CniKind, CniKind] | null;
    }
  | { readonly kind: 'rules'; readonly shared: Shared; readonly node: string | null; readonly format: 'save' | 'restore'; readonly cni: CniKind | null }
  | { readonly kind: 'lab'; readonly shared: Shared; readonly action: 'verify' | 'up' | 'down'; readonly cni: CniKind | null; readonly scenarios?: readonly string[] | null }
  | QuizCommand
  | ProgressCommand;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  cluster: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  proto: { type: 'string' },
  scenario: { type: 'string' },
  seed: { type: 'string' },
  endpoint: { type: 'string' },
  resolver: { type: 'string' },
  node: { type: 'string' },
  format: { type: 'string' },
  'proxy-mode': { type: 'string' },
  cni: { type: 'string' },
  compare: { type: 'string' },
  json: { type: 'boolean' },
  plain: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  ascii: { type: 'boolean' },
  'screen-reader': { type: 'boolean' },
  lesson: { type: 'string' },
  count: { type: 'string' },
  exam: { type: 'boolean' },
  time: { type: 'string' },
  export: { type: 'string' },
  out: { type: 'string' },
  results: { type: 'string' },
  'retry-missed': { type: 'string' },
  'quiz-format': { type: 'string' },
  where: { type: 'boolean' },
  reset: { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

const COMMANDS = ['lessons', 'lesson', 'trace', 'rules', 'lab', 'quiz', 'progress'] as const;
const LATER: string[] = [];

/** Which options each command accepts (the shared ones are accepted everywhere). */
const SHARED = ['help', 'version', 'cluster', 'proxy-mode', 'cni', 'json', 'plain', 'no-color', 'ascii', 'screen-reader'];
const PER_COMMAND: Record<string, readonly string[]> = {
  tour: [],
  lessons: [],
  lesson: [],
  trace: ['from', 'to', 'proto', 'scenario', 'seed', 'endpoint', 'resolver', 'compare'],
  rules: ['node', 'format'],
  lab: ['scenario'],
  quiz: QUIZ_OPTIONS,
  progress: PROGRESS_OPTIONS,
};

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} ${JSON.stringify(value)} is not one of: ${allowed.join(', ')}`);
}

export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(cleanParseError(e));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };

  const [name, ...rest] = positionals;
  if (name !== undefined && LATER.includes(name)) throw new UsageError(`"${name}" is not available in this version yet; see kube-packet-tour --help`);
  if (name !== undefined && !(COMMANDS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.join(', ')} (see --help)`);
  }
  const kind = name ?? 'tour';
  const allowed = new Set([...SHARED, ...(PER_COMMAND[kind] ?? [])]);
  for (const key of Object.keys(v)) {
    if (!allowed.has(key)) throw new UsageError(`--${key} does not apply to ${name === undefined ? 'the tour' : `"${name}"`}`);
  }
  const expectedPositionals = kind === 'lesson' || kind === 'lab' || (kind === 'progress' && v.reset === true) ? 1 : 0;
  if (rest.length > expectedPositionals) throw new UsageError(`unexpected argument "${rest[expectedPositionals]}"`);

  const proxyMode = oneOf<ProxyMode>('proxy-mode', v['proxy-mode'], ['iptables', 'ipvs'], 'iptables');
  if (proxyMode === 'ipvs' && kind !== 'trace' && kind !== 'rules' && kind !== 'lab') throw new UsageError(`--proxy-mode ipvs applies to "trace", "rules" and "lab" only`);
  const CNIS: readonly CniKind[] = ['bridge', 'flannel-vxlan', 'flannel-host-gw', 'calico-bgp', 'calico-ipip', 'calico-vxlan'];
  // --compare cni takes one --cni (compared with the cluster's own) or two, "A,B".
  const cniList = v.cni !== undefined && v.compare === 'cni' && v.cni.includes(',') ? v.cni.split(',') : null;
  if (cniList !== null && cniList.length !== 2) throw new UsageError(`--cni ${JSON.stringify(v.cni)}: --compare cni takes one data plane or two, as A,B`);
  for (const one of cniList ?? []) oneOf<CniKind>('cni', one, CNIS, 'flannel-vxlan');
  const cni = cniList !== null ? (cniList[1] as CniKind) : oneOf<CniKind>('cni', v.cni, CNIS, 'flannel-vxlan');
  for (const one of cniList ?? [cni]) {
    if (one === 'bridge') throw new UsageError('--cni bridge is not simulated yet; flannel-vxlan, flannel-host-gw, calico-bgp, calico-ipip and calico-vxlan are');
  }
  if (cniList !== null && cniList[0] === cniList[1]) throw new UsageError(`--cni ${v.cni}: --compare cni needs two different data planes`);
  if (cni !== 'flannel-vxlan' && kind !== 'trace' && kind !== 'rules' && kind !== 'lab') throw new UsageError(`--cni ${cni} applies to "trace", "rules" and "lab" only`);
  const cniChoice: CniKind | null = v.cni === undefined ? null : cni;

  const shared: Shared = {
    cluster: v.cluster ?? null,
    plain: v.plain ?? false,
    json: v.json ?? false,
    color: !(v['no-color'] ?? false) && (env.NO_COLOR === undefined || env.NO_COLOR === ''),
    ascii: v.ascii ?? false,
    screenReader: (v['screen-reader'] ?? false) || env.INK_SCREEN_READER === 'true',
    proxyMode: v['proxy-mode'] === undefined ? null : proxyMode,
  };

  switch (kind) {
    case 'tour':
      return { kind: 'tour', shared };
    case 'lessons':
      return { kind: 'lessons', shared };
    case 'lesson': {
      const text = rest[0];
      if (text === undefined) throw new UsageError('lesson needs a number, e.g. "kube-packet-tour lesson 1"');
      if (!/^\d+$/.test(text)) throw new UsageError(`lesson ${JSON.stringify(text)}: expected a lesson number such as 1`);
      return { kind: 'lesson', lesson: Number(text), shared };
    }
    case 'trace': {
      let seed: number | undefined;
      if (v.seed !== undefined) {
        if (!/^\d{1,10}$/.test(v.seed) || Number(v.seed) > 0xffffffff) throw new UsageError(`--seed ${JSON.stringify(v.seed)}: expected a whole number from 0 to 4294967295`);
        seed = Number(v.seed);
      }
      const scenario = v.scenario === undefined ? null : oneOf('scenario', v.scenario, ALL_SCENARIO_NAMES, ALL_SCENARIO_NAMES[0]!);
      if (scenario !== null && (v.from !== undefined || v.to !== undefined)) throw new UsageError('--scenario sets --from and --to itself; give one or the other');
      const proto = oneOf('proto', v.proto?.toLowerCase(), ['tcp', 'udp'], 'tcp').toUpperCase() as 'TCP' | 'UDP';
      const compare = v.compare === undefined ? null : oneOf('compare', v.compare, ['cni', 'proxy-mode'], 'cni');
      if (compare === 'proxy-mode' && v['proxy-mode'] !== undefined) throw new UsageError('--compare proxy-mode traces iptables and ipvs mode itself; leave out --proxy-mode');
      let compareCnis: readonly [CniKind, CniKind] | null = null;
      if (compare === 'cni') {
        // Without --cni: Flannel VXLAN against host-gw. With one: flannel-vxlan (the built-in cluster's own) against it.
        compareCnis = cniList !== null ? [cniList[0] as CniKind, cniList[1] as CniKind] : v.cni !== undefined ? ['flannel-vxlan', cni] : ['flannel-vxlan', 'flannel-host-gw'];
        if (compareCnis[0] === compareCnis[1]) throw new UsageError(`--compare cni --cni ${cni}: the built-in cluster already runs ${cni}; give two data planes, as A,B`);
      }
      return {
        kind: 'trace',
        shared,
        from: v.from ?? null,
        to: v.to ?? null,
        proto,
        scenario,
        seed,
        endpoint: v.endpoint,
        resolver: oneOf('resolver', v.resolver, ['glibc', 'musl'], 'glibc'),
        cni: compare === 'cni' ? null : cniChoice,
        compare,
        compareCnis,
      };
    }
    case 'rules':
      return { kind: 'rules', shared, node: v.node ?? null, format: oneOf('format', v.format, ['save', 'restore'], 'save'), cni: cniChoice };
    case 'lab': {
      const action = rest[0];
      if (action === undefined) throw new UsageError('lab needs an action: "kube-packet-tour lab verify", "lab up" or "lab down"');
      if (action !== 'verify' && action !== 'up' && action !== 'down') throw new UsageError(`lab ${JSON.stringify(action)}: expected verify, up or down`);
      if (action === 'down' && cniChoice !== null) throw new UsageError('--cni does not apply to "lab down": it removes every lab, whatever its data plane');
      let scenarios: string[] | null = null;
      if (v.scenario !== undefined) {
        if (action !== 'verify') throw new UsageError(`--scenario applies to "lab verify" only`);
        if (shared.cluster !== null) throw new UsageError('lab verify --scenario runs the built-in cluster\'s named scenarios; leave out --cluster (with a cluster file the lab picks its own journeys)');
        scenarios = v.scenario.split(',').map((x) => x.trim()).filter(Boolean);
        if (scenarios.length === 0) throw new UsageError('--scenario needs a name, or several as A,B');
        for (const one of scenarios) oneOf('scenario', one, LAB_SCENARIO_CHOICES, 'traffic');
      }
      return { kind: 'lab', shared, action, cni: cniChoice, scenarios };
    }
    case 'quiz':
      return parseQuizOptions(v, shared);
    case 'progress':
      return parseProgressOptions(v, rest, shared);
  }
  throw new UsageError(`unknown command "${kind}"`);
}

function cleanParseError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // Node's messages are long and mention internals; keep their first sentence.
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]} (see --help)`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]!.replace(/^-\w, /, '')} needs a value`;
  const boolArg = /Option '([^']+)' does not take an argument/.exec(message);
  if (boolArg) return `${boolArg[1]} does not take a value`;
  return message.split('\n')[0] ?? message;
}
