// Preparing a submission's modules (the loader's Asyncify and fuel
// transform, loader/module.ts) in the grading thread as soon as each is
// built, instead of in the kernel worker at the first test that runs it.
// The transform is most of a submission's CPU (a native wasm-opt child per
// program): started here, it overlaps the next program's compile and the
// tests of programs already prepared, so one submission can use two cores
// (a batch's last submission otherwise leaves one idle). It fills the same
// disk cache and index the worker then reads (by the file's identity), so
// each module is still transformed once; a test waits for the modules it
// runs, so the worker never transforms one at the same time.
import { basename } from 'node:path';
import { loadModuleFile } from '../loader/module.js';
import { ASYNC_IMPORTS, KNOWN_IMPORTS } from '../syscalls.js';
import type { TestSpec } from './spec.js';

/** The transforms under way or done, by module path and fuel. */
export class ModulePrep {
  private readonly jobs = new Map<string, Promise<void>>();

  /**
   * Starts preparing `path` once per fuel setting that `tests` run it with.
   * A module the loader refuses is not an error here: the test that runs it
   * reports it, as it would without this step.
   */
  start(program: string, path: string, tests: readonly TestSpec[]): void {
    for (const fuel of fuelSettings(program, tests)) {
      const k = key(path, fuel);
      if (this.jobs.has(k)) continue;
      this.jobs.set(k, loadModuleFile(path, basename(path), ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel }).then(() => {}, () => {}));
    }
  }

  /** Resolves when the modules of `test`'s student programs (in `programs`) are prepared (or failed to be). */
  async ready(test: TestSpec, programs: Record<string, string>): Promise<void> {
    const fuel = test.limits.cpu !== undefined;
    const names = new Set(test.processes.flatMap((p) => (p.program !== undefined ? [p.program] : [])));
    await Promise.all([...names].map((n) => programs[n] !== undefined ? this.jobs.get(key(programs[n], fuel)) : undefined));
  }

  /** Resolves when every transform started here is over. */
  async settled(): Promise<void> {
    await Promise.all(this.jobs.values());
  }
}

const key = (path: string, fuel: boolean): string => `${fuel ? '+' : '-'}${path}`;

/** The fuel settings (with, without) the tests running `program` load it with. */
function fuelSettings(program: string, tests: readonly TestSpec[]): boolean[] {
  const set = new Set(tests.filter((t) => t.processes.some((p) => p.program === program)).map((t) => t.limits.cpu !== undefined));
  return [...set];
}
