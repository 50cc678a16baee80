// The topics each quiz format draws from. A format's list never changes once released: a later
// format appends, so a quiz code keeps its questions (its check names its format, seed.ts).

import { FORMAT_1_TOPICS, type TopicSpec } from './generators.js';
import { QUIZ_FORMAT, type QuizFormat } from './types.js';
import { WHAT_GOES_WRONG_LESSONS, whatGoesWrong } from './what-goes-wrong.js';

const FORMAT_2_TOPICS: readonly TopicSpec[] = [
  ...FORMAT_1_TOPICS,
  // One topic for every failure scenario, so failures are one question in about 29 rather than
  // crowding out how things work; each question carries its own failure's lessons.
  { topic: 'what-goes-wrong', lessons: WHAT_GOES_WRONG_LESSONS, make: whatGoesWrong },
];

export function topicsOfFormat(format: QuizFormat): readonly TopicSpec[] {
  return format === 1 ? FORMAT_1_TOPICS : FORMAT_2_TOPICS;
}

/** The current format's topics. */
export const TOPICS: readonly TopicSpec[] = topicsOfFormat(QUIZ_FORMAT);
