// wasi:random from the run's seed (host/kernel/rng.ts): the same seed gives
// the same bytes, as preview1 random_get does. insecure-seed is seeded too.
import type { Rng } from '../kernel/rng.js';
import type { ComponentProcess } from './process.js';

export function randomImports(p: ComponentProcess): Record<string, Record<string, unknown>> {
  let rng: Rng | undefined;
  const r = (): Rng => (rng ??= p.kernel.rng.fork(`random:${p.pid}`));
  const bytes = (len: bigint): Uint8Array => {
    const b = new Uint8Array(Number(len));
    r().fill(b);
    return b;
  };
  const u64 = (): bigint => (BigInt(r().next()) << 32n) | BigInt(r().next());
  return {
    'wasi:random/random': { getRandomBytes: bytes, getRandomU64: u64 },
    'wasi:random/insecure': { getInsecureRandomBytes: bytes, getInsecureRandomU64: u64 },
    'wasi:random/insecure-seed': { insecureSeed: (): [bigint, bigint] => [u64(), u64()] },
  };
}
