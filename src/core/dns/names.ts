// Small helpers for DNS names: trailing dots, dot counts, IPv6 text. Pure string work.

/** "myapp.default." -> "myapp.default"; leaves names without a trailing dot alone. */
export function stripTrailingDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** The fully-qualified form with exactly one trailing dot: "myapp" -> "myapp.". */
export function toFqdn(name: string): string {
  return `${stripTrailingDot(name)}.`;
}

/** Dots in the name as the stub resolvers count them (a trailing dot counts too). */
export function countDots(name: string): number {
  let dots = 0;
  for (const ch of name) if (ch === '.') dots += 1;
  return dots;
}

/** `name` + `.` + `domain` + `.`, tolerating a domain written with a trailing dot or as the root. */
export function joinDomain(name: string, domain: string): string {
  const d = stripTrailingDot(domain);
  return d === '' ? toFqdn(name) : `${stripTrailingDot(name)}.${d}.`;
}

/** Whether `text` is an IPv6 address in textual form (RFC 4291 section 2.2, with an optional embedded IPv4 tail). */
export function isIPv6(text: string): boolean {
  if (!text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === null || tail === null) return false;
  const all = [...head, ...tail];
  let width = 0;
  for (const [i, group] of all.entries()) {
    if (i === all.length - 1 && group.includes('.')) {
      const octets = group.split('.');
      if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return false;
      width += 2;
    } else if (/^[0-9a-f]{1,4}$/i.test(group)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width < 8 : width === 8;
}
