// mmap, munmap, mprotect, msync, madvise and the mlock family (docs/abi.md),
// with Linux's checks in Linux's order. A mapping is memory the SDK took from
// the guest's heap (page-aligned, guest/c/src/mman.c); the host checks the
// call, fills the pages and keeps the process's mappings. MAP_SHARED is made
// exact by socklab running one process at a time:
// - an anonymous shared region (or /dev/zero's) has one store and one holder,
//   the process whose memory is its live copy; before a process's slice the
//   region is copied from the holder into it (enterSlice), and a holder that
//   unmaps, execs or exits leaves its copy in the store; a System V shared
//   memory segment (sysvshm.ts) is such a region, attached anywhere (a
//   mapping's offset into its region is its `off`);
// - a shared file mapping stores the bytes the process changed into the file
//   before each of its calls and at the end of its slices, and takes the
//   file's bytes after each call and before each slice, so read(2), write(2)
//   and another process's mapping see what Linux's page cache would show.
// Processes without mappings pay nothing: the hooks run only where p.mman is set.
import { E, Errno } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import { FileType, type OpenFile } from './file.js';
import type { Process } from './process.js';

export const PAGE = 4096;
const LIMIT = 2 ** 32;

export const PROT = { PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4, PROT_SEM: 8, PROT_GROWSDOWN: 0x01000000, PROT_GROWSUP: 0x02000000 } as const;
const PROT_WRITE = 2;
/** The map type's names (flags & MAP_TYPE); strace prints 0 as MAP_FILE. */
export const MAP_TYPES: Readonly<Record<number, string>> = { 0: 'MAP_FILE', 1: 'MAP_SHARED', 2: 'MAP_PRIVATE', 3: 'MAP_SHARED_VALIDATE' };
export const MAP_FLAGS = {
  MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_32BIT: 0x40, MAP_GROWSDOWN: 0x100, MAP_DENYWRITE: 0x800, MAP_EXECUTABLE: 0x1000,
  MAP_LOCKED: 0x2000, MAP_NORESERVE: 0x4000, MAP_POPULATE: 0x8000, MAP_NONBLOCK: 0x10000, MAP_STACK: 0x20000, MAP_HUGETLB: 0x40000,
  MAP_SYNC: 0x80000, MAP_FIXED_NOREPLACE: 0x100000, MAP_UNINITIALIZED: 0x4000000,
} as const;
const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_TYPE = 0xf;
const { MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_HUGETLB } = MAP_FLAGS;
/** Linux's LEGACY_MAP_MASK: the flags MAP_SHARED_VALIDATE knows (MAP_SYNC aside: only DAX files take it). */
const LEGACY_MAP_MASK = 0x3 | 0x10 | 0x20 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x4000000;
/** In strace's order (MS_SYNC|MS_ASYNC). */
export const MS = { MS_SYNC: 4, MS_ASYNC: 1, MS_INVALIDATE: 2 } as const;
export const MCL = { MCL_CURRENT: 1, MCL_FUTURE: 2, MCL_ONFAULT: 4 } as const;
export const MADV: Readonly<Record<string, number>> = {
  MADV_NORMAL: 0, MADV_RANDOM: 1, MADV_SEQUENTIAL: 2, MADV_WILLNEED: 3, MADV_DONTNEED: 4, MADV_FREE: 8, MADV_REMOVE: 9,
  MADV_DONTFORK: 10, MADV_DOFORK: 11, MADV_MERGEABLE: 12, MADV_UNMERGEABLE: 13, MADV_HUGEPAGE: 14, MADV_NOHUGEPAGE: 15,
  MADV_DONTDUMP: 16, MADV_DODUMP: 17, MADV_WIPEONFORK: 18, MADV_KEEPONFORK: 19, MADV_COLD: 20, MADV_PAGEOUT: 21,
  MADV_POPULATE_READ: 22, MADV_POPULATE_WRITE: 23, MADV_DONTNEED_LOCKED: 24, MADV_COLLAPSE: 25, MADV_HWPOISON: 100,
  MADV_SOFT_OFFLINE: 101, MADV_GUARD_INSTALL: 102, MADV_GUARD_REMOVE: 103,
};
const MADV_DONTNEED = 4, MADV_FREE = 8;

