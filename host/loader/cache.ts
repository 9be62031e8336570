// What every loader (preview1 modules, components) shares: the cache folder
// and the error for a module socklab refuses.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** A module socklab will not run, said in one line (status 2). */
export class ModuleError extends Error {}

/** Where transformed modules are cached: $SOCKLAB_CACHE, else $XDG_CACHE_HOME/socklab or ~/.cache/socklab. */
export function cacheDir(): string {
  if (process.env.SOCKLAB_CACHE) return resolve(process.env.SOCKLAB_CACHE);
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'socklab');
}
