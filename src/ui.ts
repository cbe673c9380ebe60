/**
 * Where output goes and how it looks, decided once per run: colour only when
 * the stream is a terminal (or FORCE_COLOR asks for it), never with NO_COLOR
 * or --no-color. Renderers receive a Style and stay pure.
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

export const PLAIN_STYLE: Style = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
  cyan: (t) => t,
};

/** A progress bar on stderr: `update` as bytes are read, `done` to clear it. */
export interface Progress {
  update(read: number, total: number | undefined): void;
  done(): void;
}

export interface Ui {
  json: boolean;
  style: Style;
  /** The style for stderr, which may be a terminal when stdout is not. */
  errStyle: Style;
  out(text: string): void;
  err(text: string): void;
  warn(text: string): void;
  /** A progress bar, only when stderr is a terminal (never in logs or pipes). */
  progress?(): Progress | undefined;
}

/** A bar of # and -, the share read and the megabytes; without a known total, the megabytes alone. */
function stderrProgress(errStyle: Style): Progress {
  return {
    update(read, total) {
      const mb = `${(read / 1e6).toFixed(1)} MB`;
      if (total === undefined || total === 0) return void process.stderr.write(`\r\u001b[Kreading ${mb}`);
      const share = Math.min(1, read / total);
      const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '-');
      process.stderr.write(`\r\u001b[K${errStyle.dim(`[${bar}] ${Math.round(share * 100)}% ${mb}`)}`);
    },
    done: () => void process.stderr.write('\r\u001b[K'),
  };
}

export function colorWanted(stream: NodeJS.WriteStream, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag || (env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

async function styleFor(enabled: boolean): Promise<Style> {
  if (!enabled) return PLAIN_STYLE;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { bold: chalk.bold, dim: chalk.dim, red: chalk.red, yellow: chalk.yellow, green: chalk.green, cyan: chalk.cyan };
}

export async function createUi(options: { json?: boolean; color?: boolean }): Promise<Ui> {
  const noColor = options.color === false;
  const style = await styleFor(colorWanted(process.stdout, noColor));
  const errStyle = await styleFor(colorWanted(process.stderr, noColor));
  return {
    json: options.json === true,
    style,
    errStyle,
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    warn: (text) => void process.stderr.write(`${errStyle.yellow('warning:')} ${text}\n`),
    progress: () => (process.stderr.isTTY ? stderrProgress(errStyle) : undefined),
  };
}
