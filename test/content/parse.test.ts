// The lesson parser and validator on small, hand-written inputs.

import { describe, expect, it } from 'vitest';
import {
  LAYOUT,
  blockRows,
  loadLessons,
  parseInline,
  plainText,
  textWidth,
  wrap,
  type Block,
  type DiagramArt,
  type Lesson,
} from '../../src/content/index.js';
import { PAGE_SEPARATOR, parseLesson, splitTableRow, validateLesson } from '../../src/content/check.js';

const FRONT = `---
id: 3
title: A test lesson
objectives:
  - First objective
  - Second objective
seedSection: 3. Inside the Node (Network Stack View)
minutes: 5
---
`;

const SIM = '```sim\nscenario: cross-node-clusterip   # a comment\nfocus: [dnat, encap]\n```\n';

const diagrams: Record<string, DiagramArt> = {
  box: { unicode: '┌─┐\n└─┘\n', ascii: '+-+\n+-+\n' },
  bad: { unicode: '┌─┐\n', ascii: '┌─┐\n' },
  tall: { unicode: 'x\n'.repeat(17), ascii: 'x\n'.repeat(17) },
};
const lookup = (name: string): DiagramArt | undefined => diagrams[name];

function parse(body: string, file = '03-test.md', front = FRONT) {
  return parseLesson(file, front + body, lookup);
}

function lessonOf(body: string, file = '03-test.md', front = FRONT): Lesson {
  const { lesson, problems } = parse(body, file, front);
  expect(problems).toEqual([]);
  return lesson;
}

const messages = (lesson: Lesson): string[] => validateLesson(lesson).map((p) => p.message);
const blocksOf = (lesson: Lesson): Block[] => lesson.pages.flatMap((p) => [...p.blocks]);