const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

let regions = 0;
/** A MAP_SHARED anonymous region or a shm segment: its store, and the process whose memory holds its live copy. */
export class Region {
  /** Names the region in futex keys (futex.ts): never printed. */
  readonly id = regions++;
  readonly store: Uint8Array;
  holder: Process | undefined;
  constructor(size: number) {
    this.store = new Uint8Array(size);
  }
}

/** A System V shared memory attachment's segment (sysvshm.ts): told of each mapping of it made and gone, as Linux's shm_open and shm_close. */
export interface ShmHook {
  readonly region: Region;
  /** The segment's size in bytes (shmdt unmaps its mappings up to it). */
  readonly size: number;
  open(p: Process): void;
  close(p: Process): void;
}

/** One mapping (Linux's vm_area_struct): [start, end) of the process's memory. */
interface Vma {
  start: number;
  end: number;
  prot: number;
  region?: Region;
  /** A System V shm attachment (region is its segment's). */
  shm?: ShmHook;
  /** A MAP_SHARED file mapping: the file (a reference held), the offset of `start`, the bytes as last synced. */
  file?: OpenFile;
  off: number;
  snap?: Uint8Array;
  /** The file's mtime and size when snap was taken: an unchanged file is not read again. */
  seen?: string;
  anonPrivate: boolean;
}

/** The classes of calls that may read or write a file's bytes, or fork, exec, exit or map. */
const FILE_CLASSES: ReadonlySet<string> = new Set(['desc', 'file', 'process', 'memory']);
const touching = new WeakMap<SyscallDef, boolean>();
function touchesFiles(def: SyscallDef): boolean {
  let t = touching.get(def);
  if (t === undefined) touching.set(def, (t = def.classes.some((c) => FILE_CLASSES.has(c))));
  return t;
}

/** /dev/zero: its mappings are anonymous memory (Linux's mmap_zero). */
const isZero = (f: OpenFile): boolean => f.filetype === FileType.CharacterDevice && f.describe().startsWith('/dev/zero<');
const mappable = (f: OpenFile): boolean => (f.filetype === FileType.RegularFile && f.pread !== undefined && f.pwrite !== undefined) || isZero(f);
const fileStamp = (f: OpenFile): string => {
  const st = f.stat();
  return `${st.mtim}:${st.size}`;
};

/** A process's mappings and their sharing. */
export class Mappings {
  private vmas: Vma[] = [];
  /** Pages mmap'd then unmapped (Linux's holes): msync, mprotect, madvise and mlock fail on them with ENOMEM. */
  private readonly holes = new Set<number>();
  private anyShared = false;
  private anyFile = false;
  /** Regions whose bytes this process maps more than once (a segment attached twice): their views are merged at each call. */
  private multi: Region[] = [];
  constructor(private readonly p: Process) {}

  private update(): void {
    this.anyShared = this.vmas.some((v) => v.region !== undefined || v.file !== undefined);
    this.anyFile = this.vmas.some((v) => v.file !== undefined);
    // Pieces of one mapping (split by mprotect or munmap) hold disjoint bytes of their region: only overlapping views need merging.
    const byRegion = new Map<Region, Vma[]>();
    for (const v of this.vmas) if (v.region !== undefined) byRegion.set(v.region, [...(byRegion.get(v.region) ?? []), v]);
    this.multi = [...byRegion].filter(([, vs]) => vs.some((a, i) => vs.some((b, j) => j > i && a.off < b.off + (b.end - b.start) && b.off < a.off + (a.end - a.start)))).map(([r]) => r);
  }

