// A lesson as plain text: for pipes, CI, `lesson N --plain`, and anyone who prefers reading.
// Simulations are played in full from the simulator, so the text never disagrees with it.

import { BUILTIN_CLUSTER } from '../core/cluster/builtin.js';
import { scenarioCluster, SCENARIOS } from '../core/scenarios.js';
import { COMPARISONS, isComparisonName, runComparison } from '../core/comparisons.js';
import { focusStops } from '../core/focus-stops.js';
import { simulate } from '../core/trace.js';
import type { Block, Lesson } from '../content/index.js';
import { listMarker, plainText, tableColumnWidths, TABLE_GAP } from '../content/index.js';
import { compareText } from './compare-text.js';
import { PREDICT_QUESTIONS } from '../content/vocabulary.js';
import { stepName } from '../ui/step-names.js';
import { wrap } from './wrap.js';

export interface LessonTextStyle {
  readonly width: number;
  readonly ascii: boolean;
}

function blockText(block: Block, style: LessonTextStyle): string[] {
  const arrow = style.ascii ? '->' : '→';
  switch (block.kind) {
    case 'heading':
      return ['', plainText(block.spans).toUpperCase()];
    case 'paragraph':
      return ['', ...wrap(plainText(block.spans), style.width)];
    case 'precision':
      return ['', ...wrap(`PRECISION: ${plainText(block.spans)}`, style.width, '  ')];
    case 'list':
      return ['', ...block.items.flatMap((item, i) => {
        const marker = style.ascii && !block.ordered ? '- ' : listMarker(block.ordered, block.start + i);
        const [first = '', ...more] = wrap(plainText(item.spans), style.width - marker.length);
        return [`${marker}${first}`, ...more.map((l) => `${' '.repeat(marker.length)}${l}`)];
      })];
    case 'code':
      return ['', ...block.lines.map((l) => `  ${l}`)];
    case 'table': {
      const widths = tableColumnWidths(block);
      const row = (cells: readonly { spans: Parameters<typeof plainText>[0] }[]): string =>
        cells.map((c, i) => plainText(c.spans).padEnd(widths[i] ?? 0)).join(' '.repeat(TABLE_GAP)).trimEnd();
      const rule = widths.map((w) => '-'.repeat(w)).join(' '.repeat(TABLE_GAP));
      return ['', row(block.header), rule, ...block.rows.map(row)];
    }
    case 'diagram': {
      const art = style.ascii ? block.ascii : block.unicode;
      return ['', ...(art ?? block.alt ?? '').trimEnd().split('\n')];
    }
    case 'sim': {
      const scenario = SCENARIOS[block.scenario];
      const result = simulate(scenarioCluster(scenario, BUILTIN_CLUSTER), scenario.request, scenario.options);
      if (!result.ok) return ['', `[simulation ${block.scenario} failed: ${result.error.message}]`];
      const t = result.trace;
      const lines = ['', `SIMULATION: ${scenario.title}`, ...wrap(scenario.summary, style.width, '  ')];
      // The same stops as the stepper's.
      const stops = new Set(focusStops(t.hops, block.focus, block.direction).map((i) => t.hops[i]!.index));
      for (const h of t.hops) {
        if (block.direction !== null && h.direction !== block.direction) continue;
        const focus = stops.has(h.index);
        const where = h.netns === h.node ? `${h.node} ${h.device}` : `${h.node ?? ''} ${h.netns}/${h.device}`;
        lines.push(`${focus ? (style.ascii ? '>' : '▶') : ' '} ${String(h.index).padStart(2)} ${h.direction} ${where} [${h.step}]`);
        lines.push(`       ${h.packet.src} ${arrow} ${h.packet.dst}`);
        if (focus) lines.push(...wrap(h.action, style.width, '       '));
      }
      lines.push(...wrap(`Verdict: ${t.verdict}${t.reason ? ` (${t.reason})` : ''}`, style.width, '  '));
      return lines;
    }
    case 'compare': {
      if (!isComparisonName(block.name)) return ['', `[comparison ${block.name} is unknown]`];
      const spec = COMPARISONS[block.name];
      const result = runComparison(block.name, BUILTIN_CLUSTER, simulate);
      if (!result.ok) return ['', `[${result.message}]`];
      return ['', `COMPARISON: ${spec.title}`, ...wrap(spec.summary, style.width, '  '), '', ...compareText(result.comparison, style).trimEnd().split('\n')];
    }
    case 'predict':
      return ['', ...wrap(`THINK FIRST, before the ${stepName(block.at)} hop: ${block.ask.map((a) => PREDICT_QUESTIONS[a]).join(' ')} (The interactive tour asks before it shows the hop; here, check your answer in the simulation above.)`, style.width)];
  }
}

export function lessonText(lesson: Lesson, style: LessonTextStyle): string {
  const out = [`Lesson ${lesson.id}: ${lesson.title}${lesson.bonus && !/bonus/i.test(lesson.title) ? ' (bonus)' : ''}`, `Source section: ${lesson.seedSection}`, '', 'Objectives:'];
  for (const o of lesson.objectives) out.push(...wrap(`- ${o}`, style.width, '  '));
  lesson.pages.forEach((page, i) => {
    out.push('', `--- page ${i + 1} of ${lesson.pages.length} ---`);
    for (const b of page.blocks) out.push(...blockText(b, style));
  });
  return `${out.join('\n')}\n`;
}

export function lessonsListText(lessons: readonly Lesson[]): string {
  const lines = ['Lessons:'];
  for (const l of lessons) lines.push(`  ${String(l.id).padStart(2)}. ${l.title}${l.bonus && !/bonus/i.test(l.title) ? ' (bonus)' : ''}  [${l.minutes} min]`);
  lines.push('', 'Open one with: kube-packet-tour lesson <n>   (add --plain to read it as text)');
  return `${lines.join('\n')}\n`;
}
