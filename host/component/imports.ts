// The import object socklab hands jco's glue: every WASI 0.2 interface is
// socklab's own (one module per family), never @bytecodealliance/preview2-shim.
// Each binding jco reads is recorded, so a test can check that none is missing
// (jco would otherwise refuse to instantiate) and none comes from elsewhere.
import { cliImports } from './cli.js';
import { clocksImports } from './clocks.js';
import { ioImports } from './io.js';
import { randomImports } from './random.js';
import { socketsImports } from './sockets.js';
import type { ComponentProcess } from './process.js';

export interface Binding {
  /** Interface as jco names it, e.g. "wasi:sockets/tcp". */
  iface: string;
  /** Function or resource class, as jco names it, e.g. "TcpSocket". */
  name: string;
  /** Whether socklab provides it. */
  provided: boolean;
}

export function buildImports(p: ComponentProcess): { imports: Record<string, Record<string, unknown>>; bindings: Binding[] } {
  const own: Record<string, Record<string, unknown>> = {
    ...ioImports(),
    ...cliImports(p),
    ...clocksImports(p),
    ...randomImports(p),
    ...socketsImports(p),
  };
  const bindings: Binding[] = [];
  const imports = new Proxy(own, {
    get(target, iface: string | symbol) {
      if (typeof iface !== 'string') return undefined;
      const obj = target[iface.replace(/@[^/]*$/, '')];
      return new Proxy(obj ?? {}, {
        get(o, name: string | symbol) {
          if (typeof name !== 'string') return undefined;
          const v = (o as Record<string, unknown>)[name];
          bindings.push({ iface, name, provided: v !== undefined });
          return v;
        },
      });
    },
  });
  return { imports, bindings };
}

/** Every interface socklab implements (without version). */
export const SOCKLAB_INTERFACES = [
  'wasi:io/error', 'wasi:io/poll', 'wasi:io/streams',
  'wasi:cli/environment', 'wasi:cli/exit', 'wasi:cli/stdin', 'wasi:cli/stdout', 'wasi:cli/stderr',
  'wasi:cli/terminal-input', 'wasi:cli/terminal-output', 'wasi:cli/terminal-stdin', 'wasi:cli/terminal-stdout', 'wasi:cli/terminal-stderr',
  'wasi:clocks/monotonic-clock', 'wasi:clocks/wall-clock',
  'wasi:random/random', 'wasi:random/insecure', 'wasi:random/insecure-seed',
  'wasi:sockets/network', 'wasi:sockets/instance-network', 'wasi:sockets/tcp', 'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp', 'wasi:sockets/udp-create-socket', 'wasi:sockets/ip-name-lookup',
] as const;