  /** Before the process's slice: shared regions copied in where another process held them, files read. */
  enterSlice(): void {
    if (!this.anyShared) return;
    for (const v of this.vmas) {
      if (v.region !== undefined && v.region.holder !== this.p) this.takeOver(v.region);
      else if (v.file !== undefined) this.load(v);
    }
  }
  /** After its slice: what it stored in shared file mappings reaches the file. */
  leaveSlice(): void {
    if (this.anyFile) this.storeAll();
  }
  /**
   * Around each of its calls that may reach a file's bytes: the file sees the process's stores, the process
   * sees the file's bytes after. Other calls need neither: no other process runs until the slice ends
   * (leaveSlice), a blocking call included.
   */
  beforeCall(def: SyscallDef): void {
    if (this.anyFile && touchesFiles(def)) this.storeAll();
    // Two views of one region are two copies: each sees the other's stores from the process's next call on.
    for (const r of this.multi) this.takeOver(r);
  }
  afterCall(def: SyscallDef): void {
    if (!this.anyFile || this.p.state === 'exited' || !touchesFiles(def)) return;
    for (const v of this.vmas) if (v.file !== undefined) this.load(v);
  }

  /** fork: the child's mappings are the parent's (same addresses; its memory is already a copy). */
  forkInto(child: Process): Mappings {
    const m = new Mappings(child);
    m.vmas = this.vmas.map((v) => {
      if (v.file !== undefined) v.file.refs++;
      // dup_mmap runs in the parent: the attachment's open is the parent's (shm_lpid).
      v.shm?.open(this.p);
      return { ...v, snap: v.snap?.slice() };
    });
    for (const h of this.holes) m.holes.add(h);
    m.update();
    return m;
  }

  /** exit and execve: every mapping goes (shared ones leave their bytes in their store or file). */
  drop(): void {
    if (this.vmas.length) this.unmap(0, LIMIT);
  }

  private views(r: Region): { v: Vma; at: number }[] {
    return this.vmas.filter((v) => v.region === r).map((v) => ({ v, at: v.off }));
  }
  /** The holder's copy of r into its store (a read-only view's pages hold nothing the process may have stored). */
  private static copyOut(r: Region): void {
    const h = r.holder;
    if (h === undefined || h.mman === undefined) return;
    const views = h.mman.views(r).filter(({ v }) => v.prot & PROT_WRITE);
    if (!h.mman.multi.includes(r)) {
      for (const { v, at } of views) r.store.set(h.mem.view(v.start, v.end - v.start), at);
      return;
    }
    // Views holding the same bytes: each one's bytes that differ from the store as last synced are its stores.
    const base = r.store.slice();
    for (const { v, at } of views) {
      const mem = h.mem.view(v.start, v.end - v.start);
      for (let i = 0; i < mem.length; i++) if (mem[i] !== base[at + i]) r.store[at + i] = mem[i]!;
    }
  }
  private takeOver(r: Region): void {
    Mappings.copyOut(r);
    this.copyIn(r);
  }
  /** r's store into each of this process's views, the new holder. */
  private copyIn(r: Region): void {
    for (const { v, at } of this.views(r)) this.p.mem.write(v.start, r.store.subarray(at, at + v.end - v.start));
    r.holder = this.p;
  }

