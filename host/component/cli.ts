// wasi:cli on the process: arguments and environment from its argv/env,
// stdin/stdout/stderr as streams over fds 0-2 (so --max-output, tracing of
// output and scenario stdin work as for preview1 guests), exit as exit().
import { ProcExit } from '../kernel/signals.js';
import { InputStream, OutputStream } from './io.js';
import type { ComponentProcess } from './process.js';

export function cliImports(p: ComponentProcess): Record<string, Record<string, unknown>> {
  return {
    'wasi:cli/environment': {
      getEnvironment: (): [string, string][] =>
        p.env.map((kv) => {
          const i = kv.indexOf('=');
          return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
        }),
      getArguments: (): string[] => [...p.argv],
      initialCwd: (): string | undefined => undefined,
    },
    'wasi:cli/exit': {
      exit: (status: { tag: 'ok' | 'err' }): never => {
        throw new ProcExit(status.tag === 'ok' ? 0 : 1);
      },
      exitWithCode: (code: number): never => {
        throw new ProcExit(code & 0xff);
      },
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream(p, p.fds.file(0)) },
    'wasi:cli/stdout': { getStdout: () => new OutputStream(p, p.fds.file(1)) },
    'wasi:cli/stderr': { getStderr: () => new OutputStream(p, p.fds.file(2)) },
    'wasi:cli/terminal-input': { TerminalInput: class TerminalInput {} },
    'wasi:cli/terminal-output': { TerminalOutput: class TerminalOutput {} },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
}
