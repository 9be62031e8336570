// HOST[:GUEST][:ro] mount arguments, for the CLI's --dir and scenario files.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MountSpec } from '../fs/memfs.js';

export class MountError extends Error {}

export function parseMount(s: string, base = process.cwd()): MountSpec {
  const parts = s.split(':');
  let readonly = false;
  const last = parts[parts.length - 1];
  if (parts.length > 1 && (last === 'ro' || last === 'rw')) readonly = parts.pop() === 'ro';
  const [host, guest] = parts;
  if (!host) throw new MountError(`a mount needs HOST[:GUEST][:ro], got ${JSON.stringify(s)}`);
  const abs = resolve(base, host);
  if (!existsSync(abs)) throw new MountError(`mount ${s}: no such host directory ${abs}`);
  const g = guest ?? abs;
  // A relative GUEST is a named WASI preopen, as wasmtime's --dir HOST::GUEST: mounted at /GUEST too.
  if (!g.startsWith('/')) {
    if (g.split('/').some((c) => c === '..')) throw new MountError(`mount ${s}: a relative guest path cannot hold ..`);
    return { host: abs, guest: '/' + g, readonly, preopen: g };
  }
  return { host: abs, guest: g, readonly };
}
