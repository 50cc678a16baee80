// Moodle XML (docs.moodle.org/en/Moodle_XML_format): a category, then one multichoice question per
// quiz question, single answer, fraction 100 for the key and 0 for the others, each answer with its
// explanation as feedback. Texts are HTML in CDATA sections; answers keep the quiz's order
// (shuffleanswers 0) so the letters match the Markdown and JSON exports.

import type { Quiz } from '../types.js';
import { quizTitle, reproduceCommand, scopeText } from './common.js';

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function xmlEscape(text: string): string {
  return htmlEscape(text).replace(/'/g, '&apos;');
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function html(text: string): string {
  return text.split('\n').map((line) => `<p>${htmlEscape(line)}</p>`).join('');
}

export function quizToMoodleXml(quiz: Quiz): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${xmlEscape(quizTitle(quiz)).replace(/--/g, '- -')}: ${xmlEscape(scopeText(quiz))}. Reproduce: ${xmlEscape(reproduceCommand(quiz, 'moodle-xml')).replace(/--/g, '- -')} -->`,
    '<quiz>',
    '  <question type="category">',
    `    <category><text>${xmlEscape(`$course$/kube-packet-tour/${quiz.code}`)}</text></category>`,
    '  </question>',
  ];
  quiz.questions.forEach((q, n) => {
    out.push('  <question type="multichoice">');
    out.push(`    <name><text>${xmlEscape(`Q${n + 1} ${q.topic} (${quiz.code})`)}</text></name>`);
    out.push(`    <questiontext format="html"><text>${cdata(html(q.prompt))}</text></questiontext>`);
    out.push(`    <generalfeedback format="html"><text>${cdata(html(q.explanation))}</text></generalfeedback>`);
    out.push('    <defaultgrade>1</defaultgrade>');
    out.push('    <penalty>0</penalty>');
    out.push('    <hidden>0</hidden>');
    out.push(`    <idnumber>${xmlEscape(`${quiz.code}-${n + 1}`)}</idnumber>`);
    out.push('    <single>true</single>');
    out.push('    <shuffleanswers>0</shuffleanswers>');
    out.push('    <answernumbering>ABCD</answernumbering>');
    q.choices.forEach((c, i) => {
      out.push(`    <answer fraction="${i === q.key ? 100 : 0}" format="html">`);
      out.push(`      <text>${cdata(htmlEscape(c.text))}</text>`);
      out.push(`      <feedback format="html"><text>${cdata(html(c.explanation))}</text></feedback>`);
      out.push('    </answer>');
    });
    out.push('  </question>');
  });
  out.push('</quiz>');
  return `${out.join('\n')}\n`;
}
