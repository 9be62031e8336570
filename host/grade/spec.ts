// A grading spec once loaded: paths resolved, limits merged, every test
// complete. docs/grading.md describes the YAML it comes from.

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';
export type Language = 'c' | 'assemblyscript';

/** A program built from sources: the student's (paths relative to the submission) or the instructor's (absolute). */
export interface ProgramSpec {
  sources: string[];
  flags: string[];
}

/** Limits of one test run; undefined means "no limit of this kind". */
export interface Limits {
  /** Wall-clock ms for one run (one seed). */
  timeMs?: number;
  /** Virtual ms the run may last. */
  virtualTimeMs?: number;
  /** Bytes of linear memory per process. */
  memory?: number;
  /** Bytes each process may write to stdout + stderr. */
  output?: number;
  /** Open fds per process. */
  fds?: number;
  /** Processes in the test's scenario. */
  processes?: number;
  /** Sockets one process may hold open at once. */
  sockets?: number;
  /** Fuel units (function entries + loop iterations) each process may use: CPU time, the same on every machine. */
  cpu?: number;
}

/** Text matchers for stdout, stderr and file contents. */
export type TextMatch =
  | { exact: string }
  | { normalized: string }
  | { regex: string; flags?: string }
  | { contains: string };

interface CheckBase {
  /** Process name (argv[0]); `*` matches any run of characters. Default: the first student process. */
  process?: string;
  /** Shown instead of the generated message when the check fails. */
  message?: string;
  /** Line of the check in the spec, for messages about the spec itself. */
  line: number;
}

export type TraceAssertion =
  | { sequence: string[] }
  | { before: [string, string] }
  | { all_accepted_closed: true }
  | { no_fd_leak: true }
  | { uses: string }
  | { call: string; min?: number; max?: number };

export type Check =
  | (CheckBase & { kind: 'exit'; exit: number | string })
  | (CheckBase & { kind: 'stdout'; match: TextMatch })
  | (CheckBase & { kind: 'stderr'; match: TextMatch })
  | (CheckBase & { kind: 'file'; path: string; exists: boolean; match?: TextMatch })
  | (CheckBase & { kind: 'trace'; assert: TraceAssertion })
  | (CheckBase & { kind: 'function'; module: string; name: string });

/** A process of a test's scenario: a student program or an instructor's reference program. */
export interface ProcessDecl {
  name: string;
  program?: string;
  reference?: string;
  host?: string;
  args: string[];
  env: Record<string, string>;
  stdin?: string;
  start?: string | number;
  count?: number;
  /** A server meant to keep running: stopped when the other processes are done (RunSpec's ProcessSpec.service). */
  service?: boolean;
}

export interface TestSpec {
  /** 1-based position, Gradescope's "number". */
  number: number;
  name: string;
  description?: string;
  points: number;
  /** Score the checks that pass (points x passed/total) instead of all or nothing; a limit still scores 0. */
  partialCredit?: boolean;
  visibility: Visibility;
  tags: string[];
  seeds: number[];
  /** Scenario fields passed through as written (docs/scenarios.md). */
  hosts?: unknown[];
  links?: unknown[];
  partitions?: unknown[];
  processes: ProcessDecl[];
  inject: string[];
  limits: Limits;
  /** Guest directory backed by a fresh host directory, for `file` checks. */
  filesDir?: string;
  checks: Check[];
}

export interface GradingSpec {
  /** The spec file, absolute. */
  file: string;
  dir: string;
  assignment: string;
  language: Language;
  programs: Record<string, ProgramSpec>;
  reference: Record<string, ProgramSpec>;
  /** The model solution, used to find where a failing run first diverges. */
  solution?: { dir: string };
  submissionTimeMs?: number;
  /** Each compile of a submission's program (and its source check): wall seconds and MiB of memory (limits.ts has the defaults). */
  compileSeconds?: number;
  compileMemoryMb?: number;
  gradescope: { visibility: Visibility; stdoutVisibility: Visibility };
  tests: TestSpec[];
}
