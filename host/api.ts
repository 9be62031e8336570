// socklab's public TypeScript API. The CLI is a thin layer over it.
export { run, type RunOptions, type RunOutcome, type ProcessOutcome } from './runner/run.js';
export type { RunSpec, ProcessSpec, MountSpec } from './scenario/spec.js';
export { Session, type SessionIO } from './runner/session.js';
export { buildC, BuildError, type BuildOptions } from './toolchain/clang.js';
export { ModuleError } from './loader/module.js';
import { loadModule as loadCore, type LoadOptions } from './loader/module.js';
import { loadComponentLazily } from './component/lazy.js';

/** loadModule (host/loader/module.ts) that also loads WASI 0.2 components, as `socklab run` does. */
export const loadModule: typeof loadCore = (bytes, name, asyncImports, knownImports, opts: LoadOptions = {}) =>
  loadCore(bytes, name, asyncImports, knownImports, { component: loadComponentLazily, ...opts });
export type { ExitInfo } from './kernel/process.js';
export { ERRNOS, errnoByName, describeErrno } from './abi/errno.js';
export { Trace, TraceAssertionError, fdOf, type EventFilter, type TraceLine, type ExitEvent } from './trace/api.js';
export type { TraceEvent } from './trace/strace.js';
