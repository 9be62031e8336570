// The wasm type of each import follows from the syscall table's data: a
// parameter of kind i64/u64/skip64 is an i64, every other kind (fds, pointers,
// lengths, flags) an i32; a call returns its errno as an i32, except one
// that never returns (proc_exit), which has no result.
import { isI64Kind, narrowsI64, type SyscallDef } from '../kernel/syscall.js';
import type { FuncType } from './inspect.js';

export function importType(def: Pick<SyscallDef, 'params' | 'noReturn' | 'fast'>): FuncType {
  return {
    params: def.params.map((p) => (isI64Kind(p.kind) ? 'i64' : 'i32')),
    results: def.noReturn ? [] : ['i32'],
    ...(narrowsI64(def) ? { narrow: true } : {}),
  };
}
