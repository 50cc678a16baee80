// A rule as Felix builds it, and the two things made from that: its "cali:" hash and the arguments
// iptables-save prints for it.
//
// Felix starts every rule it writes with the comment "cali:" + a hash of the chain and the rules
// before it (felix/iptables/rules.go RuleHashes): sha224 of the chain name, then, for each rule,
// sha224 of the previous digest followed by the rule as Felix renders it with "HASH" in place of the
// comment ("-A cali-FORWARD HASH --jump MARK --set-mark 0/0xe0000"), base64url, 16 characters. Rules
// Felix appends to a built-in chain hash under "<chain>*appends*" (table.go). The rendering is
// Felix's own (match_builder.go, actions.go: --in-interface, --jump, "0/0xe0000", "-p 17"), not
// iptables-save's, so a rule is kept in Felix's form and converted for printing.

import { sha224 } from '@noble/hashes/sha256';
import { base64url } from '../../net/base-encoding.js';
import { setMarkAsXset, withPrefix } from '../../proxy/save-format.js';

export interface FelixRule {
  /** Comments after the hash comment, in order (a chain's comment goes after the rule's own). */
  readonly comments: readonly string[];
  /** Match fragments as Felix renders them, in the order its rule builder added them. */
  readonly match: readonly string[];
  /** The action as Felix renders it; '' for a rule with no target (a profile with no rules). */
  readonly action: string;
}

export function felixRule(match: readonly string[], action: string, ...comments: string[]): FelixRule {
  return { comments: comments.map(felixComment), match, action };
}

/** rules.go escapeComment and truncateComment: anything but [\w @%+=:,./-] becomes "_", at most 256 characters. */
export function felixComment(text: string): string {
  return text.replace(/[^\w @%+=:,./-]/g, '_').slice(0, 256);
}

const encoder = new TextEncoder();

/** felix/iptables/rules.go Chain.RuleHashes. */
export function felixRuleHashes(chain: string, rules: readonly FelixRule[]): string[] {
  let digest = sha224(encoder.encode(chain));
  return rules.map((rule) => {
    const text = encoder.encode(['-A', chain, 'HASH', ...rule.comments.map((c) => `-m comment --comment "${c}"`), ...rule.match, rule.action].filter((x) => x !== '').join(' '));
    const input = new Uint8Array(digest.length + text.length);
    input.set(digest);
    input.set(text, digest.length);
    digest = sha224(input);
    return base64url(digest).slice(0, 16);
  });
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp' };

/**
 * The rule's arguments as iptables-save prints them back (the form the rest of the model reads):
 * -s/-d/-i/-o/-p first, then the comments, the matches and the target, each in iptables' spelling.
 */
export function felixSaveArgs(rule: FelixRule, hash: string): string[] {
  const front: Record<'s' | 'd' | 'i' | 'o' | 'p', string[]> = { s: [], d: [], i: [], o: [], p: [] };
  const matches: string[] = [];
  let protocol = '';
  for (const fragment of rule.match) {
    const words = fragment.split(' ');
    const negated = words[0] === '!';
    const [flag, ...rest] = negated ? words.slice(1) : words;
    const not = negated ? ['!'] : [];
    switch (flag) {
      case '--source':
        front.s = [...not, '-s', withPrefix(rest[0]!)];
        break;
      case '--destination':
        front.d = [...not, '-d', withPrefix(rest[0]!)];
        break;
      case '--in-interface':
        front.i = [...not, '-i', rest[0]!];
        break;
      case '--out-interface':
        front.o = [...not, '-o', rest[0]!];
        break;
      case '-p':
        protocol = PROTOCOL_NAMES[rest[0]!] ?? rest[0]!;
        front.p = [...not, '-p', protocol];
        break;
      case '--dport':
        // A bare --dport after -p udp is the udp match's option: iptables-save names the match.
        if (protocol === '') throw new Error(`felixSaveArgs: --dport ${rest[0]} without a protocol before it`);
        matches.push('-m', protocol, ...not, '--dport', rest[0]!);
        break;
      default:
        matches.push(...saveMatch(words));
    }
  }
  const comments = [`cali:${hash}`, ...rule.comments].flatMap((c) => ['-m', 'comment', '--comment', c]);
  return [...front.s, ...front.d, ...front.i, ...front.o, ...front.p, ...comments, ...matches, ...saveAction(rule.action)];
}

/** A match fragment in iptables-save's spelling: "0/0x10000" -> "0x0/0x10000", --destination-ports -> --dports. */
function saveMatch(words: readonly string[]): string[] {
  if (words[0] === '-m' && words[1] === 'rpfilter') {
    // libxt_rpfilter prints its flags in a fixed order: --loose --validmark --accept-local --invert.
    const order = ['--loose', '--validmark', '--accept-local', '--invert'];
    return ['-m', 'rpfilter', ...order.filter((f) => words.includes(f))];
  }
  return words.map((w) => (w === '--destination-ports' ? '--dports' : w === '--source-ports' ? '--sports' : w.startsWith('0/') ? `0x0${w.slice(1)}` : w));
}

/** --jump X -> -j X, --goto X -> -g X, and MARK --set-mark as iptables-save prints it (setMarkAsXset). */
function saveAction(action: string): string[] {
  if (action === '') return [];
  const [flag, target, ...rest] = action.split(' ');
  const jump = flag === '--goto' ? '-g' : '-j';
  if (target === 'MARK' && rest[0] === '--set-mark') return [jump, target, '--set-xmark', setMarkAsXset(rest[1]!)];
  return [jump, target!, ...rest];
}
