// The practice quiz: one question at a time with numbered choices, a hint on request, a second
// try after a wrong first one (with that choice's explanation), the explanation after the
// question, and at the end the score and what was missed. The seed code is always on screen so
// a teacher can hand it out (`kube-packet-tour quiz --seed CODE` gives everyone the same quiz).

import { currentQuestion, questionNumbers, sessionScore, summaryIndexes } from '../../core/quiz/session.js';
import { questionHop } from '../../core/quiz/question-hop.js';
import type { Hint, ScreenView, ViewContext } from '../frame.js';
import type { QuizScreenState } from '../state.js';
import { BLANK, seg, wrapSegs, type Line } from '../text.js';
import type { Tone } from '../theme.js';
import { paragraphs, questionBody } from './question.js';

export function quizView(q: QuizScreenState, ctx: ViewContext): ScreenView {
  const { theme, width } = ctx;
  const s = q.session;
  const quiz = s.quiz;
  const title = ['Quiz', quiz.code];
  const updown = theme.ascii || theme.screenReader ? 'Up/Down' : '↑↓';
  const g = theme.glyphs;

  if (s.phase === 'finished') {
    const score = sessionScore(s);
    const body: Line[] = [];
    body.push(...paragraphs(`Score: ${score.right} of ${score.total} right on the first try (${score.percent}%)${score.solvedLater > 0 ? `, ${score.solvedLater} more on the second` : ''}.`, width, 'strong'));
    if (s.endReason === 'quit') body.push(...paragraphs(`Stopped after ${score.answered} of ${score.total}; your answers are saved.`, width, 'muted'));
    const { missed, explained, unanswered } = summaryIndexes(s);
    // The class line and the retry key come before the missed list, which can be long: both stay in view.
    if (q.classLine === undefined) body.push(...paragraphs(`The same quiz for a class: kube-packet-tour quiz --seed ${quiz.code}`, width, 'muted'));
    else if (q.classLine !== null) body.push(...paragraphs(`A retry of missed questions; the same for a class: ${q.classLine}`, width, 'muted'));
    if (missed.length > 0) {
      body.push(...paragraphs(`r tries the missed question${missed.length === 1 ? '' : 's'} again on a fresh cluster.`, width, 'focus'));
      if (explained.length > 0) body.push(BLANK, ...paragraphs('Missed:', width, 'heading'));
      for (const i of explained) {
        const question = quiz.questions[i]!;
        const answer = s.answers.find((a) => a.index === i);
        const first = question.prompt.split('\n')[0] ?? '';
        body.push(...wrapSegs([seg(`${i + 1}. ${first}`)], width - 1, `${i + 1}. `.length).map((l) => [seg(' '), ...l]));
        body.push(...paragraphs(`${answer!.choice === null ? 'skipped' : 'answer'}: ${question.choices[question.key]!.text}`, width, 'muted', [], 3));
        body.push(...paragraphs(question.explanation, width, 'muted', [], 3));
      }
      if (unanswered.length > 0) body.push(BLANK, ...paragraphs(`Not answered: ${questionNumbers(unanswered)}. Their answers stay hidden; r asks them on a fresh cluster.`, width, 'muted'));
    } else if (score.total > 0) body.push(BLANK, ...paragraphs('Nothing missed.', width, 'good'));
    const hints: Hint[] = [
      { keys: 'Enter', what: 'done' },
      ...(missed.length > 0 ? [{ keys: 'r', what: 'retry missed' }] : []),
      { keys: updown, what: 'scroll' },
      { keys: '?', what: 'keys' },
      { keys: 'q', what: 'back' },
    ];
    return { title, header: [[seg(` Quiz ${quiz.code}`, 'strong'), seg(`${g.sep}finished`, 'muted')]], body, scroll: q.scroll, focus: null, hints };
  }

  const question = currentQuestion(s)!;
  const header: Line[] = [[seg(` Question ${s.current + 1} of ${quiz.questions.length}`, 'strong'), seg(`${g.sep}code ${quiz.code}${g.sep}lesson ${question.lessons[0] ?? '-'}`, 'muted')]];

  if (s.phase === 'feedback') {
    const fb = s.feedback;
    const ans = s.answers.at(-1);
    const key = question.key;
    const out: Line[] = [];
    if (fb?.kind === 'right') {
      out.push(...paragraphs(`Right: ${key + 1}. ${question.choices[key]!.text}`, width, 'good'));
      out.push(...paragraphs(question.explanation, width));
    } else {
      if (fb?.kind === 'wrong' && ans?.choice != null) out.push(...paragraphs(`Not right: ${ans.choice + 1}. ${question.choices[ans.choice]!.text}`, width, 'bad'), ...paragraphs(question.choices[ans.choice]!.explanation, width));
      if (fb?.kind === 'skipped') out.push(...paragraphs('Skipped.', width, 'muted'));
      out.push(BLANK, ...paragraphs(`The answer: ${key + 1}. ${question.choices[key]!.text}`, width, 'strong'), ...paragraphs(question.explanation, width));
    }
    const marks = new Map<number, { text: string; tone: Tone }>();
    for (const t of s.tries) if (t !== key) marks.set(t, { text: '(tried)', tone: 'bad' });
    marks.set(key, { text: '(the answer)', tone: 'good' });
    const { body } = questionBody(question, null, theme, width, [...out, BLANK], [], marks);
    const last = s.current + 1 >= quiz.questions.length;
    const hints: Hint[] = [
      { keys: 'Enter', what: last ? 'the score' : 'next question' },
      ...(question.basis !== null ? [{ keys: 's', what: questionHop(question) !== null ? 'this hop in the stepper' : 'its trace in the stepper' }] : []),
      { keys: updown, what: 'scroll' },
      { keys: '?', what: 'keys' },
      { keys: 'q', what: 'stop' },
    ];
    return { title, header, body, scroll: q.scroll, focus: null, hints };
  }

  const after: Line[] = [];
  const fb = s.feedback;
  if (fb?.kind === 'retry') {
    after.push(BLANK, ...paragraphs(`Not right: ${question.choices[fb.choice]!.explanation}`, width, undefined, [seg('', 'bad')]), ...paragraphs('One more try.', width, 'focus'));
  } else if (fb?.kind === 'repeat') {
    after.push(BLANK, ...paragraphs(`You tried ${fb.choice + 1} already; choose another.`, width, 'focus'));
  }
  if (s.hintShown) after.push(BLANK, ...paragraphs(`Hint: ${question.hint}`, width, 'em'));
  const marks = new Map<number, { text: string; tone: Tone }>();
  for (const t of s.tries) marks.set(t, { text: '(tried)', tone: 'bad' });
  const { body, focus } = questionBody(question, q.cursor, theme, width, [], after, marks);
  const n = question.choices.length;
  const hints: Hint[] = [
    { keys: `1-${n}`, what: 'answer' },
    { keys: `${updown} Enter`, what: 'choose' },
    ...(s.hintShown ? [] : [{ keys: 'h', what: 'hint' }]),
    { keys: 's', what: 'skip' },
    { keys: '?', what: 'keys' },
    { keys: 'q', what: 'stop' },
  ];
  return { title, header, body, scroll: q.scroll, focus, hints };
}
