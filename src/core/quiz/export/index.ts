import type { Quiz } from '../types.js';
import { quizToGift } from './gift.js';
import { quizToJson } from './json.js';
import { quizToMarkdown } from './markdown.js';
import { quizToMoodleXml } from './moodle-xml.js';

export const EXPORT_FORMATS = ['json', 'gift', 'moodle-xml', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportQuiz(quiz: Quiz, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return quizToJson(quiz);
    case 'gift':
      return quizToGift(quiz);
    case 'moodle-xml':
      return quizToMoodleXml(quiz);
    case 'markdown':
      return quizToMarkdown(quiz);
  }
}

export { quizToGift, giftEscape } from './gift.js';
export { quizToJson, QUIZ_JSON_SCHEMA } from './json.js';
export { quizToMarkdown, mdEscape } from './markdown.js';
export { quizToMoodleXml, htmlEscape, xmlEscape } from './moodle-xml.js';
