// Drives a program in a real terminal: tmux at a fixed size, keys in, the screen out.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class TmuxSession {
  private constructor(
    readonly name: string,
    private readonly exitFile: string,
  ) {}

  /** Starts `command` in a detached tmux session of the given size; its exit code lands in exitFile. */
  static start(name: string, command: string, exitFile: string, env: Record<string, string> = {}, size = { cols: 80, rows: 24 }): TmuxSession {
    spawnSync('tmux', ['kill-session', '-t', name]);
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(size.cols), '-y', String(size.rows), ...envArgs, `${command}; echo $? > ${exitFile}; sleep 60`]);
    return new TmuxSession(name, exitFile);
  }

  send(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /** Polls the screen until `test` passes; returns that screen. */
  async waitFor(test: (screen: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
  }

  async exitCode(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (existsSync(this.exitFile)) {
        const text = readFileSync(this.exitFile, 'utf8').trim();
        if (text !== '') return Number(text);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the program did not exit; the screen was:\n${this.screen()}`);
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}

/** The tour sessions of one test file: each runs the installed CLI as a terminal user would (no CI). */
export class TourSessions {
  private readonly sessions: TmuxSession[] = [];

  constructor(private readonly prefix: string) {}

  start(bin: string, args: string, env: Record<string, string> = {}, size = { cols: 80, rows: 24 }): TmuxSession {
    const dir = mkdtempSync(join(tmpdir(), 'kpt-tmux-'));
    const name = `${this.prefix}-${process.pid}-${this.sessions.length}`;
    // env -u CI: the tmux server may have inherited CI=true, and a terminal user has no CI variable.
    const s = TmuxSession.start(name, `env -u CI node ${bin} ${args}`, join(dir, 'exit'), { TERM: 'xterm-256color', ...env }, size);
    this.sessions.push(s);
    return s;
  }

  killAll(): void {
    for (const s of this.sessions) s.kill();
  }
}
