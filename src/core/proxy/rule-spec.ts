// Parses a rule's argument list into the structure iptables itself keeps: addresses, protocol,
// matches in order, and the target. Both the iptables-save renderer and the packet matcher read it.

export interface Neg<T> {
  readonly value: T;
  readonly negated: boolean;
}

export type MatchSpec =
  | { readonly module: 'comment'; readonly comment: string }
  | { readonly module: 'tcp' | 'udp' | 'sctp'; readonly sport: Neg<number> | null; readonly dport: Neg<number> | null }
  | { readonly module: 'statistic'; readonly mode: 'random'; readonly probability: string }
  | { readonly module: 'mark'; readonly mark: Neg<{ value: number; mask: number }> }
  | { readonly module: 'conntrack'; readonly ctstate: Neg<readonly string[]> }
  | { readonly module: 'addrtype'; readonly srcType: Neg<string> | null; readonly dstType: Neg<string> | null; readonly limitIfaceOut: boolean }
  | { readonly module: 'multiport'; readonly dports: Neg<readonly number[]> | null }
  | { readonly module: 'recent'; readonly name: string; readonly op: 'set' | 'rcheck'; readonly seconds: number | null; readonly reap: boolean }
  | { readonly module: 'set'; readonly setName: Neg<string>; readonly flags: string }
  | { readonly module: 'nfacct'; readonly name: string };

export interface TargetSpec {
  readonly name: string;
  /** -g (goto): the chain's RETURN goes back past the calling chain. */
  readonly goto?: boolean;
  /** Target options as written, e.g. ["--to-destination", "10.244.2.6:8080"]. */
  readonly options: readonly string[];
}

export interface RuleSpec {
  readonly src: Neg<string> | null;
  readonly dst: Neg<string> | null;
  readonly inIface: Neg<string> | null;
  readonly outIface: Neg<string> | null;
  readonly proto: Neg<string> | null;
  readonly matches: readonly MatchSpec[];
  readonly target: TargetSpec | null;
}

const OPTION_MODULE: Record<string, MatchSpec['module'] | 'proto'> = {
  '--comment': 'comment',
  '--sport': 'proto',
  '--dport': 'proto',
  '--mode': 'statistic',
  '--probability': 'statistic',
  '--mark': 'mark',
  '--ctstate': 'conntrack',
  '--src-type': 'addrtype',
  '--dst-type': 'addrtype',
  '--limit-iface-out': 'addrtype',
  '--dports': 'multiport',
  '--name': 'recent',
  '--set': 'recent',
  '--rcheck': 'recent',
  '--seconds': 'recent',
  '--reap': 'recent',
  '--match-set': 'set',
  '--nfacct-name': 'nfacct',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parseNumber(text: string): number {
  return text.startsWith('0x') ? parseInt(text, 16) : Number(text);
}

function emptyMatch(module: MatchSpec['module']): Mutable<MatchSpec> {
  switch (module) {
    case 'comment':
      return { module, comment: '' };
    case 'tcp':
    case 'udp':
    case 'sctp':
      return { module, sport: null, dport: null };
    case 'statistic':
      return { module, mode: 'random', probability: '1' };
    case 'mark':
      return { module, mark: { value: { value: 0, mask: 0xffffffff }, negated: false } };
    case 'conntrack':
      return { module, ctstate: { value: [], negated: false } };
    case 'addrtype':
      return { module, srcType: null, dstType: null, limitIfaceOut: false };
    case 'multiport':
      return { module, dports: null };
    case 'recent':
      return { module, name: 'DEFAULT', op: 'set', seconds: null, reap: false };
    case 'set':
      return { module, setName: { value: '', negated: false }, flags: '' };
    case 'nfacct':
      return { module, name: '' };
  }
}

/** Parses args such as `-m comment --comment "x" -m tcp -p tcp -d 10.96.1.20 --dport 80 -j KUBE-SVC-...`. */
export function parseRuleSpec(args: readonly string[]): RuleSpec {
  const spec: Mutable<RuleSpec> = { src: null, dst: null, inIface: null, outIface: null, proto: null, matches: [], target: null };
  const matches: Mutable<MatchSpec>[] = [];
  let negate = false;
  const findModule = (module: MatchSpec['module'] | 'proto'): Mutable<MatchSpec> => {
    const name = module === 'proto' ? (spec.proto?.value ?? 'tcp') : module;
    for (let k = matches.length - 1; k >= 0; k--) if (matches[k]!.module === name) return matches[k]!;
    // iptables loads the protocol's match implicitly for --dport after -p tcp.
    const m = emptyMatch(name as MatchSpec['module']);
    matches.push(m);
    return m;
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = (): string => args[++i] ?? '';
    if (arg === '!') {
      negate = true;
      continue;
    }
    const neg = negate;
    negate = false;
    switch (arg) {
      case '-s':
      case '--source':
        spec.src = { value: next(), negated: neg };
        continue;
      case '-d':
      case '--destination':
        spec.dst = { value: next(), negated: neg };
        continue;
      case '-i':
        spec.inIface = { value: next(), negated: neg };
        continue;
      case '-o':
        spec.outIface = { value: next(), negated: neg };
        continue;
      case '-p':
        spec.proto = { value: next().toLowerCase(), negated: neg };
        continue;
      case '-m':
        matches.push(emptyMatch(next() as MatchSpec['module']));
        continue;
      case '-j':
        spec.target = { name: next(), options: args.slice(i + 1) };
        i = args.length;
        continue;
      case '-g':
        spec.target = { name: next(), options: args.slice(i + 1), goto: true };
        i = args.length;
        continue;
    }
    const module = OPTION_MODULE[arg];
    if (module === undefined) throw new Error(`unsupported iptables option ${arg}`);
    const m = findModule(module);
    switch (m.module) {
      case 'comment':
        m.comment = next();
        break;
      case 'tcp':
      case 'udp':
      case 'sctp': {
        const port = { value: Number(next()), negated: neg };
        if (arg === '--sport') m.sport = port;
        else m.dport = port;
        break;
      }
      case 'statistic':
        if (arg === '--mode') next();
        else m.probability = next();
        break;
      case 'mark': {
        const [value, mask] = next().split('/');
        m.mark = { value: { value: parseNumber(value ?? '0'), mask: mask === undefined ? 0xffffffff : parseNumber(mask) }, negated: neg };
        break;
      }
      case 'conntrack':
        m.ctstate = { value: next().split(','), negated: neg };
        break;
      case 'addrtype':
        if (arg === '--limit-iface-out') m.limitIfaceOut = true;
        else if (arg === '--src-type') m.srcType = { value: next(), negated: neg };
        else m.dstType = { value: next(), negated: neg };
        break;
      case 'multiport':
        m.dports = { value: next().split(',').map(Number), negated: neg };
        break;
      case 'recent':
        if (arg === '--name') m.name = next();
        else if (arg === '--set') m.op = 'set';
        else if (arg === '--rcheck') m.op = 'rcheck';
        else if (arg === '--seconds') m.seconds = Number(next());
        else m.reap = true;
        break;
      case 'set':
        m.setName = { value: next(), negated: neg };
        m.flags = next();
        break;
      case 'nfacct':
        m.name = next();
        break;
    }
  }
  spec.matches = matches;
  return spec;
}
