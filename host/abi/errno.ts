// One table for every errno socklab can produce: the Linux name and number
// (what traces print and what native programs see), the number the guest sees
// (wasi-libc's numbering, extended past 76 for Linux errnos WASI lacks), and
// glibc's strerror text (the guest SDK's strerror/perror use the same texts).

export interface ErrnoInfo {
  readonly name: string;
  readonly linux: number;
  readonly wasi: number;
  readonly message: string;
}

// [name, linux number, wasi number, glibc message]
const TABLE: ReadonlyArray<readonly [string, number, number, string]> = [
  ['E2BIG', 7, 1, 'Argument list too long'],
  ['EACCES', 13, 2, 'Permission denied'],
  ['EADDRINUSE', 98, 3, 'Address already in use'],
  ['EADDRNOTAVAIL', 99, 4, 'Cannot assign requested address'],
  ['EAFNOSUPPORT', 97, 5, 'Address family not supported by protocol'],
  ['EAGAIN', 11, 6, 'Resource temporarily unavailable'],
  ['EALREADY', 114, 7, 'Operation already in progress'],
  ['EBADF', 9, 8, 'Bad file descriptor'],
  ['EBADMSG', 74, 9, 'Bad message'],
  ['EBUSY', 16, 10, 'Device or resource busy'],
  ['ECANCELED', 125, 11, 'Operation canceled'],
  ['ECHILD', 10, 12, 'No child processes'],
  ['ECONNABORTED', 103, 13, 'Software caused connection abort'],
  ['ECONNREFUSED', 111, 14, 'Connection refused'],
  ['ECONNRESET', 104, 15, 'Connection reset by peer'],
  ['EDEADLK', 35, 16, 'Resource deadlock avoided'],
  ['EDESTADDRREQ', 89, 17, 'Destination address required'],
  ['EDOM', 33, 18, 'Numerical argument out of domain'],
  ['EDQUOT', 122, 19, 'Disk quota exceeded'],
  ['EEXIST', 17, 20, 'File exists'],
  ['EFAULT', 14, 21, 'Bad address'],
  ['EFBIG', 27, 22, 'File too large'],
  ['EHOSTUNREACH', 113, 23, 'No route to host'],
  ['EIDRM', 43, 24, 'Identifier removed'],
  ['EILSEQ', 84, 25, 'Invalid or incomplete multibyte or wide character'],
  ['EINPROGRESS', 115, 26, 'Operation now in progress'],
  ['EINTR', 4, 27, 'Interrupted system call'],
  ['EINVAL', 22, 28, 'Invalid argument'],
  ['EIO', 5, 29, 'Input/output error'],
  ['EISCONN', 106, 30, 'Transport endpoint is already connected'],
  ['EISDIR', 21, 31, 'Is a directory'],
  ['ELOOP', 40, 32, 'Too many levels of symbolic links'],
  ['EMFILE', 24, 33, 'Too many open files'],
  ['EMLINK', 31, 34, 'Too many links'],
  ['EMSGSIZE', 90, 35, 'Message too long'],
  ['EMULTIHOP', 72, 36, 'Multihop attempted'],
  ['ENAMETOOLONG', 36, 37, 'File name too long'],
  ['ENETDOWN', 100, 38, 'Network is down'],
  ['ENETRESET', 102, 39, 'Network dropped connection on reset'],
  ['ENETUNREACH', 101, 40, 'Network is unreachable'],
  ['ENFILE', 23, 41, 'Too many open files in system'],
  ['ENOBUFS', 105, 42, 'No buffer space available'],
  ['ENODEV', 19, 43, 'No such device'],
  ['ENOENT', 2, 44, 'No such file or directory'],
  ['ENOEXEC', 8, 45, 'Exec format error'],
  ['ENOLCK', 37, 46, 'No locks available'],
  ['ENOLINK', 67, 47, 'Link has been severed'],
  ['ENOMEM', 12, 48, 'Cannot allocate memory'],
  ['ENOMSG', 42, 49, 'No message of desired type'],
  ['ENOPROTOOPT', 92, 50, 'Protocol not available'],
  ['ENOSPC', 28, 51, 'No space left on device'],
  ['ENOSYS', 38, 52, 'Function not implemented'],
  ['ENOTCONN', 107, 53, 'Transport endpoint is not connected'],
  ['ENOTDIR', 20, 54, 'Not a directory'],
  ['ENOTEMPTY', 39, 55, 'Directory not empty'],
  ['ENOTRECOVERABLE', 131, 56, 'State not recoverable'],
  ['ENOTSOCK', 88, 57, 'Socket operation on non-socket'],
  // Linux has one number (95) for both names; strace prints EOPNOTSUPP.
  ['EOPNOTSUPP', 95, 58, 'Operation not supported'],
  ['ENOTTY', 25, 59, 'Inappropriate ioctl for device'],
  ['ENXIO', 6, 60, 'No such device or address'],
  ['EOVERFLOW', 75, 61, 'Value too large for defined data type'],
  ['EOWNERDEAD', 130, 62, 'Owner died'],
  ['EPERM', 1, 63, 'Operation not permitted'],
  ['EPIPE', 32, 64, 'Broken pipe'],
  ['EPROTO', 71, 65, 'Protocol error'],
  ['EPROTONOSUPPORT', 93, 66, 'Protocol not supported'],
  ['EPROTOTYPE', 91, 67, 'Protocol wrong type for socket'],
  ['ERANGE', 34, 68, 'Numerical result out of range'],
  ['EROFS', 30, 69, 'Read-only file system'],
  ['ESPIPE', 29, 70, 'Illegal seek'],
  ['ESRCH', 3, 71, 'No such process'],
  ['ESTALE', 116, 72, 'Stale file handle'],
  ['ETIMEDOUT', 110, 73, 'Connection timed out'],
  ['ETXTBSY', 26, 74, 'Text file busy'],
  ['EXDEV', 18, 75, 'Invalid cross-device link'],
  ['ENOTCAPABLE', 76, 76, 'Capabilities insufficient'],
  // Linux errnos that WASI preview1 has no number for: socklab's guest SDK
  // numbers them from 128 (documented in docs/abi.md).
  ['ESOCKTNOSUPPORT', 94, 128, 'Socket type not supported'],
  ['EPFNOSUPPORT', 96, 129, 'Protocol family not supported'],
  ['ESHUTDOWN', 108, 130, 'Cannot send after transport endpoint shutdown'],
  ['ETOOMANYREFS', 109, 131, 'Too many references: cannot splice'],
  ['EHOSTDOWN', 112, 132, 'Host is down'],
];

