// The verify report as text: one table per scenario, hop by hop, simulator against kernel. Pure.

import type { Row, ScenarioComparison } from './compare.js';

export interface ReportStyle {
  readonly ascii: boolean;
  readonly width: number;
}

const MARK: Record<Row['status'], [string, string]> = {
  ok: ['✓ ok  ', 'ok    '],
  diff: ['✗ DIFF', 'DIFF  '],
  info: ['· info', 'info  '],
};

function clip(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let rest = para;
    while (rest.length > width) {
      let cut = rest.lastIndexOf(' ', width);
      if (cut < width / 2) cut = width;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    out.push(rest);
  }
  return out;
}

export function renderRows(rows: readonly Row[], style: ReportStyle): string {
  const lines: string[] = [];
  const body = Math.max(30, style.width - 18);
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      lines.push(`  ${sectionTitle(section)}`);
    }
    const mark = MARK[r.status][style.ascii ? 1 : 0];
    lines.push(`  ${mark} ${r.ref.padStart(3)} ${r.what}  ${r.where}`);
    clip(r.simulator, body).forEach((l, i) => lines.push(`${' '.repeat(9)}${i === 0 ? 'simulator ' : '          '}${l}`));
    clip(r.kernel, body).forEach((l, i) => lines.push(`${' '.repeat(9)}${i === 0 ? 'kernel    ' : '          '}${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function sectionTitle(s: string): string {
  switch (s) {
    case 'hop': return 'hop by hop (captures, conntrack, counters, route lookups)';
    case 'rules': return 'iptables counters and rules';
    case 'conntrack': return 'conntrack entries after the reply';
    case 'outcome': return 'what the client saw';
    case 'dns': return 'the resolver and the DNS server';
    case 'endpoint': return 'pinning';
    default: return s;
  }
}

export function renderScenario(c: ScenarioComparison, title: string, ms: number, style: ReportStyle): string {
  const rule = style.ascii ? '=' : '═';
  const head = `${rule.repeat(2)} ${c.scenario}: ${title} (${(ms / 1000).toFixed(2)} s, ${c.differences === 0 ? 'agrees' : `${c.differences} difference${c.differences === 1 ? '' : 's'}`})`;
  return `${head}\n${renderRows(c.rows, style)}`;
}
