// Every key, grouped by where it applies, and what the marks on screen mean.

import type { ScreenView, ViewContext } from '../frame.js';
import { keyHelp } from '../keymap.js';
import type { Screen } from '../state.js';
import { textWidth } from '../../content/layout.js';
import { BLANK, prefixLines, seg, wrapSegs, type Line } from '../text.js';

export function helpLines(ctx: ViewContext): Line[] {
  const { theme, width } = ctx;
  const g = theme.glyphs;
  const sections = keyHelp(theme.ascii || theme.screenReader);
  const keyCol = Math.min(22, Math.max(...sections.flatMap((s) => s.keys.map((k) => textWidth(k.keys)))) + 2);
  const narrow = width < keyCol + 24;
  const out: Line[] = [];
  for (const section of sections) {
    if (out.length > 0) out.push(BLANK);
    out.push([seg(` ${section.title}`, 'heading')]);
    for (const k of section.keys) {
      if (theme.screenReader) {
        out.push(...wrapSegs([seg(`${k.keys}: ${k.what}.`)], width - 2).map((l) => [seg('  '), ...l]));
      } else if (narrow) {
        out.push([seg('  '), seg(k.keys, 'key')]);
        out.push(...wrapSegs([seg(k.what)], width - 4).map((l) => [seg('    '), ...l]));
      } else {
        const wrapped = wrapSegs([seg(k.what)], width - 2 - keyCol);
        out.push(...prefixLines(wrapped, [seg('  '), seg(k.keys.padEnd(keyCol), 'key')], [seg(' '.repeat(keyCol + 2))]));
      }
    }
  }
  out.push(BLANK);
  out.push([seg(' What the marks mean', 'heading')]);
  const marks: [string, string][] = [
    [g.changed, 'a header field this hop changed (also in colour, when colour is on)'],
    [`${g.hereOpen}cni0${g.hereClose}`, 'where the packet is now, in the diagram of its path'],
    [g.tunnel.repeat(3), 'the overlay between nodes (VXLAN over UDP)'],
  ];
  for (const [mark, what] of marks) {
    if (theme.screenReader && mark !== g.changed) continue;
    const text = theme.screenReader ? `A star before a field marks a header field this hop changed.` : what;
    out.push(...prefixLines(wrapSegs([seg(text)], width - 2 - keyCol), [seg('  '), seg(theme.screenReader ? '' : mark.padEnd(keyCol), 'changed')], [seg(' '.repeat(keyCol + 2))]));
  }
  return out;
}

export function helpView(screen: Extract<Screen, { kind: 'help' }>, ctx: ViewContext): ScreenView {
  const updown = ctx.theme.ascii || ctx.theme.screenReader ? 'Up/Down' : '↑↓';
  return {
    title: ['Keys'],
    header: [],
    body: helpLines(ctx),
    scroll: screen.scroll,
    focus: null,
    hints: [
      { keys: updown, what: 'scroll' },
      { keys: '?', what: 'close' },
      { keys: 'q', what: 'back' },
    ],
  };
}
