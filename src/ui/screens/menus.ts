// Home, the lesson list and the simulator's pickers: numbered menus.

import type { Hint, ScreenView, ViewContext } from '../frame.js';
import { SCENARIO_GROUPS, menuOf, type MenuItem } from '../menus.js';
import type { MenuState, Screen } from '../state.js';
import { BLANK, fitLine, lineWidth, seg, wrapSegs, type Line } from '../text.js';
import type { Theme } from '../theme.js';

export interface MenuLines {
  readonly lines: Line[];
  /** The first line of each item. */
  readonly starts: number[];
}

/** A numbered menu: "› 1. Label  detail". Long items put the detail on a second line. */
export function menuLines(items: readonly MenuItem[], menu: MenuState, theme: Theme, width: number): MenuLines {
  const lines: Line[] = [];
  const starts: number[] = [];
  const numWidth = String(items.length).length;
  items.forEach((item, i) => {
    starts.push(lines.length);
    const selected = i === menu.cursor;
    const num = `${String(i + 1).padStart(numWidth)}.`;
    if (theme.screenReader) {
      const text = `${num} ${item.label}${selected ? ' (selected)' : ''}${item.detail ? `. ${item.detail}` : ''}`;
      lines.push(...wrapSegs([seg(text, selected ? 'selected' : undefined)], width, numWidth + 2));
      return;
    }
    const pointer = selected ? theme.glyphs.pointer : ' ';
    const head: Line = [seg(` ${pointer} `, selected ? 'selected' : undefined), seg(`${num} `, 'key'), seg(item.label, selected ? 'selected' : 'strong')];
    const indent = 3 + num.length + 1;
    if (item.detail === null) {
      lines.push(fitLine(head, width, theme.glyphs.ellipsis));
      return;
    }
    const one: Line = [...head, seg(`  ${item.detail}`, 'muted')];
    if (lineWidth(one) <= width) {
      lines.push(one);
      return;
    }
    lines.push(fitLine(head, width, theme.glyphs.ellipsis));
    // The detail wraps under the label rather than being cut.
    for (const l of wrapSegs([seg(item.detail, 'muted')], Math.max(8, width - indent))) lines.push([seg(' '.repeat(indent)), ...l]);
  });
  return { lines, starts };
}

const MENU_HINTS = (theme: Theme): Hint[] => {
  const updown = theme.screenReader || theme.ascii ? 'Up/Down' : '↑↓';
  return [
    { keys: updown, what: 'move' },
    { keys: 'Enter', what: 'choose' },
    { keys: '1-9', what: 'by number' },
    { keys: '?', what: 'keys' },
  ];
};

function menuView(title: string[], intro: readonly Line[], items: readonly MenuItem[], menu: MenuState, ctx: ViewContext, back: string): ScreenView {
  const { lines, starts } = menuLines(items, menu, ctx.theme, ctx.width);
  const body = [...intro, ...(intro.length > 0 ? [BLANK] : []), ...lines];
  const focus = intro.length + (intro.length > 0 ? 1 : 0) + (starts[menu.cursor] ?? 0);
  // Keep the selected item's second line visible as well.
  const focusEnd = intro.length + (intro.length > 0 ? 1 : 0) + ((starts[menu.cursor + 1] ?? lines.length) - 1);
  return {
    title,
    header: [],
    body,
    scroll: 0,
    focus: { from: focus, to: Math.max(focus, focusEnd) },
    hints: [...MENU_HINTS(ctx.theme).slice(0, -1), { keys: '?', what: 'keys' }, { keys: 'q', what: back }],
  };
}

function introLines(text: string, ctx: ViewContext): Line[] {
  return wrapSegs([seg(text, 'muted')], ctx.width - 1).map((l) => [seg(' '), ...l]);
}

export function homeView(screen: Extract<Screen, { kind: 'home' }>, ctx: ViewContext): ScreenView {
  const items = menuOf(screen, ctx.state, ctx.env) ?? [];
  const intro = introLines('Follow one packet between Kubernetes pods, hop by hop: DNS, kube-proxy, netfilter, conntrack and the CNI.', ctx);
  return menuView([], intro, items, screen.menu, ctx, 'quit');
}

export function lessonsView(screen: Extract<Screen, { kind: 'lessons' }>, ctx: ViewContext): ScreenView {
  const items = menuOf(screen, ctx.state, ctx.env) ?? [];
  return menuView(['Lessons'], [], items, screen.menu, ctx, 'back');
}

export function simulatorView(screen: Extract<Screen, { kind: 'simulator' }>, ctx: ViewContext): ScreenView {
  const items = menuOf(screen, ctx.state, ctx.env) ?? [];
  const clientName = screen.client?.replace(/^default\//, '') ?? '';
  const [title, intro] =
    screen.stage === 'start'
      ? [['Simulator'], 'Choose a client and a destination on your cluster, or a prepared scenario.']
      : screen.stage === 'group'
        ? [['Simulator', SCENARIO_GROUPS[screen.group].title], SCENARIO_GROUPS[screen.group].intro]
      : screen.stage === 'client'
        ? [['Simulator', 'Client'], 'Which pod sends the packet?']
        : [['Simulator', clientName, 'Destination'], `Where does ${clientName} connect? A Service name goes through DNS first.`];
  return menuView(title, introLines(intro, ctx), items, screen.menu, ctx, 'back');
}
