// execve(2): a process replaces its image with a module file from its
// filesystem view, keeping its pid and what Linux keeps (Process.becomeImage).
// The SDK resolves the path to a directory fd and a relative path, as for
// open; the file must be a WebAssembly module (anything else is ENOEXEC: there
// is no format other than wasm; a "#!" script runs its interpreter, which must be one). The
// module is loaded (checked, Asyncify-transformed or taken from the cache) by
// the loader through Kernel.loadImage while the whole simulation stalls, so a
// slow first load changes no virtual time and no interleaving.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { E, Errno } from '../abi/errno.js';
import type { GuestImage, Process } from '../kernel/process.js';
import { Slot } from '../kernel/slots.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { WaitQueue } from '../kernel/wait.js';
import { DirHandle } from '../fs/handles.js';
import { USER_FILE_LIMITS } from '../fs/userfile.js';
import { dirOf, openAt, pathArg, vfsOf } from './files.js';

/** Linux's MAX_ARG_STRLEN (32 pages): a longer argument or environment string is E2BIG. */
const MAX_ARG_STRLEN = 32 * 4096;
/** Linux's limit on argv and envp together (ARG_MAX: a quarter of the default 8 MiB stack): E2BIG past it. */
const ARG_MAX = 2 * 1024 * 1024;
/** Largest module file execve reads: what `socklab run` reads of a module file (a guest may write any file it likes). */
const MAX_IMAGE = USER_FILE_LIMITS.module;
/** Linux's BINPRM_BUF_SIZE: how much of a file the "#!" line is read from. */
const BINPRM_BUF_SIZE = 256;
/** Scripts as the interpreters of scripts: Linux's exec_binprm gives ELOOP past 5 levels. */
const MAX_SCRIPT_DEPTH = 5;

interface ExecState {
  argv: string[];
  env: string[];
  /** The path execve was given: the new comm is its last part (host/kernel/taskattrs.ts). */
  file: string;
  wait: WaitQueue;
  done: boolean;
  image?: GuestImage;
  error?: unknown;
}
const EXEC = new Slot<ExecState>('execve');
/** The run's images execve loaded, by their bytes' sha256: a forking server that execs a handler per client loads it once. */
const IMAGES = new Slot<Map<string, GuestImage>>('execve-images');

/** A NULL-terminated array of string pointers (argv, envp), as Linux's copy_strings reads it. */
function strings(p: Process, ptr: number, used: { bytes: number }): string[] {
  const out: string[] = [];
  // NULL argv or envp: Linux takes it as empty (and warns), glibc passes it on.
  if (ptr === 0) return out;
  for (let at = ptr >>> 0; ; at += 4) {
    const s = p.mem.u32(at);
    if (s === 0) return out;
    const str = p.mem.cstring(s, MAX_ARG_STRLEN - 1);
    used.bytes += Buffer.byteLength(str) + 1 + 4;
    if (used.bytes > ARG_MAX) throw new Errno(E.E2BIG);
    out.push(str);
  }
}

/** The file execve runs, read whole; or Linux's errno for it (ENOENT, EACCES, ...). */
function readImage(p: Process, dir: DirHandle, rel: string): Uint8Array | number {
  let f;
  try {
    f = openAt(dir, rel, true, 0, true, false, 0);
  } catch (e) {
    if (e instanceof Errno) return e.errno;
    throw e;
  }
  try {
    // A directory or anything but a regular file: EACCES, as Linux's may_open for exec.
    if (f instanceof DirHandle || f.pread === undefined) return E.EACCES;
    const st = f.stat();
    // No execute bit at all: EACCES even for root, as Linux's may_open (socklab's builds are 0755, as a linker's).
    if (st.mode !== undefined && (st.mode & 0o111) === 0) return E.EACCES;
    const size = Number(st.size);
    if (size > MAX_IMAGE) {
      p.note = `a module over ${MAX_IMAGE >> 20} MiB, more than socklab reads of one`;
      return E.ENOMEM;
    }
    let bytes = new Uint8Array(size);
    for (let got = 0; got < size; ) {
      const n = f.pread([bytes.subarray(got)], BigInt(got));
      if (n <= 0) {
        bytes = bytes.subarray(0, got);
        break;
      }
      got += n;
    }
    return bytes;
  } finally {
    f.close();
  }
}

/**
 * A "#!" line as Linux's load_script reads it: the first line (within 256 bytes), blanks trimmed;
 * the interpreter up to the first blank, then at most one argument (the rest, inner blanks kept).
 * undefined: no interpreter named (ENOEXEC).
 */
