import { spawn } from '@lydell/node-pty';
import { BIN, childEnv } from '../helpers.js';

/** The built binary in a real pseudo-terminal, answered prompt by prompt. */
export class Terminal {
  private output = '';
  private seen = 0;
  readonly exited: Promise<number>;
  private readonly pty;

  constructor(args: string[], cwd: string) {
    this.pty = spawn(process.execPath, [BIN, ...args], {
      cols: 140,
      rows: 50,
      cwd,
      env: childEnv({ TERM: 'xterm' }),
    });
    this.pty.onData((data) => (this.output += data));
    this.exited = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** The screen text so far, without terminal control sequences. */
  get text(): string {
    return this.output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  }

  /** Waits until `prompt` appears after everything already answered, then types `keys`. */
  async answer(prompt: string, keys: string, timeoutMs = 15_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const at = this.text.indexOf(prompt, this.seen);
      if (at !== -1) {
        this.seen = at + prompt.length;
        // Give the prompt a moment to take the keyboard before typing.
        await new Promise((r) => setTimeout(r, 60));
        this.pty.write(keys);
        return;
      }
      if (Date.now() - start > timeoutMs) throw new Error(`no prompt "${prompt}" in:\n${this.text.slice(this.seen)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Types each key after a pause, for prompts that read one key at a time. */
  async type(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.pty.write(key);
      await new Promise((r) => setTimeout(r, 60));
    }
  }
}

export const ENTER = '\r';
export const DOWN = '\u001b[B';
export const SPACE = ' ';
export const CTRL_C = '\u0003';
