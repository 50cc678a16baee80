// Entry point: parse the command line, decide once between the interactive tour and plain
// output, and dispatch. Ink is imported lazily, only on the interactive path.

import { HELP } from './cli/help.js';
import { loadCluster } from './cli/load-cluster.js';
import { formatHelp } from './cli/format-help.js';
import { loadTour } from './cli/load-tour.js';
import { parseCommandLine, type Command } from './cli/options.js';
import { UsageError } from './cli/usage-error.js';
import { VERSION } from './version.js';

function out(text: string): void {
  process.stdout.write(text);
}

function interactive(command: Command): boolean {
  if (!('shared' in command) || command.shared.plain || command.shared.json) return false;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !inCI(process.env);
}

/** As Ink's is-in-ci decides it: any CI variable but "0"/"false" means CI (Ink then renders only the last frame). */
function inCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '0' && env.CI !== 'false';
}

/** Why the tour is printed rather than run, in the learner's terms. */
function plainReason(command: Command): string {
  if ('shared' in command && command.shared.plain) return '--plain was given';
  if ('shared' in command && command.shared.json) return '--json was given';
  if (!(process.stdin.isTTY && process.stdout.isTTY)) return 'not a terminal';
  return `CI is set (CI=${process.env.CI ?? ''}; unset it for the interactive tour)`;
}

function width(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : 0;
  return Math.max(40, Math.min(cols || 80, 100));
}

async function run(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv, process.env);
  switch (command.kind) {
    case 'help':
      out(formatHelp(HELP, process.stdout.isTTY ? Math.max(40, (process.stdout.columns || 80) - 1) : 80));
      return 0;
    case 'version':
      out(`${VERSION}\n`);
      return 0;
    case 'trace': {
      const { runTrace } = await import('./plain/trace-command.js');
      return runTrace(command, await loadCluster(command.shared.cluster), { width: width(), write: out });
    }
    case 'rules': {
      const { runRules } = await import('./plain/rules-command.js');
      return runRules(command, await loadCluster(command.shared.cluster), { write: out, now: new Date() });
    }
    case 'lab': {
      const { runLab } = await import('./lab/command.js');
      const loaded = await loadCluster(command.shared.cluster);
      return runLab(command.action, loaded.cluster, {
        write: out,
        writeErr: (s) => process.stderr.write(s),
        width: width(),
        ascii: command.shared.ascii,
        json: command.shared.json,
        proxyMode: command.shared.proxyMode,
        cni: command.cni,
        scenarios: command.scenarios ?? null,
      });
    }
    case 'quiz': {
      // On a terminal, a practice quiz opens in the tour; exports, results files, exams, timed
      // quizzes and retries of missed questions keep the plain flow (as does a pipe).
      if (interactive(command) && command.exportFormat === null && command.results === null && !command.exam && command.timeLimitMs === null && command.retryMissed === null) {
        const { randomInt } = await import('node:crypto');
        const loaded = await loadCluster(command.shared.cluster);
        const { runTour } = await loadTour();
        return runTour({
          start: { screen: 'quiz', count: command.count, lesson: command.lesson, seed: command.seed?.seed ?? randomInt(0, 2 ** 32), format: command.seed?.format },
          ascii: command.shared.ascii,
          color: command.shared.color,
          screenReader: command.shared.screenReader,
          cluster: loaded.cluster,
        });
      }
      const { runQuiz } = await import('./plain/quiz-command.js');
      return runQuiz(command, { write: out, writeErr: (s) => process.stderr.write(s), width: width(), env: process.env, input: process.stdin });
    }
    case 'progress': {
      const { runProgress } = await import('./plain/progress-command.js');
      return runProgress(command, { write: out, writeErr: (s) => process.stderr.write(s), env: process.env, interactive: interactive(command) });
    }
    case 'lessons':
    case 'lesson':
    case 'tour': {
      const { getLesson, loadLessons } = await import('./content/index.js');
      if (command.kind === 'lesson' && getLesson(command.lesson) === undefined) {
        const ids = loadLessons().map((l) => l.id);
        throw new UsageError(`there is no lesson ${command.lesson}; lessons are ${ids[0]}-${ids.at(-1)}`);
      }
      if (interactive(command) && command.kind !== 'lessons') {
        const loaded = await loadCluster(command.shared.cluster);
        const { runTour } = await loadTour();
        return runTour({
          start: command.kind === 'lesson' ? { screen: 'lesson', lesson: command.lesson } : { screen: 'home' },
          ascii: command.shared.ascii,
          color: command.shared.color,
          screenReader: command.shared.screenReader,
          cluster: loaded.cluster,
        });
      }
      const { lessonText, lessonsListText } = await import('./plain/lesson-text.js');
      const style = { width: width(), ascii: command.shared.ascii };
      if (command.kind === 'lesson') out(lessonText(getLesson(command.lesson)!, style));
      else {
        if (command.kind === 'tour') out(`kube-packet-tour ${VERSION}: ${plainReason(command)}, so here is the tour as text.\n\n`);
        out(lessonsListText(loadLessons()));
        if (command.kind === 'tour') out(`\nOther commands: trace, rules, quiz, progress, lab (kube-packet-tour --help).\n`);
      }
      return 0;
    }
  }
}

async function main(): Promise<void> {
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`kube-packet-tour: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`kube-packet-tour: internal error: ${message}\n`);
    if (process.env.KPT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

// A closed pipe (| head) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

await main();