export const ERRNOS: readonly ErrnoInfo[] = TABLE.map(([name, linux, wasi, message]) => ({ name, linux, wasi, message }));

const byName = new Map<string, ErrnoInfo>(ERRNOS.map((e) => [e.name, e]));
byName.set('ENOTSUP', byName.get('EOPNOTSUPP')!);
byName.set('EWOULDBLOCK', byName.get('EAGAIN')!);
const byWasi = new Map<number, ErrnoInfo>(ERRNOS.map((e) => [e.wasi, e]));
const byLinux = new Map<number, ErrnoInfo>(ERRNOS.map((e) => [e.linux, e]));

/** Guest-visible errno numbers by Linux name: `E.ECONNREFUSED`. */
export const E = Object.freeze(Object.fromEntries([...byName].map(([n, e]) => [n, e.wasi]))) as Readonly<Record<ErrnoName, number>>;

export type ErrnoName = (typeof TABLE)[number][0] | 'ENOTSUP' | 'EWOULDBLOCK';

export function errnoByName(name: string): ErrnoInfo | undefined {
  return byName.get(name.toUpperCase());
}
export function errnoByWasi(n: number): ErrnoInfo | undefined {
  return byWasi.get(n);
}
export function errnoByLinux(n: number): ErrnoInfo | undefined {
  return byLinux.get(n);
}
/** "ECONNREFUSED (Connection refused)", as strace prints a failed call. */
export function describeErrno(wasi: number): string {
  const e = byWasi.get(wasi);
  return e ? `${e.name} (${e.message})` : `errno ${wasi}`;
}

/** Thrown inside syscall handlers to fail the call with an errno. */
export class Errno extends Error {
  /** `note`: why, for the trace line (a policy refusal, something the real network cannot do). */
  constructor(readonly errno: number, detail?: string, readonly note?: string) {
    super(detail ?? describeErrno(errno));
  }
}
