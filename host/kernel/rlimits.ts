// Resource limits (getrlimit/setrlimit/prlimit), per process and inherited
// by fork, as data: one row per Linux resource with the values a process
// started from a shell has. Only RLIMIT_NOFILE is enforced: its soft limit
// is the fd table's own (FdTable.limit), the others are kept and reported.
import { E } from '../abi/errno.js';
import type { FdTable } from './fdtable.js';

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;
export const RLIMIT_NOFILE = 7;
/**
 * socklab's fs.nr_open: the most descriptors a process may have, the
 * ceiling of --max-fds and of RLIMIT_NOFILE's hard limit (Linux's default
 * is 1048576; socklab keeps its fd tables at most 65536 long).
 */
export const NR_OPEN = 65536;

/** Linux's resources in number order (RLIM_NLIMITS = 16): the name strace prints, the defaults [soft, hard]; undefined: socklab's own (see Rlimits). */
export const RESOURCES: readonly { name: string; soft?: bigint; hard?: bigint }[] = [
  { name: 'RLIMIT_CPU', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  { name: 'RLIMIT_FSIZE', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  { name: 'RLIMIT_DATA', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  { name: 'RLIMIT_STACK', soft: 8n << 20n, hard: RLIM_INFINITY },
  { name: 'RLIMIT_CORE', soft: 0n, hard: RLIM_INFINITY },
  { name: 'RLIMIT_RSS', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  // Linux derives it from memory; socklab's process table is --max-procs long.
  { name: 'RLIMIT_NPROC' },
  { name: 'RLIMIT_NOFILE' },
  { name: 'RLIMIT_MEMLOCK', soft: 8n << 20n, hard: 8n << 20n },
  { name: 'RLIMIT_AS', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  { name: 'RLIMIT_LOCKS', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  { name: 'RLIMIT_SIGPENDING' },
  { name: 'RLIMIT_MSGQUEUE', soft: 819200n, hard: 819200n },
  { name: 'RLIMIT_NICE', soft: 0n, hard: 0n },
  { name: 'RLIMIT_RTPRIO', soft: 0n, hard: 0n },
  { name: 'RLIMIT_RTTIME', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
];

/** One process's limits. RLIMIT_NOFILE's soft value lives in its fd table (fork copies both). */
export class Rlimits {
  private readonly soft: bigint[];
  private readonly hard: bigint[];
  constructor(maxProcs: number) {
    const own = BigInt(maxProcs);
    this.soft = RESOURCES.map((r) => r.soft ?? own);
    this.hard = RESOURCES.map((r) => r.hard ?? own);
    // --max-fds (the soft limit) is at most NR_OPEN, so the hard limit is never below it.
    this.hard[RLIMIT_NOFILE] = BigInt(NR_OPEN);
  }
  copyFrom(parent: Rlimits): void {
    this.soft.splice(0, this.soft.length, ...parent.soft);
    this.hard.splice(0, this.hard.length, ...parent.hard);
  }
  get(resource: number, fds: FdTable): [bigint, bigint] {
    return [resource === RLIMIT_NOFILE ? BigInt(fds.limit) : this.soft[resource]!, this.hard[resource]!];
  }
  /** do_prlimit's checks in its order (the caller is root: CAP_SYS_RESOURCE); 0 or the errno. */
  set(resource: number, fds: FdTable, soft: bigint, hard: bigint): number {
    if (soft > hard) return E.EINVAL;
    if (resource === RLIMIT_NOFILE && hard > BigInt(NR_OPEN)) return E.EPERM;
    this.soft[resource] = soft;
    this.hard[resource] = hard;
    if (resource === RLIMIT_NOFILE) fds.limit = Number(soft);
    return 0;
  }
}
