// The lab's handle on one pod's agent process (see agent.ts): start it inside the pod's namespace,
// wait until its servers listen, send it commands, collect its events.

import type { ChildProcess } from 'node:child_process';
import { AGENT_SOURCE, type AgentConfig, type AgentEvent, type AgentReply } from './agent.js';
import { spawnInNs, waitExit } from './exec.js';
import { spawn } from 'node:child_process';

export class AgentHandle {
  readonly events: (AgentEvent & { readonly at: bigint })[] = [];
  private readonly waiting = new Map<number, (r: AgentReply) => void>();
  private nextId = 1;
  private buffer = '';
  private stderr = '';
  private readyPromise: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.readyPromise = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent in ${name} did not start in 10 s${this.stderr ? `: ${this.stderr.trim()}` : ''}`)), 10_000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        this.buffer += d;
        let i: number;
        while ((i = this.buffer.indexOf('\n')) >= 0) {
          const line = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 1);
          let msg: (AgentEvent | AgentReply) & Record<string, unknown>;
          try {
            msg = JSON.parse(line);
          } catch {
            continue;
          }
          if ('ev' in msg) {
            const ev = msg as AgentEvent;
            this.events.push({ ...ev, at: process.hrtime.bigint() });
            if (ev.ev === 'ready') { clearTimeout(timer); resolve(); }
            if (ev.ev === 'error' && /^listen/.test(ev.message)) { clearTimeout(timer); reject(new Error(`the agent in ${name}: ${ev.message}`)); }
          } else if (typeof msg.id === 'number') {
            const w = this.waiting.get(msg.id);
            this.waiting.delete(msg.id);
            w?.(msg as AgentReply);
          }
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the agent in ${name} exited (${code})${this.stderr ? `: ${this.stderr.trim()}` : ''}`));
        for (const [, w] of this.waiting) w({ id: -1, ok: false, code: 'EAGENT', message: 'agent exited' });
        this.waiting.clear();
      });
    });
    this.readyPromise.catch(() => undefined);
  }

  /** Starts the agent in network namespace `ns` (or, for tests, without one when ns is null). */
  static start(ns: string | null, config: AgentConfig): AgentHandle {
    const env = { ...process.env, KPT_AGENT: JSON.stringify(config), ...(ns === null ? {} : { KPT_LAB_NS: ns }) };
    const argv = [process.execPath, '-e', AGENT_SOURCE];
    const child = ns === null
      ? spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawnInNs(ns, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => undefined);
    return new AgentHandle(config.name, child);
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  request(command: Record<string, unknown>, timeoutMs = 8000): Promise<AgentReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ id, ok: false, code: 'EAGENTTIMEOUT', message: `the agent in ${this.name} did not answer` });
      }, timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    this.child.kill('SIGTERM');
    await waitExit(this.child, 2000);
  }
}
