// setjmp and longjmp (guest/c/include/setjmp.h). Not system calls: no trace
// line, no tick of the virtual clock, no fault injection (Process.userCall).
// WebAssembly has no way to jump back into a frame, but Asyncify can save a
// suspended stack and resume it: setjmp unwinds the caller's stack as a
// blocking call does, keeps a copy of what Asyncify saved (the locals and
// call sites of every frame from _start, or from a signal handler's entry,
// to setjmp) and the guest's mutable globals (its registers: the shadow stack
// pointer above all), and resumes at once with 0. longjmp drops the stack it
// runs on and rewinds the saved copy instead, setjmp then returning val.
// Locals come back as they were at setjmp, which C allows ("indeterminate"
// unless volatile; a volatile lives in linear memory, which keeps its value),
// and the frames longjmp leaves are gone, as on Linux.
import { syscall, type SyscallDef } from './syscall.js';
import type { Process } from './process.js';

export const jmpSyscalls: readonly SyscallDef[] = [
  syscall('socklab', 'setjmp', { strace: 'setjmp', classes: [], params: ['env:ptr'], userspace: true }, (p: Process, env: number) => p.setjmpCall(env)),
  syscall('socklab', 'longjmp', { strace: 'longjmp', classes: [], params: ['env:ptr', 'val:i32'], userspace: true, noReturn: true }, (p: Process, env: number, val: number) => p.longjmpCall(env, val)),
];
