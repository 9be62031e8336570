// Syscall definitions are data: one record per import a guest may call,
// giving its name as strace prints it, its classes for trace filters
// (strace's %file, %desc, %net, ...), whether it may suspend (that list feeds
// Asyncify), the kinds of its parameters (for trace decoding), and its
// handler. Handlers run on the guest's behalf: they return an errno (0 for
// success), throw Errno, or return BLOCKED after Process.block().
import type { Process } from './process.js';

/** Returned by a handler that suspended the calling process. */
export const BLOCKED = -0x10000;
/** Returned by fork's handler: the process unwinds and the kernel copies it (Process.forkAtUnwind). */
export const FORK = -0x10001;

export type SyscallClass = 'file' | 'desc' | 'net' | 'process' | 'memory' | 'clock' | 'signal' | 'ipc';

/**
 * Parameter kinds, for decoding in traces. Pointers are guest addresses; an
 * out-pointer ("out:*") is written by the call.
 */
export type ParamKind =
  | 'fd' | 'i32' | 'u32' | 'i64' | 'u64' | 'ptr' | 'len' | 'flags' | 'out' | 'str' | 'strlen' | 'iovs' | 'iovcnt'
  // socket calls: a sockaddr read (with the next len param) or written (with an in/out length), and other structs
  | 'sockaddr' | 'sockaddr_out' | 'inout' | 'msghdr' | 'pollfds' | 'fdset' | 'timeval' | 'cstr';

export type Handler = (p: Process, ...args: never[]) => number;

export interface SyscallDef {
  /** Import module, e.g. wasi_snapshot_preview1 or socklab. */
  readonly module: string;
  /** Import name. */
  readonly name: string;
  /** The name strace would print for the equivalent Linux call. */
  readonly strace: string;
  readonly classes: readonly SyscallClass[];
  readonly params: readonly { readonly name: string; readonly kind: ParamKind }[];
  /** May suspend the guest: listed for Asyncify. */
  readonly mayBlock: boolean;
  /** Never returns to the guest (proc_exit): imported without a result; every other call returns an i32 errno. */
  readonly noReturn?: boolean;
  readonly handler: Handler;
}

export type SyscallTable = readonly SyscallDef[];

/** Helper to declare a table compactly: params as "name:kind" strings. */
export function syscall(
  module: string,
  name: string,
  spec: { strace?: string; classes?: SyscallClass[]; params?: string[]; mayBlock?: boolean; noReturn?: boolean },
  handler: Handler,
): SyscallDef {
  return {
    module,
    name,
    strace: spec.strace ?? name,
    classes: spec.classes ?? [],
    params: (spec.params ?? []).map((s) => {
      const [n, k] = s.split(':');
      return { name: n!, kind: (k ?? 'i32') as ParamKind };
    }),
    mayBlock: spec.mayBlock ?? false,
    ...(spec.noReturn ? { noReturn: true } : {}),
    handler,
  };
}
