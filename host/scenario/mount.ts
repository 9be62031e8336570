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
  if (!g.startsWith('/')) throw new MountError(`mount ${s}: the guest path must be absolute`);
  return { host: abs, guest: g, readonly };
}
