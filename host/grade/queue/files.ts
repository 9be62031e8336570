// Directories as files-by-path for the queue: read through the grader's
// bounded copy (copySubmission: regular files and directories only, sizes
// and counts bounded), hashed by content, and written back out on the
// other side under a fresh directory only (no path may leave it).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { copySubmission, type SubmissionCopy } from '../submission.js';
import type { Files } from './protocol.js';

/** Every regular file under `dir`, by relative path with /. */
export function readTree(dir: string, skip: (rel: string) => boolean = () => false): Files {
  const files: Files = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p).split(sep).join('/');
      if (skip(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else files[rel] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return files;
}

/** Reads `src` through the bounded copy; `refused` says what was left out. */
export function readBounded(src: string, skip?: (rel: string) => boolean): { files: Files; refused: SubmissionCopy['refused'] } {
  const work = mkdtempSync(join(tmpdir(), 'socklab-queue-'));
  try {
    const copy = copySubmission(src, join(work, 'copy'));
    return { files: readTree(copy.dir, skip), refused: copy.refused };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function hashFiles(files: Files, ...extra: string[]): string {
  const h = createHash('sha256');
  for (const e of extra) h.update(e).update('\0');
  for (const rel of Object.keys(files).sort()) h.update(rel).update('\0').update(files[rel]!).update('\0');
  return h.digest('hex');
}

/** Writes `files` under `dir`; a path that is absolute or leaves `dir` is an error. */
export function writeTree(dir: string, files: Files): void {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  for (const [rel, b64] of Object.entries(files)) {
    const p = resolve(root, rel);
    if (rel.startsWith('/') || rel.split('/').includes('..') || !p.startsWith(`${root}${sep}`)) throw new Error(`a file path leaves its directory: ${rel}`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, Buffer.from(b64, 'base64'));
  }
}
