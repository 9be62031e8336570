// A submission is untrusted: before anything reads it, it is copied into a
// fresh directory, and everything downstream (the build, diagnostics)
// reads only the copy. Only regular files and directories are copied; a
// symlink (to /etc/passwd, to the spec's hidden tests), a device, a FIFO,
// a socket is refused with a one-line message naming the file and never
// its target's content. Sizes and counts are bounded.
import { lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileKind, readUserFile, sizeText, UserFileError } from '../fs/userfile.js';

export const SUBMISSION_LIMITS = {
  /** Bytes of one file. */
  fileBytes: 4 << 20,
  /** Regular files in all. */
  files: 1000,
  /** Bytes of all files together. */
  totalBytes: 64 << 20,
  /** Directory levels below the submission. */
  depth: 16,
};
export type SubmissionLimits = typeof SUBMISSION_LIMITS;

export interface SubmissionCopy {
  /** The copy: regular files and directories only. */
  dir: string;
  /** Paths (relative, with /) that were not copied -> why, one line each ("prog.c: not a regular file (a symbolic link)"). */
  refused: Map<string, string>;
}

/** A submission directory that is missing or not a directory: a usage error of whoever named it. */
export class SubmissionDirError extends Error {}

/** Throws a SubmissionDirError unless `path` is a directory (the instructor's path: a symlink to a directory is fine). */
export function checkSubmissionDir(path: string, flag: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SubmissionDirError(`${flag} ${path}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such directory' : `cannot read it (${code})`}`);
  }
  if (!st.isDirectory()) throw new SubmissionDirError(`${flag} ${path}: not a directory`);
}

/**
 * Copies the submission `src` into `dest` (created; must not exist), refusing what is not a regular file or a directory.
 * With `take`, each file read is handed to it (by relative path with /) and nothing is written (the queue's submitter).
 */
export function copySubmission(src: string, dest: string, limits: SubmissionLimits = SUBMISSION_LIMITS, take?: (rel: string, bytes: Buffer) => void): SubmissionCopy {
  const refused = new Map<string, string>();
  let files = 0;
  let total = 0;
  const walk = (from: string, to: string, rel: string, depth: number): void => {
    if (!take) mkdirSync(to, { recursive: depth === 0 });
    let names: string[];
    try {
      names = readdirSync(from).sort();
    } catch (e) {
      refused.set(rel || '.', `${rel || '.'}: cannot read the directory (${(e as NodeJS.ErrnoException).code})`);
      return;
    }
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(from, name);
      // A name with a newline (or any control character) is quoted: it must not add a line of its own to the feedback.
      const refuse = (why: string): void => void refused.set(r, `${/[\x00-\x1f\x7f]/.test(r) ? JSON.stringify(r) : r}: ${why}`);
      let st;
      try {
        st = lstatSync(p);
      } catch (e) {
        refuse(`cannot read it (${(e as NodeJS.ErrnoException).code})`);
        continue;
      }
      if (st.isDirectory()) {
        if (depth + 1 > limits.depth) refuse(`not copied: more than ${limits.depth} directory levels`);
        else walk(p, join(to, name), r, depth + 1);
        continue;
      }
      if (!st.isFile()) {
        refuse(`not a regular file (${fileKind(st)})`);
        continue;
      }
      if (files >= limits.files) {
        refuse(`not copied: the submission has more than ${limits.files} files`);
        continue;
      }
      const room = limits.totalBytes - total;
      if (st.size <= limits.fileBytes && st.size > room) {
        refuse(`not copied: the submission is larger than ${sizeText(limits.totalBytes)} in all`);
        continue;
      }
      let bytes: Buffer;
      try {
        // O_NOFOLLOW and fstat on the opened file: what was lstat'ed above cannot have become something else.
        bytes = readUserFile(p, { maxBytes: Math.min(limits.fileBytes, Math.max(room, 0)), what: '', noFollow: true });
      } catch (e) {
        if (!(e instanceof UserFileError)) throw e;
        refuse(e.problem === 'too-large' && st.size <= limits.fileBytes ? `not copied: the submission is larger than ${sizeText(limits.totalBytes)} in all` : e.problem === 'too-large' ? `larger than ${sizeText(limits.fileBytes)}, the limit for one file` : e.reason);
        continue;
      }
      files++;
      total += bytes.length;
      if (take) take(r, bytes);
      else writeFileSync(join(to, name), bytes, { flag: 'wx' });
    }
  };
  walk(src, dest, '', 0);
  return { dir: dest, refused };
}

/** The feedback's paragraph on what was not copied ('' when everything was). */
export function refusedText(copy: SubmissionCopy): string {
  if (!copy.refused.size) return '';
  const lines = [...copy.refused.values()];
  const shown = lines.slice(0, 20).map((l) => `  ${l}`);
  if (lines.length > 20) shown.push(`  ... and ${lines.length - 20} more`);
  return `Some files of the submission were not used (a submission may hold only regular files and directories, at most ${SUBMISSION_LIMITS.files} files of ${sizeText(SUBMISSION_LIMITS.fileBytes)} each, ${sizeText(SUBMISSION_LIMITS.totalBytes)} in all):\n${shown.join('\n')}`;
}
