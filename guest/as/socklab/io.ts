// Console output and arguments through WASI. Each print is one fd_write of
// the whole text, as a line-buffered C stdout flushes a line, so output
// lines are whole in traces and interleave cleanly between processes.
import { fd_write, proc_exit } from "~lib/bindings/wasi_snapshot_preview1";

const iov: usize = memory.data(16, 8);

function writeText(fd: u32, s: string): void {
  const b = String.UTF8.encode(s);
  let p = changetype<usize>(b);
  let left = <usize>b.byteLength;
  // A pipe may take part of it; the rest follows (what stdio's fflush does).
  while (left > 0) {
    store<usize>(iov, p);
    store<usize>(iov, left, 4);
    if (fd_write(fd, iov, 1, iov + 8) != 0) return;
    const n = load<u32>(iov, 8);
    if (n == 0) return;
    p += n;
    left -= n;
  }
}

/** Writes `s` to stdout. */
export function print(s: string): void {
  writeText(1, s);
}

/** Writes `s` and a newline to stdout, in one write. */
export function println(s: string = ""): void {
  writeText(1, s + "\n");
}

/** Writes `s` to stderr. */
export function eprint(s: string): void {
  writeText(2, s);
}

/** Writes `s` and a newline to stderr, in one write. */
export function eprintln(s: string = ""): void {
  writeText(2, s + "\n");
}

/** The command line, argv[0] first (WASI args_get, through the WASI shim's process.argv). */
export function args(): string[] {
  return process.argv;
}

/** Ends the process with `status` (WASI proc_exit). */
export function exit(status: i32): void {
  proc_exit(status);
}
