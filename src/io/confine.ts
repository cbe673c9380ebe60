import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';
import { CliError } from './errors.js';

/**
 * A path written in a table is untrusted: `check` runs on pull requests, so a
 * table may come from anyone. Such a path must resolve (symlinks followed)
 * inside the directory that holds the table, or inside the git work tree that
 * encloses it; anything else is refused before the file is opened.
 */

/** The real path of `path`, following symlinks as far as the path exists; the rest is appended as written. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

/** The directory a table's paths may reach: the enclosing git work tree, else the table's own directory. */
function projectRoot(tablePath: string): string {
  const tableDir = realPath(dirname(resolve(tablePath)));
  for (let dir = tableDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return tableDir;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The file a table records at `key` (such as source.file), as a path from the
 * working directory, once it is known to stay inside the project.
 */
export function confinedPath(tablePath: string, recorded: string, key: string): string {
  const refuse = (why: string) =>
    new CliError(`${tablePath}: the table's ${key} points outside the project: ${why}; name the file on the command line (--costs FILE) if that is what you mean`);
  if (isAbsolute(recorded) || win32.isAbsolute(recorded)) throw refuse(`${recorded} is an absolute path`);
  const root = projectRoot(tablePath);
  const target = resolve(dirname(resolve(tablePath)), recorded);
  if (!inside(root, realPath(target))) throw refuse(`${recorded} resolves outside ${root}`);
  return relative(process.cwd(), target).split(sep).join('/') || '.';
}
