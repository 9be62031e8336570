// The spec reaches workers as a bundle of its directory, stored once in
// Redis under its content hash: the spec, its included (hidden) tests, the
// reference programs' sources, function checks and the model solution.
// Workers unpack it into their cache, never into a guest's view: guests see
// only what a test's scenario mounts, as in local grading.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Redis } from 'ioredis';
import { cacheDir } from '../../loader/module.js';
import { loadGradingSpec } from '../load.js';
import type { GradingSpec } from '../spec.js';
import { hashFiles, readBounded, writeTree } from './files.js';
import { KEEP_SECONDS, specKey, type SpecBundle } from './protocol.js';

export class SpecBundleError extends Error {}

const inside = (dir: string, p: string): boolean => {
  const rel = relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
};

/** The bundle of `spec` (its directory, `exclude` left out: the results directory when it is inside) and its hash. */
export function makeSpecBundle(spec: GradingSpec, exclude: string[] = []): { bundle: SpecBundle; hash: string } {
  const used = [
    spec.file,
    ...Object.values(spec.reference).flatMap((r) => r.sources),
    ...spec.tests.flatMap((t) => t.checks.flatMap((c) => (c.kind === 'function' ? [c.module] : []))),
    ...(spec.solution ? [spec.solution.dir] : []),
  ];
  const outside = used.find((p) => !inside(spec.dir, p));
  if (outside) throw new SpecBundleError(`${outside} is outside the spec's directory ${spec.dir}: --queue ships that directory to the workers, so everything the spec uses must be in it`);
  const skip = exclude.filter((d) => inside(spec.dir, d)).map((d) => relative(spec.dir, d).split(sep).join('/'));
  const { files, refused } = readBounded(spec.dir, (rel) => skip.some((s) => rel === s || rel.startsWith(`${s}/`)));
  const missing = used.filter((p) => p !== spec.solution?.dir).map((p) => relative(spec.dir, p).split(sep).join('/')).find((rel) => !(rel in files));
  if (missing) throw new SpecBundleError(`${missing} cannot be shipped to the workers: ${refused.get(missing) ?? 'not in the bundle'}`);
  const specFile = relative(spec.dir, spec.file).split(sep).join('/');
  return { bundle: { specFile, files }, hash: hashFiles(files, specFile) };
}

export async function storeSpecBundle(redis: Redis, hash: string, bundle: SpecBundle): Promise<void> {
  await redis.set(specKey(hash), JSON.stringify(bundle), 'EX', KEEP_SECONDS);
}

const loaded = new Map<string, Promise<GradingSpec>>();

/** The spec with content hash `hash`: from this machine's cache, or fetched from Redis and unpacked there first. */
export function specForHash(redis: Redis, hash: string): Promise<GradingSpec> {
  let p = loaded.get(hash);
  if (!p) {
    p = unpack(redis, hash);
    loaded.set(hash, p);
    p.catch(() => loaded.delete(hash));
  }
  return p;
}

async function unpack(redis: Redis, hash: string): Promise<GradingSpec> {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new SpecBundleError(`not a spec hash: ${hash}`);
  const root = join(cacheDir(), 'queue-specs');
  const dir = join(root, hash);
  const marker = join(dir, '.socklab-spec');
  if (!existsSync(marker)) {
    const text = await redis.get(specKey(hash));
    if (text === null) throw new SpecBundleError(`the spec ${hash.slice(0, 12)} is not in Redis (expired, or Redis was restarted): run socklab grade --queue again`);
    const bundle = JSON.parse(text) as SpecBundle;
    if (hashFiles(bundle.files, bundle.specFile) !== hash) throw new SpecBundleError(`the spec bundle ${hash.slice(0, 12)} does not match its hash`);
    mkdirSync(root, { recursive: true });
    const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
    writeTree(tmp, bundle.files);
    writeFileSync(join(tmp, '.socklab-spec'), bundle.specFile);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another worker on this machine unpacked it first
    }
  }
  return loadGradingSpec(join(dir, readFileSync(marker, 'utf8')));
}
