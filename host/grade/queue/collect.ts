// The submitter's side of "a duplicate result is never counted twice": every
// way a result can reach the submitter (a 'completed' event, the periodic
// reconcile, a job completed again after a stalled re-delivery, the ledger
// of an earlier run) goes through one Collector, which records, writes and
// counts a result once per job id. The job id is the hash of the spec hash,
// the submission hash and the grading options (submit.ts), so it is the
// (spec, submission) key; it also holds the submission's name, so two
// students who hand in the same files are still two results.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scoresCsv } from '../writers/csv.js';
import { writeAtomic } from '../writers/files.js';
import type { SubmissionResult } from '../results.js';
import { writeTree } from './files.js';
import type { GradeResult } from './protocol.js';

/** OUT/.queue/NAME.json: what a rerun keeps. */
export interface Done {
  jobId: string;
  result: SubmissionResult;
}

export interface CollectorOptions {
  outDir: string;
  /** The run's submissions, in order, with their job ids. */
  jobs: readonly { id: string; name: string }[];
  testNames: string[];
  /** The reference programs' modules (name -> path): copied into OUT/NAME/build/ as local mode does. */
  reference: Record<string, string>;
  onResult?: (r: SubmissionResult) => void;
  onFailed?: (name: string, why: string) => void;
  onProgress?: (p: { done: number; total: number; failed: number }) => void;
}

export class Collector {
  private readonly byId: Map<string, string>;
  /** By job id: the results recorded, and the jobs no worker could grade. */
  private readonly results = new Map<string, SubmissionResult>();
  private readonly failures = new Map<string, string>();

  constructor(private readonly opts: CollectorOptions) {
    this.byId = new Map(opts.jobs.map((j) => [j.id, j.name]));
  }

  /** A result or a failure is recorded for job `id` (or it is not one of ours): nothing more to take for it. */
  settled(id: string): boolean {
    return !this.byId.has(id) || this.results.has(id) || this.failures.has(id);
  }

  get graded(): number {
    return this.results.size;
  }

  get failed(): ReadonlyMap<string, string> {
    return new Map([...this.failures].map(([id, why]) => [this.byId.get(id)!, why]));
  }

  finished(): boolean {
    return this.opts.jobs.every((j) => this.settled(j.id));
  }

  /** A result kept from an earlier run (its ledger): counted, not written again. */
  keep(prev: Done): boolean {
    if (this.settled(prev.jobId)) return false;
    this.results.set(prev.jobId, prev.result);
    this.opts.onResult?.(prev.result);
    return true;
  }

  /**
   * The stored result of job `id`: written to OUT/NAME/ and the ledger, told
   * and counted the first time; false (nothing written, nothing told) for any
   * later delivery of the same job, whichever worker's result it carries.
   */
  take(id: string, r: GradeResult): boolean {
    if (this.settled(id) || r.jobId !== id) return false;
    const name = this.byId.get(id)!;
    // Recorded before any write: a write that throws must not let a second delivery count it again.
    this.results.set(id, r.result);
    const dir = join(this.opts.outDir, name);
    writeTree(dir, r.files);
    // Workers do not send the reference programs' modules back: they are these (same spec, same socklab).
    mkdirSync(join(dir, 'build'), { recursive: true });
    for (const [prog, path] of Object.entries(this.opts.reference)) copyFileSync(path, join(dir, 'build', `ref-${prog}.wasm`));
    writeAtomic(this.ledger(name), JSON.stringify({ jobId: id, result: r.result } satisfies Done));
    this.opts.onResult?.(r.result);
    this.csv();
    this.progress();
    return true;
  }

  /** Job `id` failed for good: told once; a result recorded before it wins. */
  fail(id: string, why: string): boolean {
    if (this.settled(id)) return false;
    this.failures.set(id, why);
    this.opts.onFailed?.(this.byId.get(id)!, why);
    this.progress();
    return true;
  }

  ledger(name: string): string {
    return join(this.opts.outDir, '.queue', `${name}.json`);
  }

  /** OUT/scores.csv: the results recorded so far, in the submissions' order. */
  csv(): void {
    const rows = this.opts.jobs.flatMap((j) => (this.results.has(j.id) ? [this.results.get(j.id)!] : []));
    writeAtomic(join(this.opts.outDir, 'scores.csv'), scoresCsv(rows, this.opts.testNames));
  }

  /** Every submission's result, in order (once finished without failures). */
  all(): SubmissionResult[] {
    return this.opts.jobs.map((j) => this.results.get(j.id)!);
  }

  private progress(): void {
    this.opts.onProgress?.({ done: this.results.size + this.failures.size, total: this.opts.jobs.length, failed: this.failures.size });
  }
}
