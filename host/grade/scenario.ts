// A test's run, as a scenario file: the same file is what the grader runs
// and what a student (or instructor) replays with `socklab run FILE --seed N`,
// so the replay is exactly the graded run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { loadScenario } from '../scenario/load.js';
import type { RunOptions } from '../runner/run.js';
import type { TestSpec } from './spec.js';

export interface PreparedRun {
  /** The scenario file written for this test. */
  scenario: string;
  /** Per virtual host, the host directory behind the test's files_dir. */
  filesDirs: Record<string, string>;
  /** The command line that replays the run with a given seed. */
  replay(seed: number, shownDir?: string): string;
  /** The options for run(), for one seed. */
  options(seed: number): Promise<RunOptions>;
}

/** "3. tcp: short writes" -> "03-tcp-short-writes" */
export function testSlug(t: Pick<TestSpec, 'number' | 'name'>): string {
  const words = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48);
  return `${String(t.number).padStart(2, '0')}-${words || 'test'}`;
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * Writes the scenario of `test` into `dir` with `modules` (program and
 * reference names -> .wasm paths) and returns how to run and replay it.
 */
export function prepareRun(test: TestSpec, modules: { programs: Record<string, string>; reference: Record<string, string> }, dir: string): PreparedRun {
  mkdirSync(dir, { recursive: true });
  const slug = testSlug(test);
  const file = join(dir, `${slug}.yaml`);
  const hosts = (test.hosts as { name: string; dirs?: string[] }[] | undefined)?.map((h) => ({ ...h })) ?? [{ name: 'host1' }];
  const filesDirs: Record<string, string> = {};
  if (test.filesDir) {
    for (const h of hosts) {
      const hostDir = join(dir, `${slug}.files`, h.name);
      mkdirSync(hostDir, { recursive: true });
      filesDirs[h.name] = hostDir;
      h.dirs = [...(h.dirs ?? []), `${relative(dir, hostDir)}:${test.filesDir}`];
    }
  }
  const l = test.limits;
  const scenario = {
    version: 1,
    description: `socklab grade: test ${test.number}, ${test.name}`,
    seed: test.seeds[0],
    ...(l.timeMs !== undefined ? { timeout: `${l.timeMs}ms` } : {}),
    limits: {
      ...(l.memory !== undefined ? { max_memory: l.memory } : {}),
      ...(l.output !== undefined ? { max_output: l.output } : {}),
      ...(l.fds !== undefined ? { max_fds: l.fds } : {}),
      ...(l.processes !== undefined ? { max_procs: l.processes } : {}),
      ...(l.cpu !== undefined ? { cpu: l.cpu } : {}),
      ...(l.virtualTimeMs !== undefined ? { virtual_time: `${l.virtualTimeMs}ms` } : {}),
    },
    hosts,
    ...(test.links ? { links: test.links } : {}),
    ...(test.partitions ? { partitions: test.partitions } : {}),
    processes: test.processes.map((p) => ({
      name: p.name,
      module: relative(dir, p.program !== undefined ? modules.programs[p.program]! : modules.reference[p.reference!]!),
      ...(p.host !== undefined ? { host: p.host } : {}),
      args: p.args,
      ...(Object.keys(p.env).length ? { env: p.env } : {}),
      ...(p.stdin !== undefined ? { stdin: p.stdin } : {}),
      ...(p.start !== undefined ? { start: p.start } : {}),
      ...(p.count !== undefined ? { count: p.count } : {}),
      ...(p.service ? { service: true } : {}),
      ...(p.program !== undefined ? { raw: false } : {}),
    })),
  };
  writeFileSync(file, `# Replay: socklab run ${slug}.yaml --seed N${test.inject.map((r) => ` --inject ${shellWord(r)}`).join('')}\n${stringify(scenario)}`);
  return {
    scenario: file,
    filesDirs,
    replay: (seed, shownDir) => `socklab run ${shellWord(shownDir === undefined ? file : join(shownDir, `${slug}.yaml`))} --seed ${seed}${test.inject.map((r) => ` --inject ${shellWord(r)}`).join('')}`,
    options: async (seed) => {
      const { spec } = await loadScenario(file, { seed });
      return { ...spec, ...(test.inject.length ? { inject: test.inject } : {}) };
    },
  };
}
