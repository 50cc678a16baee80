// The whole frame as lines: title, pinned header, a window on the body, status, key hints.
// Pure: (state, env) -> lines, each at most the terminal's width, at most rows - 1 of them (Ink
// clears the whole terminal, scrollback included, when a frame fills every row).

import { compareView } from './screens/compare.js';
import { helpView } from './screens/help.js';
import { homeView, lessonsView, simulatorView } from './screens/menus.js';
import { lessonView } from './screens/lesson.js';
import { quizView } from './screens/quiz.js';
import { stepperView } from './screens/stepper.js';
import { current, type AppState, type Env, type Screen } from './state.js';
import { BLANK, fitLine, lineWidth, seg, windowLines, wrapSegs, type Line } from './text.js';
import { makeTheme, type Theme } from './theme.js';

export interface Hint {
  readonly keys: string;
  readonly what: string;
}

export interface ScreenView {
  /** Breadcrumb parts after the program name. */
  readonly title: readonly string[];
  /** Lines pinned under the title (position, diagram). */
  readonly header: readonly Line[];
  readonly body: readonly Line[];
  /** Requested first body line (clamped by the frame): scrollBase + the screen's own scroll. */
  readonly scroll: number;
  /** The line the screen's scroll counts from (the current hop in the screen-reader transcript). */
  readonly scrollBase?: number;
  /** Body lines that must be visible (a menu's selection), first and last; null when none. */
  readonly focus: { readonly from: number; readonly to: number } | null;
  /** The most useful keys first; the frame keeps as many as fit, and always the last two. */
  readonly hints: readonly Hint[];
}

export interface ViewContext {
  readonly state: AppState;
  readonly env: Env;
  readonly theme: Theme;
  /** Usable columns. */
  readonly width: number;
  /** The rows the body can have at most (for views that window by themselves). */
  readonly rows: number;
}

/** Columns the layout uses: one less than the terminal, so no line lands in the last column. */
export function usableWidth(columns: number): number {
  return Math.max(8, columns - 1);
}

/** Rows the frame may use. */
export function usableRows(rows: number): number {
  return Math.max(1, rows - 1);
}

/** Rows a page-up / page-down moves. */
export function pageRowsOf(state: AppState): number {
  return Math.max(1, usableRows(state.size.rows) - 6);
}

export function screenView(screen: Screen, ctx: ViewContext): ScreenView {
  switch (screen.kind) {
    case 'home':
      return homeView(screen, ctx);
    case 'lessons':
      return lessonsView(screen, ctx);
    case 'simulator':
      return simulatorView(screen, ctx);
    case 'lesson':
      return lessonView(screen, ctx);
    case 'stepper':
      return stepperView(screen.stepper, ctx);
    case 'compare':
      return compareView(screen.compare, ctx);
    case 'help':
      return helpView(screen, ctx);
    case 'quiz':
      return quizView(screen.quiz, ctx);
  }
}

export interface Layout {
  readonly lines: readonly Line[];
  readonly bodyLength: number;
  readonly bodyHeight: number;
  readonly offset: number;
  readonly scrollBase: number;
}

function titleLine(view: ScreenView, theme: Theme, width: number): Line {
  const parts = ['kube-packet-tour', ...view.title];
  const text = theme.screenReader ? parts.join(': ') : parts.join(` ${theme.glyphs.pointer} `);
  return fitLine([seg(theme.screenReader ? text : ` ${text} `, 'title')], width, theme.glyphs.ellipsis);
}

function hintLines(hints: readonly Hint[], theme: Theme, width: number): Line[] {
  if (hints.length === 0) return [];
  if (theme.screenReader) {
    const text = `Keys: ${hints.map((h) => `${h.keys} ${h.what}`).join(', ')}.`;
    return wrapSegs([seg(text, 'muted')], width).slice(0, 2);
  }
  // The last two (help and back) always stay; the others are added in order while they fit.
  const must = hints.slice(-2);
  const optional = hints.slice(0, -2);
  const render = (list: readonly Hint[]): Line => {
    const out: { text: string; tone?: 'key' | 'muted' }[] = [];
    list.forEach((h, i) => {
      if (i > 0) out.push({ text: '  ' });
      out.push({ text: h.keys, tone: 'key' });
      out.push({ text: ` ${h.what}`, tone: 'muted' });
    });
    return out.map((s) => seg(s.text, s.tone));
  };
  const chosen: Hint[] = [];
  for (const h of optional) {
    if (lineWidth(render([...chosen, h, ...must])) + 1 <= width) chosen.push(h);
  }
  return [fitLine([seg(' '), ...render([...chosen, ...must])], width, theme.glyphs.ellipsis)];
}

export function layoutFrame(state: AppState, env: Env): Layout {
  const theme = makeTheme(env.display);
  const width = usableWidth(state.size.columns);
  const rows = usableRows(state.size.rows);
  const screen = current(state);
  const ctx: ViewContext = { state, env, theme, width, rows };
  const view = screenView(screen, ctx);

  const title = titleLine(view, theme, width);
  let footer = hintLines(view.hints, theme, width);
  // Indented by one column, like the header and body it sits under.
  const status = state.status === null ? [] : wrapSegs([seg(state.status, 'focus')], width - 1).slice(0, 2).map((l) => [seg(' '), ...l]);
  let header = view.header.map((l) => fitLine(l, width, theme.glyphs.ellipsis));
  // Keep at least three body rows: drop the header's tail first, then the hints.
  const fixed = (): number => 1 + header.length + status.length + footer.length;
  while (rows - fixed() < 3 && header.length > 0) header = header.slice(0, -1);
  if (rows - fixed() < 3) footer = [];
  let bodyHeight = Math.max(1, rows - fixed());
  const body = view.body.map((l) => fitLine(l, width, theme.glyphs.ellipsis));

  let indicator: Line | null = null;
  if (body.length > bodyHeight) {
    bodyHeight = Math.max(1, bodyHeight - 1);
    indicator = BLANK;
  }
  let offset = view.scroll;
  if (view.focus !== null) {
    if (view.focus.to >= offset + bodyHeight) offset = view.focus.to - bodyHeight + 1;
    if (view.focus.from < offset) offset = view.focus.from;
  }
  const win = windowLines(body, bodyHeight, offset);
  if (indicator !== null) {
    const g = theme.glyphs;
    const parts: string[] = [];
    if (win.above > 0) parts.push(`${g.up} ${win.above} more above`);
    if (win.below > 0) parts.push(`${g.down} ${win.below} more below`);
    const how = theme.screenReader ? 'up and down arrows scroll' : `${g.up}/${g.down} scroll`;
    indicator = fitLine([seg(` ${parts.join('  ')}  (${how})`, 'muted')], width, g.ellipsis);
  }

  const lines: Line[] = [title, ...header, ...win.lines];
  if (indicator !== null) lines.push(indicator);
  lines.push(...status, ...footer);
  return { lines: lines.slice(0, rows), bodyLength: body.length, bodyHeight, offset: win.offset, scrollBase: view.scrollBase ?? 0 };
}

export function renderFrame(state: AppState, env: Env): readonly Line[] {
  return layoutFrame(state, env).lines;
}

/** The largest useful scroll offset of the current screen's body. */
export function maxScroll(state: AppState, env: Env): number {
  const { bodyLength, bodyHeight, scrollBase } = layoutFrame(state, env);
  return Math.max(0, bodyLength - bodyHeight - scrollBase);
}