  private load(v: Vma): void {
    const f = v.file!;
    const stamp = fileStamp(f);
    if (stamp === v.seen) return;
    const snap = v.snap!;
    snap.fill(0);
    const size = Number(f.stat().size);
    const n = Math.max(0, Math.min(snap.length, size - v.off));
    if (n) f.pread!([snap.subarray(0, n)], BigInt(v.off));
    this.p.mem.write(v.start, snap);
    v.seen = fileStamp(f);
  }
  private storeAll(): void {
    for (const v of this.vmas) if (v.file !== undefined) this.store(v);
  }
  /** The bytes the process changed since the last sync, written to the file up to its end (a page past it is not the file's, as on Linux). */
  private store(v: Vma): void {
    if (!(v.prot & PROT_WRITE)) return;
    const mem = this.p.mem.view(v.start, v.end - v.start);
    const snap = v.snap!;
    if (Buffer.compare(mem, snap) === 0) return;
    const f = v.file!;
    const size = Number(f.stat().size);
    for (let i = 0; i < mem.length; ) {
      if (mem[i] === snap[i]) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < mem.length && mem[j] !== snap[j]) j++;
      const k = Math.min(j, size - v.off);
      try {
        if (k > i) f.pwrite!([mem.subarray(i, k)], BigInt(v.off + i));
      } catch (e) {
        // A full filesystem: Linux's writeback error, which a later msync or fsync reports; the page keeps the bytes.
        if (!(e instanceof Errno)) throw e;
      }
      snap.set(mem.subarray(i, j), i);
      i = j;
    }
    v.seen = fileStamp(f);
  }

  /**
   * Where the word at addr lives if a MAP_SHARED mapping holds it (Linux's get_futex_key for a shared futex): the
   * region and offset, or the file (its dev and inode: another process may open it anew) and offset; else undefined.
   */
  sharedKey(addr: number): string | undefined {
    for (const v of this.vmas) {
      if (addr < v.start || addr >= v.end) continue;
      if (v.region !== undefined) return `r${v.region.id}+${v.off + addr - v.start}`;
      if (v.file === undefined) return undefined;
      const st = v.file.stat();
      return `f${st.dev}:${st.ino}+${v.off + addr - v.start}`;
    }
    return undefined;
  }

  /** Whether [lo, hi) lies inside linear memory and outside every hole. */
  private mapped(lo: number, hi: number): boolean {
    if (hi > this.p.mem.size) return false;
    for (let a = lo; a < hi; a += PAGE) if (this.holes.has(a)) return false;
    return true;
  }

  /** The mappings overlapping [lo, hi), cut at lo and hi so each lies inside or outside it. */
  private split(lo: number, hi: number): Vma[] {
    const out: Vma[] = [];
    const next: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= lo || v.start >= hi) {
        next.push(v);
        continue;
      }
      const cuts = [v.start, Math.max(v.start, lo), Math.min(v.end, hi), v.end];
      // Each new piece of a shm attachment is one more attachment (Linux's vm_ops->open on a split vma).
      if (v.shm !== undefined) for (let k = [0, 1, 2].filter((i) => cuts[i]! < cuts[i + 1]!).length; k > 1; k--) v.shm.open(this.p);
      for (let i = 0; i < 3; i++) {
        const [s, e] = [cuts[i]!, cuts[i + 1]!];
        if (s >= e) continue;
        const piece: Vma = { ...v, start: s, end: e, off: v.off + (s - v.start), snap: v.snap?.slice(s - v.start, e - v.start) };
        if (piece.file !== undefined) piece.file.refs++;
        next.push(piece);
        if (i === 1) out.push(piece);
      }
      if (v.file !== undefined && --v.file.refs === 0) v.file.close();
    }
    this.vmas = next.sort((a, b) => a.start - b.start);
    return out;
  }

  /** munmap's work: [lo, hi) unmapped, shared bytes left in their store or file. */
  unmap(lo: number, hi: number): void {
    this.storeAll();
    const regions = new Set<Region>();
    for (const v of this.vmas) if (v.region !== undefined && v.region.holder === this.p && v.start < hi && v.end > lo) regions.add(v.region);
    for (const r of regions) Mappings.copyOut(r);
    const gone = this.split(lo, hi);
    this.vmas = this.vmas.filter((v) => !gone.includes(v));
    for (const v of gone) {
      if (v.file !== undefined && --v.file.refs === 0) v.file.close();
      for (let a = v.start; a < v.end; a += PAGE) this.holes.add(a);
    }
    // A region this process still maps part of stays held by it (its memory is the live copy of those pages).
    for (const r of regions) if (!this.vmas.some((v) => v.region === r)) r.holder = undefined;
    this.update();
    for (const v of gone) v.shm?.close(this.p);
  }

  /**
   * shmat's mapping of a segment at [start, start + n) (fixed: in place of the mappings there), its bytes the
   * segment's as they are now: the holder's copy taken into the store, then into this process, the new holder.
   */
  attach(start: number, n: number, prot: number, shm: ShmHook, fixed: boolean): void {
    if (fixed) this.unmap(start, start + n);
    // Before the new view is one of the holder's (its pages are not the segment's yet).
    Mappings.copyOut(shm.region);
    for (let a = start; a < start + n; a += PAGE) this.holes.delete(a);
    this.vmas.push({ start, end: start + n, prot, off: 0, region: shm.region, shm, anonPrivate: false });
    this.vmas.sort((a, b) => a.start - b.start);
    this.update();
    shm.open(this.p);
    this.copyIn(shm.region);
  }

  /**
   * shmdt(addr), as Linux's: the first shm mapping at or after addr whose offset in its segment is its distance
   * from addr names the segment; it and that segment's mappings so placed up to its size go. False: none.
   */
  detach(addr: number): boolean {
    const first = this.vmas.find((v) => v.shm !== undefined && v.start >= addr && v.start - addr === v.off);
    if (first === undefined) return false;
    const shm = first.shm!;
    const end = addr + pageUp(shm.size);
    const gone = this.vmas.filter((v) => v.shm === shm && v.start >= addr && v.end <= end && v.start - addr === v.off);
    for (const v of gone) this.unmap(v.start, v.end);
    return true;
  }

  /** mmap's mapping at [start, start + n), the caller's checks passed. */
  map(start: number, n: number, len: number, prot: number, shared: boolean, file: OpenFile | undefined, off: number, fixed: boolean): void {
    if (fixed) this.unmap(start, start + n);
    for (let a = start; a < start + n; a += PAGE) this.holes.delete(a);
    const mem = this.p.mem;
    mem.fill(start, n, 0);
    const v: Vma = { start, end: start + n, prot, off, anonPrivate: false };
    if (file === undefined || isZero(file)) {
      if (shared) {
        v.off = 0;
        v.region = new Region(n);
        v.region.holder = this.p;
      } else v.anonPrivate = true;
    } else if (shared) {
      file.refs++;
      v.file = file;
      v.snap = new Uint8Array(n);
    } else {
      // A private file mapping: the file's bytes now, the rest of its last page zero; later stores are the process's own.
      const size = Number(file.stat().size);
      const k = Math.max(0, Math.min(len, size - off));
      if (k) file.pread!([mem.view(start, k)], BigInt(off));
    }
    this.vmas.push(v);
    this.vmas.sort((a, b) => a.start - b.start);
    this.update();
    if (v.file !== undefined) this.load(v);
  }

  /** Whether [lo, hi) is covered by mappings (MAP_FIXED's condition), and whether any overlaps it (MAP_FIXED_NOREPLACE's EEXIST). */
  covers(lo: number, hi: number): { all: boolean; any: boolean } {
    let at = lo;
    let any = false;
    for (const v of this.vmas) {
      if (v.end <= lo || v.start >= hi) continue;
      any = true;
      if (v.start > at) break;
      at = Math.max(at, v.end);
    }
    return { all: at >= hi, any };
  }

  protect(lo: number, hi: number, prot: number): number {
    if (!this.mapped(lo, hi)) return E.ENOMEM;
    const within = this.vmas.filter((v) => v.start < hi && v.end > lo);
    // A shared file mapping made writable needs a file open for writing (Linux's VM_MAYWRITE).
    if (prot & PROT_WRITE && within.some((v) => v.file !== undefined && v.file.writable === false)) return E.EACCES;
    this.storeAll();
    // A shared region's stores so far reach its store before a view of it may turn read-only (copyOut skips those).
    for (const v of within) if (v.region !== undefined && v.region.holder === this.p) Mappings.copyOut(v.region);
    for (const v of this.split(lo, hi)) v.prot = prot;
    return 0;
  }

  sync(lo: number, hi: number): number {
    this.storeAll();
    return this.mapped(lo, hi) ? 0 : E.ENOMEM;
  }

  advise(lo: number, hi: number, advice: number): number {
    if (!this.mapped(lo, hi)) return E.ENOMEM;
    // MADV_DONTNEED/MADV_FREE drop private anonymous pages: they read as zeros again.
    if (advice === MADV_DONTNEED || advice === MADV_FREE) {
      for (const v of this.vmas) {
        if (!v.anonPrivate || v.end <= lo || v.start >= hi) continue;
        const s = Math.max(lo, v.start);
        this.p.mem.fill(s, Math.min(hi, v.end) - s, 0);
      }
    }
    return 0;
  }

  locked(lo: number, hi: number): number {
    return this.mapped(lo, hi) ? 0 : E.ENOMEM;
  }
}