function shebang(bytes: Uint8Array): { interp: string; arg?: string } | undefined {
  const head = bytes.subarray(2, Math.min(bytes.length, BINPRM_BUF_SIZE));
  let end = head.indexOf(0x0a);
  if (end < 0) end = head.length;
  const line = Buffer.from(head.subarray(0, end)).toString('latin1').replace(/^[ \t]+|[ \t]+$/g, '');
  if (line === '') return undefined;
  const m = /^([^ \t]+)(?:[ \t]+(.*))?$/s.exec(line)!;
  return m[2] !== undefined && m[2] !== '' ? { interp: m[1], arg: m[2] } : { interp: m[1] };
}

function execve(p: Process, pathPtr: number, pathLen: number, dirfd: number, relPtr: number, relLen: number, argvPtr: number, envpPtr: number): number {
  const st = p.callSlot(EXEC);
  if (st === undefined) {
    if (pathPtr === 0) return E.EFAULT;
    const path = p.mem.string(pathPtr, pathLen);
    // The SDK passes on a path it found no directory for (an empty one, none under "/"): Linux's ENOENT, traced.
    if (pathLen === 0 || dirfd < 0) return E.ENOENT;
    const first = readImage(p, dirOf(p, dirfd), pathArg(p, relPtr, relLen));
    if (typeof first === 'number') return first;
    let bytes = first;
    // In Linux's order: the file (ENOENT, EACCES) above, then the strings (EFAULT, E2BIG), then its format (ENOEXEC).
    let argv: string[], env: string[];
    try {
      const used = { bytes: 0 };
      argv = strings(p, argvPtr, used);
      env = strings(p, envpPtr, used);
    } catch (e) {
      // An argument that runs past MAX_ARG_STRLEN: cstring's ENAMETOOLONG is Linux's E2BIG here.
      if (e instanceof Errno && e.errno === E.ENAMETOOLONG) return E.E2BIG;
      throw e;
    }
    // "#!" interpreter files, as Linux's binfmt_script: up to 5 levels, each a file read as the first was.
    for (let depth = 0, script = path; bytes[0] === 0x23 && bytes[1] === 0x21; depth++) {
      const line = shebang(bytes);
      if (line === undefined) {
        p.note = 'a "#!" line naming no interpreter';
        return E.ENOEXEC;
      }
      argv = [line.interp, ...(line.arg !== undefined ? [line.arg] : []), script, ...argv.slice(1)];
      const root = new DirHandle(vfsOf(p).root, '/', vfsOf(p));
      // A relative interpreter is resolved against "/" (the host does not know the guest's working directory).
      const next = readImage(p, root, line.interp.replace(/^\/+/, '') || '.');
      if (typeof next === 'number') return next;
      // Linux opens the interpreter, then refuses a sixth level before looking at its format.
      if (depth + 1 > MAX_SCRIPT_DEPTH) return E.ELOOP;
      bytes = next;
      script = line.interp;
    }
    // "\0asm", version 1 (a WASI 0.2 component has another version, which the loader names in its error).
    if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
      p.note = 'not a WebAssembly module: socklab runs no other format';
      return E.ENOEXEC;
    }
    const load = p.kernel.loadImage;
    if (load === undefined) {
      p.note = 'this kernel has no module loader';
      return E.ENOEXEC;
    }
    let images = p.kernel.slots.get(IMAGES);
    if (images === undefined) p.kernel.slots.set(IMAGES, (images = new Map()));
    const hash = createHash('sha256').update(bytes).digest('hex');
    const known = images.get(hash);
    if (known !== undefined) {
      p.execInto(known, argv, env, path);
      return 0;
    }
    const state: ExecState = { argv, env, file: path, wait: new WaitQueue(), done: false };
    p.setCallSlot(EXEC, state);
    p.kernel.stall(load(bytes, basename(path) || 'guest.wasm'), (r) => {
      state.done = true;
      state.image = r.value;
      state.error = r.error;
      if (r.value !== undefined) images.set(hash, r.value);
      state.wait.wake();
    });
    return p.block([state.wait]);
  }
  if (!st.done) return p.block([st.wait]);
  if (st.image === undefined || st.image.component !== undefined) {
    const why = st.image ? 'a WASI 0.2 component cannot replace a running process' : st.error instanceof Error ? st.error.message : String(st.error);
    p.note = `cannot run this module: ${why}`;
    return E.ENOEXEC;
  }
  p.execInto(st.image, st.argv, st.env, st.file);
  return 0;
}

export const execSyscalls: SyscallDef[] = [
  syscall('socklab', 'execve', {
    strace: 'execve', classes: ['process', 'file'], mayBlock: true,
    params: ['path:str', 'path_len:strlen', 'dirfd:skip', 'rel:skip', 'rel_len:skip', 'argv:strv', 'envp:envv'],
  }, execve),
];
