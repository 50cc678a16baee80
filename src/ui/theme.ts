// The theme: semantic tokens, never raw colours in screens. `color: false` (NO_COLOR, --no-color)
// maps every token to no colour at all; meaning is always carried by a symbol or a word too
// (the changed-field mark, the current-device brackets, "(selected)"). `ascii: true` swaps every
// box-drawing character, arrow and bullet for 7-bit ones.

export type Tone =
  | 'title' // the title bar
  | 'heading' // lesson headings, section labels
  | 'label' // field labels ("Where", "IP")
  | 'muted' // secondary text, hints
  | 'key' // a key name in hints and help
  | 'selected' // the highlighted menu item
  | 'here' // the packet's current position in the diagram
  | 'changed' // a header field this hop changed
  | 'rule' // an iptables rule
  | 'code' // code, commands, command output
  | 'command' // the command line to type
  | 'precision' // precision notes
  | 'diagram' // lesson diagrams
  | 'good' // delivered
  | 'bad' // dropped, rejected, errors
  | 'focus' // a lesson's focus stop
  | 'strong'
  | 'em';

/** The Ink <Text> props a token maps to. */
export interface TextStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly dimColor?: boolean;
  readonly inverse?: boolean;
  readonly underline?: boolean;
}

const COLOURS: Readonly<Record<Tone, TextStyle>> = {
  title: { color: 'cyan', bold: true },
  heading: { color: 'cyan', bold: true },
  label: { color: 'blue', bold: true },
  muted: { dimColor: true },
  key: { color: 'yellow', bold: true },
  selected: { color: 'cyan', bold: true, inverse: true },
  here: { color: 'yellow', inverse: true, bold: true },
  changed: { color: 'yellow', bold: true },
  rule: { color: 'magenta' },
  code: { color: 'green' },
  command: { color: 'yellow' },
  precision: { color: 'magenta', italic: true },
  diagram: { color: 'cyan' },
  good: { color: 'green', bold: true },
  bad: { color: 'red', bold: true },
  focus: { color: 'yellow', bold: true },
  strong: { bold: true },
  em: { italic: true },
};

// Without colour: weight and slant only (not colour, and not needed for meaning).
const MONO: Readonly<Record<Tone, TextStyle>> = {
  title: { bold: true },
  heading: { bold: true },
  label: { bold: true },
  muted: {},
  key: { bold: true },
  selected: { bold: true },
  here: { bold: true },
  changed: { bold: true },
  rule: {},
  code: {},
  command: { bold: true },
  precision: { italic: true },
  diagram: {},
  good: { bold: true },
  bad: { bold: true },
  focus: { bold: true },
  strong: { bold: true },
  em: { italic: true },
};

export interface Glyphs {
  readonly arrow: string; // "→"
  readonly back: string; // "←"
  readonly up: string;
  readonly down: string;
  readonly changed: string; // the mark before a changed field
  readonly link: string; // pod ─ node
  readonly tunnel: string; // node ═ node (the overlay)
  readonly hereOpen: string;
  readonly hereClose: string;
  readonly bullet: string;
  readonly gutter: string; // precision notes
  readonly hr: string; // horizontal rule character
  readonly pointer: string; // menu cursor
  readonly sep: string; // " · " between title parts
  readonly play: string;
  readonly ellipsis: string;
}

const UNICODE: Glyphs = {
  arrow: '→',
  back: '←',
  up: '↑',
  down: '↓',
  changed: '●',
  link: '─',
  tunnel: '═',
  hereOpen: '▶',
  hereClose: '◀',
  bullet: '•',
  gutter: '│',
  hr: '─',
  pointer: '›',
  sep: ' · ',
  play: '▶',
  ellipsis: '…',
};

const ASCII: Glyphs = {
  arrow: '->',
  back: '<-',
  up: '^',
  down: 'v',
  changed: '*',
  link: '-',
  tunnel: '=',
  hereOpen: '>',
  hereClose: '<',
  bullet: '*',
  gutter: '|',
  hr: '-',
  pointer: '>',
  sep: ' - ',
  play: '>',
  ellipsis: '~',
};

export interface Theme {
  readonly color: boolean;
  readonly ascii: boolean;
  readonly screenReader: boolean;
  readonly glyphs: Glyphs;
  style(tone: Tone | undefined): TextStyle;
}

export interface ThemeOptions {
  readonly color: boolean;
  readonly ascii: boolean;
  readonly screenReader: boolean;
}

export function makeTheme(options: ThemeOptions): Theme {
  // A screen reader gets plain 7-bit punctuation too: "▶" and "●" read badly or not at all.
  const glyphs = options.ascii || options.screenReader ? ASCII : UNICODE;
  const table = options.color ? COLOURS : MONO;
  return {
    color: options.color,
    ascii: options.ascii,
    screenReader: options.screenReader,
    glyphs,
    style: (tone) => (tone === undefined ? {} : table[tone]),
  };
}