export const mapsOf = (p: Process): Mappings => (p.mman ??= new Mappings(p));

function mmap(p: Process, addr: number, len: number, prot: number, flags: number, fd: number, offset: bigint, buf: number, out: number): number {
  addr >>>= 0;
  len >>>= 0;
  buf >>>= 0;
  const type = flags & MAP_TYPE;
  let file: OpenFile | undefined;
  // ksys_mmap_pgoff: the fd first (ignored with MAP_ANONYMOUS).
  if (!(flags & MAP_ANONYMOUS)) {
    if (!p.fds.has(fd)) return E.EBADF;
    file = p.fds.file(fd);
    if (flags & MAP_HUGETLB) return E.EINVAL;
  }
  if (len === 0) return E.EINVAL;
  const n = pageUp(len);
  if (n >= LIMIT) return E.ENOMEM;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  if (fixed) {
    if (addr % PAGE) return E.EINVAL;
    const c = p.mman?.covers(addr, addr + n) ?? { all: false, any: false };
    if (!(flags & MAP_FIXED) && c.any) return E.EEXIST;
    // Memory can be placed only where a mapping already is: wasm linear memory has no free addresses to give (docs/abi.md).
    if (!(flags & MAP_FIXED) || !c.all) return E.EINVAL;
  }
  if (file !== undefined) {
    // file_mmap_ok: the offset is unsigned, a file's pages end at 2^63 (an anonymous mapping's offset means nothing).
    if (offset < 0n || offset + BigInt(n) > 2n ** 63n) return E.EOVERFLOW;
    if (type !== MAP_SHARED && type !== MAP_SHARED_VALIDATE && type !== MAP_PRIVATE) return E.EINVAL;
    if (type !== MAP_PRIVATE) {
      if (type === MAP_SHARED_VALIDATE && flags & ~LEGACY_MAP_MASK) return E.EOPNOTSUPP;
      if (prot & PROT_WRITE && file.writable === false) return E.EACCES;
    }
    // What a private mapping needs, a shared one needs too (do_mmap's fallthrough).
    if (file.readable === false) return E.EACCES;
    if (!mappable(file)) return E.ENODEV;
  } else if (type !== MAP_SHARED && type !== MAP_PRIVATE) return E.EINVAL;
  const start = fixed ? addr : buf;
  if (!start || start % PAGE) return E.ENOMEM;
  p.mem.check(start, n);
  p.mem.check(out, 4);
  mapsOf(p).map(start, n, len, prot, type !== MAP_PRIVATE, file, Number(offset), fixed);
  p.mem.setU32(out, start);
  return 0;
}

