// The one place keys become commands: a pure function of Ink's (input, key). Screens never read
// keys; the reducer decides what a command means on the current screen. The help screen is built
// from KEY_HELP below, so the keys and their documentation cannot drift apart.

/** The subset of Ink's Key that the tour reads (Ink passes the full object). */
export interface KeyInfo {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly shift?: boolean;
  readonly tab?: boolean;
  readonly meta?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
}

export type Command =
  | { readonly type: 'next' }
  | { readonly type: 'prev' }
  | { readonly type: 'up' }
  | { readonly type: 'down' }
  | { readonly type: 'pageUp' }
  | { readonly type: 'pageDown' }
  | { readonly type: 'first' }
  | { readonly type: 'last' }
  | { readonly type: 'select' }
  | { readonly type: 'digit'; readonly digit: number }
  | { readonly type: 'back' }
  | { readonly type: 'help' }
  | { readonly type: 'play' }
  | { readonly type: 'faster' }
  | { readonly type: 'slower' }
  | { readonly type: 'direction' }
  | { readonly type: 'observe' }
  | { readonly type: 'dns' }
  | { readonly type: 'nextStop' }
  | { readonly type: 'prevStop' }
  | { readonly type: 'predictions' }
  | { readonly type: 'hint' }
  | { readonly type: 'skip' }
  | { readonly type: 'nextLesson' };

export type CommandType = Command['type'];

/**
 * Every command in one read from the terminal. Keys typed faster than a frame (or "12" for menu item
 * 12) reach Ink as one string; each character is then its own key, in order.
 */
export function keymapAll(input: string, key: KeyInfo): Command[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || key.escape || key.return || key.tab) {
    const one = keymap(input, key);
    return one === null ? [] : [one];
  }
  return chars.flatMap((ch) => {
    const c = keymap(ch, {});
    return c === null ? [] : [c];
  });
}

/** (input, key) -> command, or null for a key the tour does not use. */
export function keymap(input: string, key: KeyInfo): Command | null {
  // Ink reports Esc with meta set as well, so it is checked first.
  if (key.escape) return { type: 'back' };
  // Ctrl+C is Ink's (exitOnCtrlC); other Ctrl and Meta chords are not ours.
  if (key.ctrl || key.meta) return null;
  if (key.return) return { type: 'select' };
  if (key.tab) return { type: key.shift ? 'prevStop' : 'nextStop' };
  if (key.rightArrow) return { type: 'next' };
  if (key.leftArrow) return { type: 'prev' };
  if (key.upArrow) return { type: 'up' };
  if (key.downArrow) return { type: 'down' };
  if (key.pageUp) return { type: 'pageUp' };
  if (key.pageDown) return { type: 'pageDown' };
  if (key.home) return { type: 'first' };
  if (key.end) return { type: 'last' };
  if (input.length !== 1) return null;
  if (input >= '0' && input <= '9') return { type: 'digit', digit: Number(input) };
  switch (input) {
    case 'n':
      return { type: 'next' };
    case 'N':
      return { type: 'nextLesson' };
    case 'p':
      return { type: 'prev' };
    case 'k':
      return { type: 'up' };
    case 'j':
      return { type: 'down' };
    case 'g':
      return { type: 'first' };
    case 'G':
      return { type: 'last' };
    case ' ':
      return { type: 'play' };
    case '+':
    case '=':
      return { type: 'faster' };
    case '-':
    case '_':
      return { type: 'slower' };
    case 'r':
      return { type: 'direction' };
    case 'c':
      return { type: 'observe' };
    case 'd':
      return { type: 'dns' };
    case ']':
      return { type: 'nextStop' };
    case '[':
      return { type: 'prevStop' };
    case 'q':
      return { type: 'back' };
    case '?':
      return { type: 'help' };
    case 'a':
      return { type: 'predictions' };
    case 'h':
      return { type: 'hint' };
    case 's':
      return { type: 'skip' };
    default:
      return null;
  }
}

export interface KeyHelp {
  readonly keys: string;
  readonly what: string;
}

export interface KeyHelpSection {
  readonly title: string;
  readonly keys: readonly KeyHelp[];
}

/** Every key, by where it applies. `arrows` chooses "→" or "->" spelling. */
export function keyHelp(ascii: boolean): KeyHelpSection[] {
  const [right, left, up, down] = ascii ? ['Right', 'Left', 'Up', 'Down'] : ['→', '←', '↑', '↓'];
  return [
    {
      title: 'Everywhere',
      keys: [
        { keys: '?', what: 'show every key (this screen)' },
        { keys: 'q  Esc', what: 'go back; on the home screen, quit' },
        { keys: 'Ctrl+C', what: 'quit at once' },
      ],
    },
    {
      title: 'Menus and pickers',
      keys: [
        { keys: `${up} ${down}  k j`, what: 'move the selection' },
        { keys: 'Enter', what: 'choose the selected item' },
        { keys: '1-9', what: 'choose by number (two digits for 10 and up)' },
        { keys: 'Home End  g G', what: 'first, last item' },
      ],
    },
    {
      title: 'Lesson pages',
      keys: [
        { keys: `${right} n  ${left} p`, what: 'next, previous page' },
        { keys: 'Space', what: 'read on: the rest of a tall page a screenful at a time, then the next page' },
        { keys: 'Home End  g G', what: 'first, last page' },
        { keys: `${up} ${down}  PgUp PgDn`, what: 'scroll a page taller than the screen' },
        { keys: 'Enter  1-9', what: "follow the packet: the page's simulation (or its n-th)" },
        { keys: 'N', what: 'on the last page: the next lesson (Enter too, when the page has no simulation)' },
      ],
    },
    {
      title: 'Packet stepper',
      keys: [
        { keys: `${right} n  ${left} p`, what: 'next, previous hop (Enter steps too)' },
        { keys: 'Home End  g G', what: 'first, last hop' },
        { keys: 'Space', what: 'play, pause' },
        { keys: '+  -', what: 'play faster, slower' },
        { keys: 'r', what: 'switch between the request and the reply' },
        { keys: 'c', what: 'show, hide the command that shows this hop on a node' },
        { keys: 'd', what: 'the DNS lookup: resolv.conf and every query in order (when a name was resolved); Enter there follows the query to CoreDNS, d goes back' },
        { keys: 'Tab  ]  Shift+Tab  [', what: 'next, previous focus stop (in a lesson)' },
        { keys: `${up} ${down}  PgUp PgDn`, what: 'scroll the details' },
        { keys: 'a', what: "turn a lesson's predictions on, off (saved)" },
      ],
    },
    {
      title: 'Predictions and quiz questions',
      keys: [
        { keys: `${up} ${down}  Enter`, what: 'choose an answer' },
        { keys: '1-9', what: 'answer by number' },
        { keys: 'h', what: 'a hint (quiz)' },
        { keys: 's', what: 'skip the question; after answering, its trace in the stepper (quiz)' },
        { keys: `Enter  ${right}`, what: 'the next question (quiz)' },
        { keys: 'r', what: 'the missed questions again, on a fresh cluster (quiz score)' },
      ],
    },
  ];
}
