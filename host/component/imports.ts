// The import object socklab hands jco's glue: every WASI 0.2 interface is
// socklab's own (one module per family), never @bytecodealliance/preview2-shim.
// Each binding jco reads is recorded, so a test can check that none is missing
// (jco would otherwise refuse to instantiate) and none comes from elsewhere.
import { cliImports } from './cli.js';
import { addDirectBindings } from './direct.js';
import { filesystemImports } from './filesystem.js';
import { clocksImports } from './clocks.js';
import { ioImports } from './io.js';
import { randomImports } from './random.js';
import { socketsImports } from './sockets.js';
import type { ComponentProcess } from './process.js';
import { traceClass, traceFunction } from './trace.js';

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
    ...filesystemImports(p),
  };
  for (const [iface, obj] of Object.entries(own)) {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'function') continue;
      if (/^[A-Z]/.test(k)) traceClass(iface, v as { name: string; prototype: object }, k);
      else obj[k] = traceFunction(p, iface, k, v as (...a: never[]) => unknown);
    }
  }
  addDirectBindings(p, own);
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