describe('parseLesson', () => {
  it('reads the front matter and the slug', () => {
    const lesson = lessonOf(SIM);
    expect(lesson).toMatchObject({
      id: 3,
      slug: 'test',
      file: '03-test.md',
      title: 'A test lesson',
      objectives: ['First objective', 'Second objective'],
      seedSection: '3. Inside the Node (Network Stack View)',
      minutes: 5,
      bonus: false,
    });
  });

  it(`splits pages at ${PAGE_SEPARATOR} lines, but not inside fenced blocks`, () => {
    const lesson = lessonOf(`One.\n\n${PAGE_SEPARATOR}\n\nTwo.\n\n\`\`\`text\n${PAGE_SEPARATOR}\n\`\`\`\n\n${PAGE_SEPARATOR}\n${SIM}`);
    expect(lesson.pages).toHaveLength(3);
    expect(lesson.pages[1]?.blocks[1]).toMatchObject({ kind: 'code', lang: 'text', lines: [PAGE_SEPARATOR] });
    expect(lesson.pages[2]?.index).toBe(2);
    expect(lesson.pages[0]?.line).toBe(10);
  });

  it('parses headings, paragraphs, lists, code and precision notes', () => {
    const lesson = lessonOf(
      [
        '## The `cni0` bridge',
        '',
        'A paragraph over',
        'two lines with **bold** and `code`.',
        '',
        '- one',
        '  continued',
        '- two',
        '',
        '3. three',
        '4. four',
        '',
        '```bash',
        'ip route',
        '```',
        '',
        '> **Precision:** The first line',
        '> and the second.',
        '',
        '<!-- an author note,',
        'never shown -->',
        SIM,
      ].join('\n'),
    );
    const b = blocksOf(lesson);
    expect(b.map((x) => x.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'code', 'precision', 'sim']);
    expect(b[0]).toMatchObject({ level: 2, text: 'The `cni0` bridge' });
    expect(b[1]).toMatchObject({ text: 'A paragraph over two lines with **bold** and `code`.', line: 12 });
    expect(b[2]).toMatchObject({ ordered: false, items: [{ text: 'one continued' }, { text: 'two' }] });
    expect(b[3]).toMatchObject({ ordered: true, start: 3, items: [{ text: 'three' }, { text: 'four' }] });
    expect(b[4]).toMatchObject({ kind: 'code', lang: 'bash', lines: ['ip route'] });
    expect(b[5]).toMatchObject({ kind: 'precision', text: 'The first line and the second.' });
  });

  it('parses pipe tables, with alignment, escaped pipes and pipes in code', () => {
    const lesson = lessonOf(
      ['| a | b | c |', '| --- | ---: | :-: |', '| 1 | `x|y` | a \\| b |', '| 2 | 3 | |', '', SIM].join('\n'),
    );
    const [table] = blocksOf(lesson);
    expect(table).toMatchObject({ kind: 'table', align: ['left', 'right', 'center'] });
    if (table?.kind !== 'table') throw new Error('not a table');
    expect(table.header.map((c) => c.text)).toEqual(['a', 'b', 'c']);
    expect(table.rows.map((r) => r.map((c) => plainText(c.spans)))).toEqual([
      ['1', 'x|y', 'a | b'],
      ['2', '3', ''],
    ]);
    expect(parse(['| a | b |', '| --- | --- |', '| 1 | 2 | 3 |', SIM].join('\n')).problems[0]?.message).toMatch(/3 cells/);
  });

  it('parses sim, predict and diagram directives and links each prediction to its sim', () => {
    const lesson = lessonOf(
      [
        '```sim',
        'scenario: cross-node-clusterip',
        'direction: reply',
        'focus: [un-dnat]',
        '```',
        '```predict',
        'at: un-dnat',
        'ask: rewrite',
        '```',
        SIM,
        '```predict',
        'at: encap',
        'ask: [outer-header]',
        '```',
        '```diagram',
        'name: box',
        'alt: a small box',
        '```',
      ].join('\n'),
    );
    const b = blocksOf(lesson);
    expect(b[0]).toMatchObject({ kind: 'sim', scenario: 'cross-node-clusterip', direction: 'reply', focus: ['un-dnat'], index: 0 });
    expect(b[1]).toMatchObject({ kind: 'predict', at: 'un-dnat', ask: ['rewrite'], direction: 'reply', sim: 0 });
    expect(b[2]).toMatchObject({ kind: 'sim', focus: ['dnat', 'encap'], direction: null, index: 1 });
    expect(b[3]).toMatchObject({ kind: 'predict', at: 'encap', direction: null, sim: 1 });
    expect(b[4]).toMatchObject({ kind: 'diagram', name: 'box', alt: 'a small box', unicode: '┌─┐\n└─┘\n', ascii: '+-+\n+-+\n' });
    expect(messages(lesson)).toEqual([]);
  });

  it('reports what it cannot parse, with line numbers', () => {
    const { problems } = parse(['> a plain quote', '', '***', '', '```table', 'x', '```', '', '```sim', 'scenario: [', '```', '', '```text', 'open'].join('\n'));
    const byLine = problems.map((p) => [p.line, p.message.slice(0, 30)]);
    expect(byLine).toEqual([
      [10, 'only "> **Precision:** ..." bl'],
      [12, 'horizontal rules are not suppo'],
      [14, 'write tables as Markdown pipe '],
      [expect.any(Number), '```sim block: Flow sequence in'],
      [22, 'fenced block is not closed bef'],
    ]);
  });

  it('reports bad front matter and unknown directive fields', () => {
    const { problems } = parse(SIM.replace('focus:', 'stops:'), '3-x.md', '---\nid: three\ncolour: red\n---\n');
    const text = problems.map((p) => p.message).join('\n');
    expect(text).toMatch(/file name must look like NN-slug\.md/);
    expect(text).toMatch(/unknown field "colour"/);
    expect(text).toMatch(/"id" must be an integer/);
    expect(text).toMatch(/"title" must be a string/);
    expect(text).toMatch(/"objectives" must be a list/);
    expect(text).toMatch(/unknown field "stops"/);
    expect(text).toMatch(/"focus" must be a list/);
    expect(parse(SIM, '03-test.md', '').problems[0]?.message).toMatch(/front matter/);
  });

  it('produces JSON-serialisable lessons', () => {
    const lessons = loadLessons();
    expect(JSON.parse(JSON.stringify(lessons))).toEqual(lessons);
    expect(loadLessons()).toEqual(lessons);
  });
});

