// What a run is made of, as plain data: it crosses into the worker thread
// that runs the kernel, and scenario files and the CLI both produce it.

import type { MountSpec } from '../fs/memfs.js';
import type { PublishSpec } from '../net/publish.js';

// The parts defined by the layers that use them, re-exported for the API.
export type { MountSpec, PublishSpec };

export interface ProcessSpec {
  /** Path of a .wasm file, or its bytes. */
  module: string | Uint8Array;
  /** argv[0]; default: the module's file name. */
  name?: string;
  args?: string[];
  /** NAME=VALUE strings: the guest sees only these. */
  env?: string[];
  /** Bytes for stdin; 'inherit' reads the host's stdin on demand; default: empty. */
  stdin?: Uint8Array | string | 'inherit';
  /** Virtual host the process runs on. */
  host?: string;
  /** Start this many virtual ms after the run begins. */
  startMs?: number;
  /** May open SOCK_RAW sockets (default true); without it socket() gives EPERM, as for an unprivileged Linux user. */
  raw?: boolean;
  /**
   * A service (a server meant to keep running): the run ends once every
   * other process has exited; a service still running then gets SIGTERM,
   * and SIGKILL 100 virtual ms later, and is reported as still running, as
   * expected. The run's status is the other processes'.
   */
  service?: boolean;
}

export interface RunSpec {
  processes: ProcessSpec[];
  seed?: number;
  realTime?: boolean;
  /** Wall-clock limit for the whole run, ms. */
  timeoutMs?: number;
  /**
   * Start the timeoutMs clock before the modules are checked and transformed
   * (a cold Asyncify/fuel transform of a large module can take minutes), not
   * when the guests start; a timeout then says what was being prepared. The
   * CLI's --timeout sets it. Off by default, so a grader's per-test time
   * does not pay for the first run's transform.
   */
  timeoutCoversLoading?: boolean;
  maxMemory?: number;
  /** Bytes of linear memory the run's live processes may hold together (default: half of this machine's memory). */
  maxTotalMemory?: number;
  maxOutput?: number;
  maxFds?: number;
  /** Bytes the run's in-memory files (and what guests add to mounted host files) may hold: ENOSPC past it (default 512 MiB). */
  maxFs?: number;
  /** Processes the run may start (scenario processes beyond it are an error), and may have at once, forked ones and zombies included (past it fork fails with EAGAIN). */
  maxProcesses?: number;
  /**
   * Fuel units (function entries + loop iterations) each process may use:
   * guests are instrumented to count their own work, preempted every
   * million units, and killed with SIGXCPU (152) past the limit. The count
   * is the same on every machine. Absent: no instrumentation.
   */
  fuel?: number;
  /** Virtual ms the run may last; past it every live process is stopped (status 124). */
  maxVirtualMs?: number;
  /** Host directories mounted into every virtual host's filesystem. */
  mounts?: MountSpec[];
  /** Mounts for one virtual host only, by host name. */
  hostMounts?: Record<string, MountSpec[]>;
  /** Present stdout/stderr as a terminal (line-buffered in the guest). */
  tty?: boolean;
  /** Network configuration (virtual network): hosts, links, partitions (host/net/virtual/network.ts). */
  network?: unknown;
  /**
   * 'real': AF_INET/AF_INET6 sockets, and AF_UNIX stream sockets on paths
   * inside a mounted host directory, use the host's network through Node,
   * behind `policy` (deny by default). Implies realTime. Default 'virtual'.
   */
  net?: 'virtual' | 'real';
  /** --net=real's sandbox policy: HOST:PORT patterns (docs/real-network.md). */
  policy?: { allowConnect?: string[]; allowListen?: string[]; allowDns?: boolean };
  /** Virtual network: expose a virtual host's listener on a real loopback port (`--publish REALPORT:HOST:PORT`). */
  publish?: PublishSpec[];
  /** Record every syscall as strace-style text: to `file`, or (no file) to stderr / RunOutcome.trace. */
  /** Processes to kill (SIGKILL) at given virtual times, by name: their sockets close as on exit. */
  kills?: { atMs: number; name: string }[];
  /**
   * Write the virtual network's packets to this file: pcap, or pcapng with
   * one interface per host; with hosts, what those hosts send and receive
   * (host/net/virtual/capture.ts).
   */
  pcap?: { file: string; hosts?: string[]; format?: 'pcap' | 'pcapng' };
  /** The scenario's settings for pcap (its `pcap:` key): used where `pcap` leaves them out. */
  pcapOptions?: { hosts?: string[]; format?: 'pcap' | 'pcapng' };
  /** strace-style --inject rules (host/trace/inject.ts). */
  inject?: string[];
  trace?: {
    file?: string;
    /** With file: one file per process, FILE.PID (strace -ff). */
    perProcess?: boolean;
    strSize?: number;
    /** Calls and %classes to show (strace -e trace=). */
    classes?: string[];
    pids?: number[];
    hosts?: string[];
    fds?: number[];
    format?: 'text' | 'jsonl';
    summary?: boolean;
    /** The table alone, no trace lines (strace -c). */
    summaryOnly?: boolean;
    time?: 'elapsed' | 'absolute' | 'relative' | 'none';
    hex?: 'none' | 'nonascii' | 'all';
    wall?: boolean;
    /** Only failed calls (strace -Z), only successful ones (-z). */
    failedOnly?: boolean;
    successfulOnly?: boolean;
    /** false: no library calls (getaddrinfo...), a trace strace could have made. */
    library?: boolean;
  };
}
