// wasi:sockets on host/net's socket state machine (filled in below).
import type { ComponentProcess } from './process.js';

export function socketsImports(_p: ComponentProcess): Record<string, Record<string, unknown>> {
  return {};
}