/** The page range [addr, addr + len rounded up) of munmap and friends, or undefined past 32 bits. */
const range = (addr: number, len: number): [number, number] | undefined => {
  const hi = (addr >>> 0) + pageUp(len >>> 0);
  return hi > LIMIT ? undefined : [addr >>> 0, hi];
};

function munmap(p: Process, addr: number, len: number): number {
  const r = range(addr, len);
  if ((addr >>> 0) % PAGE || !r || r[1] === r[0]) return E.EINVAL;
  p.mman?.unmap(r[0], r[1]);
  return 0;
}

const PROT_KNOWN = 1 | 2 | 4 | 8;
function mprotect(p: Process, addr: number, len: number, prot: number): number {
  if ((addr >>> 0) % PAGE) return E.EINVAL;
  if ((len >>> 0) === 0) return 0;
  const r = range(addr, len);
  if (!r) return E.ENOMEM;
  const grows = prot & (PROT.PROT_GROWSDOWN | PROT.PROT_GROWSUP);
  if (grows === (PROT.PROT_GROWSDOWN | PROT.PROT_GROWSUP) || prot & ~(PROT_KNOWN | grows)) return E.EINVAL;
  return mapsOf(p).protect(r[0], r[1], prot & PROT_KNOWN);
}

function msync(p: Process, addr: number, len: number, flags: number): number {
  if (flags & ~7) return E.EINVAL;
  if ((addr >>> 0) % PAGE) return E.EINVAL;
  if (flags & MS.MS_ASYNC && flags & MS.MS_SYNC) return E.EINVAL;
  const r = range(addr, len);
  if (!r) return E.ENOMEM;
  if (r[0] === r[1]) return 0;
  return mapsOf(p).sync(r[0], r[1]);
}