describe('validateLesson', () => {
  it('accepts a small correct lesson', () => {
    expect(messages(lessonOf(SIM))).toEqual([]);
  });

  it('rejects unknown scenarios, hop steps and asks', () => {
    const lesson = lessonOf(
      ['```sim', 'scenario: teleport', 'focus: [dnat, warp, dnat]', 'direction: sideways', '```', '```predict', 'at: warp', 'ask: [colour]', '```'].join('\n'),
    );
    expect(messages(lesson)).toEqual([
      '```sim: unknown scenario "teleport"',
      '```sim: unknown hop step "warp" in focus',
      '```sim: hop step "dnat" is listed twice',
      '```sim: direction must be request or reply (got "sideways")',
      '```predict: unknown hop step "warp" in "at"',
      '```predict: unknown ask "colour"',
      '```predict: direction must be request or reply (got "sideways")',
    ]);
  });

  it('reads a ```compare block and rejects an unknown comparison, hop steps and fields', () => {
    const good = lessonOf([SIM, '```compare', 'name: vxlan-vs-host-gw', 'focus: [route, encap]', '```'].join('\n'));
    expect(blocksOf(good).at(-1)).toMatchObject({ kind: 'compare', name: 'vxlan-vs-host-gw', focus: ['route', 'encap'] });
    expect(messages(good)).toEqual([]);
    const bad = lessonOf([SIM, '```compare', 'name: vxlan-vs-carrier-pigeon', 'focus: [warp, route, route]', '```'].join('\n'));
    expect(messages(bad)).toEqual([
      expect.stringMatching(/^```compare: unknown comparison "vxlan-vs-carrier-pigeon" \(one of vxlan-vs-host-gw, /),
      '```compare: unknown hop step "warp" in focus',
      '```compare: hop step "route" is listed twice',
    ]);
    const { problems } = parse([SIM, '```compare', 'title: no name', '```'].join('\n'));
    expect(problems.map((p) => p.message)).toEqual(['```compare block: unknown field "title" (allowed: name, focus)', '```compare block: "name" (a comparison) is required']);
  });

  it('requires a prediction to follow its sim block and to stop at one of its focus steps', () => {
    const early = lessonOf(['```predict', 'at: dnat', 'ask: [rewrite]', '```', SIM].join('\n'));
    expect(messages(early)).toEqual(['```predict must come after the ```sim block it belongs to']);
    const off = lessonOf([SIM, '```predict', 'at: route', 'ask: [next-hop]', '```'].join('\n'));
    expect(messages(off)[0]).toMatch(/"route" is not a focus step of the sim block on line 10,/);
  });

  it('requires at least one sim block', () => {
    expect(messages(lessonOf('Just text.\n'))).toEqual(['the lesson has no ```sim block']);
  });

  it('checks diagrams: the asset exists, ASCII is 7-bit, sizes fit', () => {
    const lesson = lessonOf([SIM, '```diagram', 'name: nope', '```', '```diagram', 'name: bad', '```', '```diagram', 'name: tall', '```'].join('\n'));
    const m = messages(lesson);
    expect(m).toContain('```diagram: no asset assets/diagrams/nope.{unicode,ascii}.txt');
    expect(m.some((x) => x.includes('bad.ascii.txt:1: non-ASCII character'))).toBe(true);
    expect(m.some((x) => x.includes('tall.unicode.txt has 17 rows'))).toBe(true);
  });

  it('checks that pages fit an 80x24 terminal', () => {
    const long = Array.from({ length: 15 }, (_, k) => `Paragraph ${k}.`).join('\n\n');
    expect(messages(lessonOf(`${long}\n\n${SIM}`))).toEqual([
      'page 1 takes 31 rows; at most 18 fit an 80x24 terminal',
      'page 1 has 15 rows of prose; keep it to 14',
    ]);
    const wideCode = `\`\`\`text\n${'x'.repeat(77)}\n\t y\n\`\`\`\n${SIM}`;
    expect(messages(lessonOf(wideCode))).toEqual([
      'code: line is 77 columns wide; at most 76',
      'code: tab character (use spaces; tabs render at different widths)',
    ]);
    const wideTable = `| ${'a'.repeat(40)} | ${'b'.repeat(40)} |\n| --- | --- |\n\n${SIM}`;
    expect(messages(lessonOf(wideTable))).toEqual(['table is 82 columns wide when drawn; at most 76']);
    expect(messages(lessonOf(`An emoji 🚀 here.\n\n${SIM}`))[0]).toMatch(/wide character/);
  });

  it('checks the front matter', () => {
    const front = FRONT.replace('  - Second objective\n', '').replace('id: 3', 'id: 4').replace('seedSection: 3.', 'seedSection: 33.');
    const m = messages(lessonOf(SIM, '03-test.md', front));
    expect(m).toEqual([
      "id 4 does not match the file name's number 03",
      'objectives: 1 given, expected 2 to 4',
      'seedSection "33. Inside the Node (Network Stack View)" is not a heading of the source text (see SEED_SECTIONS)',
    ]);
    const none = lessonOf(SIM, '03-test.md', FRONT.replace(/objectives:\n(  - .*\n)+/, 'objectives: []\n'));
    expect(messages(none)).toEqual(['objectives are missing']);
  });
});

describe('inline text and layout', () => {
  it('splits inline markup into spans', () => {
    expect(parseInline('a `b*c` **d** *e* \\*f\\* g')).toEqual([
      { text: 'a ', style: 'plain' },
      { text: 'b*c', style: 'code' },
      { text: ' ', style: 'plain' },
      { text: 'd', style: 'strong' },
      { text: ' ', style: 'plain' },
      { text: 'e', style: 'em' },
      { text: ' *f* g', style: 'plain' },
    ]);
    expect(plainText(parseInline('2 * 3 * 4'))).toBe('2 * 3 * 4');
  });

  it('wraps prose at the content width and measures terminal columns', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('', 10)).toEqual(['']);
    expect(textWidth('┌─▶ é')).toBe(5);
    expect(textWidth('🚀')).toBe(2);
    expect(splitTableRow('| a | `|` |')).toEqual(['a', '`|`']);
  });

  it('counts the rows a block takes', () => {
    const [para, list] = blocksOf(lessonOf(`${'word '.repeat(30)}\n\n- ${'word '.repeat(20)}\n- x\n\n${SIM}`));
    expect(para && blockRows(para)).toBe(2);
    expect(list && blockRows(list)).toBe(3);
    expect(LAYOUT.columns).toBe(76);
  });
});
