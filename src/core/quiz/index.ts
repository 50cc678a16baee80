// The quiz API (pure). See src/core/quiz/README.md.

export * from './types.js';
export { parseSeed, seedToCode, deriveSeed, formatCheck, SEED_ALPHABET, type SeedParse } from './seed.js';
export { makeVariant, type QuizVariant, type VariantService } from './variant.js';
export { generateQuiz, quizOn, retrySpec, topicsFor, quizLessons, DEFAULT_COUNT, MAX_COUNT } from './quiz.js';
export { FORMAT_1_TOPICS, type TopicSpec } from './generators.js';
export { TOPICS, topicsOfFormat } from './topics.js';
export { predictionFor, predictionHop, PREDICT_ASKS, type PredictionContext } from './predict.js';
export {
  startSession,
  sessionReducer,
  sessionConfig,
  sessionScore,
  missedIndexes,
  questionNumbers,
  unansweredIndexes,
  summaryIndexes,
  currentQuestion,
  type SessionState,
  type SessionAction,
  type SessionConfig,
  type QuizMode,
  type AnswerRecord,
  type Feedback,
  type Phase,
  type EndReason,
  type Score,
  type SummaryIndexes,
} from './session.js';
export { quizResult, isoOf, RESULT_SCHEMA, type QuizResult, type QuizResultAnswer } from './results.js';
export { exportQuiz, EXPORT_FORMATS, type ExportFormat } from './export/index.js';
export { traceOfBasis } from './facts.js';
export { questionHop, type QuestionHop } from './question-hop.js';
export { whatGoesWrong, failureDraft, failureHop, failureValue, FAILURES, WHAT_GOES_WRONG_LESSONS, type FailureName } from './what-goes-wrong.js';
export { applyChange, type ClusterChange } from './cluster-change.js';
export { basisCluster } from './facts.js';
