// Reading a file whose path a user (or a student, or a guest) chose: the
// module of `socklab run`, scenario files, grading specs and their test
// files, submission sources, files a guest left for a grader's check.
//
// One way in, so every such read is bounded and cannot hang: the file is
// opened with O_NONBLOCK (a FIFO without a writer opens at once instead of
// blocking), the *opened* descriptor is fstat'ed (no race between a check
// of the path and the open), anything but a regular file is refused, and
// the size limit holds while reading (a file that grows, or lies about its
// size, stops at the limit). With `noFollow`, a symlink as the last
// component is refused too (O_NOFOLLOW).
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Limits for what socklab reads from user-supplied paths (docs/cli.md, docs/grading.md). */
export const USER_FILE_LIMITS = {
  /** A WebAssembly module given to socklab run (or named by a scenario). */
  module: 256 << 20,
  /** A YAML/JSON file: scenario, grading spec, included tests. */
  yaml: 4 << 20,
  /** A source file: of a submission, socklab build, a check function. */
  source: 4 << 20,
} as const;

export type UserFileProblem = 'missing' | 'denied' | 'not-regular' | 'symlink' | 'too-large' | 'unreadable';

/** A user-supplied file socklab will not read; the message is one line and never quotes the file. */
export class UserFileError extends Error {
  /**
   * @param label what and where, e.g. "module /dev/zero"
   * @param reason what is wrong, e.g. "not a regular file (a character device)": the message is "label: reason"
   */
  constructor(label: string, readonly reason: string, readonly problem: UserFileProblem, readonly path: string, readonly errno?: string) {
    super(label ? `${label}: ${reason}` : reason);
    this.name = 'UserFileError';
  }
}

export interface UserFileOptions {
  /** Refuse files larger than this many bytes. */
  maxBytes: number;
  /** What the file is, for the message: "module", "scenario file", ... ("": the path alone) */
  what: string;
  /** Refuse a symlink (as the last component of the path) instead of following it. */
  noFollow?: boolean;
}

/** "4 MiB", "256 MiB", "1.5 KiB", "100 bytes" */
export function sizeText(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** What a non-regular file is, in words. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFile()) return 'a regular file';
  return 'not a file socklab knows';
}

const CHUNK = 64 << 10;

/** Reads a user-supplied regular file, at most `maxBytes` of it, or throws a UserFileError. */
export function readUserFile(path: string, opts: UserFileOptions): Buffer {
  const label = opts.what ? `${opts.what} ${path}` : path;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserFileError(label, `no such file`, 'missing', path, code);
    if (code === 'EACCES' || code === 'EPERM') throw new UserFileError(label, `permission denied`, 'denied', path, code);
    if (code === 'ELOOP' && opts.noFollow) throw new UserFileError(label, `not a regular file (a symbolic link)`, 'symlink', path, code);
    // ENXIO: a Unix socket; ENODEV, EISDIR and the like: nothing to read.
    if (code === 'ENXIO' || code === 'ENODEV' || code === 'EISDIR') throw new UserFileError(label, `not a regular file`, 'not-regular', path, code);
    throw new UserFileError(label, `cannot read it (${code ?? (e as Error).message})`, 'unreadable', path, code);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserFileError(label, `not a regular file (${fileKind(st)})`, 'not-regular', path);
    const tooLarge = (): UserFileError => new UserFileError(label, `larger than ${sizeText(opts.maxBytes)}, the limit`, 'too-large', path);
    if (st.size > opts.maxBytes) throw tooLarge();
    // The size fstat gave is a hint: read until EOF, never past the limit.
    let buf = Buffer.allocUnsafe(st.size + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, CHUNK), opts.maxBytes + 1));
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
      let n: number;
      try {
        n = readSync(fd, buf, total, buf.length - total, null);
      } catch (e) {
        throw new UserFileError(label, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'unreadable', path);
      }
      if (n === 0) break;
      total += n;
      if (total > opts.maxBytes) throw tooLarge();
    }
    return buf.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}

/** readUserFile as UTF-8 text. */
export function readUserText(path: string, opts: UserFileOptions): string {
  return readUserFile(path, opts).toString('utf8');
}
