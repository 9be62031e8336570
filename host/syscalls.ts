// The complete syscall table a guest may import, assembled from each
// subsystem's own table, plus the lists derived from it for the loader.
import type { SyscallDef } from './kernel/syscall.js';
import { wasiCoreSyscalls } from './wasi/core.js';
import { fileSyscalls } from './wasi/files.js';
import { createSocketSyscalls } from './net/syscalls/index.js';
import { importType } from './loader/signature.js';
import type { FuncType } from './loader/inspect.js';
import { signalSyscalls } from './kernel/signals.js';
import { sigSyscalls } from './kernel/sigcalls.js';
import { processSyscalls } from './kernel/procs.js';
import { jmpSyscalls } from './kernel/jmp.js';
import { procSyscalls } from './kernel/proccalls.js';
import { credSyscalls } from './kernel/credcalls.js';
import { fdSyscalls } from './kernel/fdcalls.js';
import { eventSyscalls } from './kernel/eventcalls.js';
import { pollSigSyscalls } from './kernel/poll.js';
import { execSyscalls } from './wasi/exec.js';
import { modeSyscalls } from './fs/modecalls.js';
import { ownerSyscalls } from './wasi/ownercalls.js';
import { openSyscalls } from './wasi/open.js';
import { sendfileSyscalls } from './wasi/sendfile.js';
import { timesSyscalls } from './kernel/times.js';
import { mmanSyscalls } from './kernel/mman.js';
import { mknodSyscalls } from './wasi/mknod.js';
import { sysvipcSyscalls } from './kernel/sysvipc.js';
import { sysvshmSyscalls } from './kernel/sysvshm.js';
import { futexSyscalls } from './kernel/futex.js';
import { prctlSyscalls } from './kernel/prctl.js';
import { cwdSyscalls } from './wasi/cwd.js';

const sockets = createSocketSyscalls();
export const SYSCALLS: readonly SyscallDef[] = [...wasiCoreSyscalls(sockets.shims), ...fileSyscalls, ...sockets.syscalls, ...signalSyscalls, ...sigSyscalls, ...processSyscalls, ...procSyscalls, ...credSyscalls, ...fdSyscalls, ...eventSyscalls, ...pollSigSyscalls, ...execSyscalls, ...modeSyscalls, ...openSyscalls, ...jmpSyscalls, ...sendfileSyscalls(sockets.shims), ...timesSyscalls, ...mmanSyscalls, ...mknodSyscalls, ...sysvipcSyscalls, ...sysvshmSyscalls, ...ownerSyscalls, ...futexSyscalls, ...prctlSyscalls, ...cwdSyscalls];

/**
 * "module.name" of every import Asyncify may unwind from. That is all of
 * them, not only the blocking ones: the scheduler preempts a process at any
 * syscall after its slice budget, so a guest that busy-waits on
 * clock_gettime still lets the others run.
 */
export const ASYNC_IMPORTS: readonly string[] = SYSCALLS.map((d) => `${d.module}.${d.name}`);
/** Every import a guest may have, with the wasm type it must have (from each call's params; the loader refuses a mismatch). */
export const KNOWN_IMPORTS: ReadonlyMap<string, FuncType> = new Map(SYSCALLS.map((d) => [`${d.module}.${d.name}`, importType(d)]));