const ADVICE = new Set(Object.values(MADV));
function madvise(p: Process, addr: number, len: number, advice: number): number {
  if (!ADVICE.has(advice)) return E.EINVAL;
  // Poisoning and soft-offlining a page need CAP_SYS_ADMIN.
  if (advice === 100 || advice === 101) return E.EPERM;
  if ((addr >>> 0) % PAGE) return E.EINVAL;
  const r = range(addr, len);
  if (!r) return E.EINVAL;
  if (r[0] === r[1]) return 0;
  return mapsOf(p).advise(r[0], r[1], advice);
}

/** mlock/munlock: the range is widened to whole pages (Linux aligns the start down); nothing is ever swapped out here. */
function mlock(p: Process, addr: number, len: number): number {
  const lo = (addr >>> 0) - ((addr >>> 0) % PAGE);
  const hi = (addr >>> 0) + (len >>> 0);
  if (hi > LIMIT) return E.ENOMEM;
  if (lo === pageUp(hi)) return 0;
  return mapsOf(p).locked(lo, pageUp(hi));
}

function mlockall(_p: Process, flags: number): number {
  if (!flags || flags & ~7 || flags === MCL.MCL_ONFAULT) return E.EINVAL;
  return 0;
}

const S = 'socklab';
export const mmanSyscalls: readonly SyscallDef[] = [
  syscall(S, 'mmap', { strace: 'mmap', classes: ['memory'], params: ['addr:ptr', 'len:u32', 'prot:mmap_prot', 'flags:mmap_flags', 'fd:fd', 'offset:mmap_off', 'buf:skip', 'addr:ret_addr'] }, mmap),
  syscall(S, 'munmap', { strace: 'munmap', classes: ['memory'], params: ['addr:ptr', 'len:u32'] }, munmap),
  syscall(S, 'mprotect', { strace: 'mprotect', classes: ['memory'], params: ['addr:ptr', 'len:u32', 'prot:mmap_prot'] }, mprotect),
  syscall(S, 'msync', { strace: 'msync', classes: ['memory'], params: ['addr:ptr', 'len:u32', 'flags:msync_flags'] }, msync),
  syscall(S, 'madvise', { strace: 'madvise', classes: ['memory'], params: ['addr:ptr', 'len:u32', 'advice:madv_advice'] }, madvise),
  syscall(S, 'mlock', { strace: 'mlock', classes: ['memory'], params: ['addr:ptr', 'len:u32'] }, mlock),
  syscall(S, 'munlock', { strace: 'munlock', classes: ['memory'], params: ['addr:ptr', 'len:u32'] }, mlock),
  syscall(S, 'mlockall', { strace: 'mlockall', classes: ['memory'], params: ['flags:mlockall_flags'] }, mlockall),
  syscall(S, 'munlockall', { strace: 'munlockall', classes: ['memory'], params: [] }, () => 0),
];
