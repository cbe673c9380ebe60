import { execFile } from 'node:child_process';
import { CliError } from './errors.js';
import type { Source } from './source.js';
import { TABLE_LIMIT } from './table.js';

/** A file as committed at a revision: "main:credits.yaml", "HEAD~1:pricing/credits.yaml". */
export interface Revision {
  rev: string;
  path: string;
}

/** Reads "REV:path" as a revision, or undefined when the text is not of that form. */
export function parseRevision(text: string): Revision | undefined {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { rev: text.slice(0, at), path: text.slice(at + 1) };
}

/**
 * The bytes of a file at a revision, through `git show`. git is given an
 * argument list, never a shell, and a revision or path that starts with "-"
 * is refused, so neither can become one of git's options
 * ("--output=/tmp/x:credits.yaml" must not write a file).
 */
export function readRevision({ rev, path }: Revision): Promise<Source> {
  const name = `${rev}:${path}`;
  if (rev.startsWith('-') || path.startsWith('-')) {
    return Promise.reject(new CliError(`${name}: a revision or path may not start with "-"`));
  }
  // "./" makes the path relative to the working directory, as paths on the command line are.
  const spec = `${rev}:${path.startsWith('/') ? path : `./${path.replace(/^\.\//, '')}`}`;
  return new Promise((resolve, reject) => {
    execFile('git', ['show', '--end-of-options', spec], { encoding: 'buffer', maxBuffer: TABLE_LIMIT, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ name, bytes: stdout });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new CliError(`${name}: git is not installed, so a table cannot be read from a revision`));
      if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new CliError(`${name}: larger than the ${TABLE_LIMIT / 1024 / 1024} MiB a table may be`));
      const why = stderr.toString('utf8').split('\n').find((line) => line.trim() !== '') ?? error.message;
      reject(new CliError(`${name}: git could not read it (${why.replace(/^fatal: /, '')})`));
    });
  });
}

/** A commit of a file: its hash and when it was committed (epoch ms, from git's ISO date with its offset). */
export interface FileCommit {
  hash: string;
  at: number;
}

/**
 * The commits that changed a file, oldest first, through `git log` (an
 * argument list, never a shell; the path after "--", and refused when it
 * starts with "-").
 */
export function fileCommits(path: string): Promise<FileCommit[]> {
  if (path.startsWith('-')) return Promise.reject(new CliError(`${path}: a path may not start with "-"`));
  return new Promise((resolve, reject) => {
    execFile('git', ['log', '--follow', '--format=%H %cI', '--', path], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new CliError('--history git: git is not installed'));
        const why = stderr.split('\n').find((line) => line.trim() !== '') ?? error.message;
        return reject(new CliError(`--history git: git could not list the commits of ${path} (${why.replace(/^fatal: /, '')})`));
      }
      const commits = stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const [hash, date] = line.trim().split(' ');
          return { hash: hash!, at: Date.parse(date!) };
        })
        .reverse();
      resolve(commits);
    });
  });
}
