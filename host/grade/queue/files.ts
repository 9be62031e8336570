// Directories as files-by-path for the queue: read through the grader's
// bounded copy (copySubmission: regular files and directories only, sizes
// and counts bounded), hashed by content, and written back out on the
// other side under a fresh directory only (no path may leave it).
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
      else files[rel] = fileData(readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** A file's contents as Files holds them: UTF-8 text as it is, anything else in base64. */
const fileData = (bytes: Buffer): Files[string] => (isUtf8(bytes) ? bytes.toString('utf8') : { base64: bytes.toString('base64') });
const fileBytes = (data: Files[string]): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.base64, 'base64'));

/** Reads `src` through the bounded copy (its rules and limits, nothing written to disk); `refused` says what was left out. */
export function readBounded(src: string, skip: (rel: string) => boolean = () => false): { files: Files; refused: SubmissionCopy['refused'] } {
  const files: Files = {};
  const { refused } = copySubmission(src, '', undefined, (rel, bytes) => {
    if (!skip(rel)) files[rel] = fileData(bytes);
  });
  return { files, refused };
}

export function hashFiles(files: Files, ...extra: string[]): string {
  const h = createHash('sha256');
  for (const e of extra) h.update(e).update('\0');
  for (const rel of Object.keys(files).sort()) {
    const data = files[rel]!;
    // A text and a binary file are told apart: the same characters in base64 are another file.
    h.update(rel).update(typeof data === 'string' ? '\0t' : '\0b').update(typeof data === 'string' ? data : data.base64).update('\0');
  }
  return h.digest('hex');
}

/** Writes `files` under `dir`; a path that is absolute or leaves `dir` is an error. */
export function writeTree(dir: string, files: Files): void {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  for (const [rel, data] of Object.entries(files)) {
    const p = resolve(root, rel);
    if (rel.startsWith('/') || rel.split('/').includes('..') || !p.startsWith(`${root}${sep}`)) throw new Error(`a file path leaves its directory: ${rel}`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, fileBytes(data));
  }
}
