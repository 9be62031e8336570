// A trace to one file: the worker writes the trace stream into a staging
// area of a SharedArrayBuffer, copies it into a slot when it is full and
// hands the slot to the host thread, which formats the deferred records
// in it (the lines of trivial calls, recorded in binary on the guest's
// thread: see TextTraceOptions.defer), writes the file and frees the slot.
// The slots bound the memory a fast guest can fill ahead of the file. The
// host thread also writes what the worker still held after it terminated it
// (--timeout stopping a guest that spins without syscalls), so a trace to a
// file is complete however the run ended.
//
// Why a staging area and a copy: written in place, a slot's cache lines
// were in the host thread's cache (it had just formatted them) when the
// worker came round to write them again, and each line of a record then
// cost a transfer between cores: measured, a traced clock_gettime took 130
// ns against 45 untraced; with the staging area, which only the worker
// touches while it runs, and one bulk copy per slot, 96.
//
// How many slots: enough that a burst of calls is recorded while the host
// thread formats behind it (~200 ns a line, 2-4x what the guest takes to
// record one) instead of the worker waiting for a free slot, as it did with
// four: 256 slots, 64 MiB, hold ~1.8M clock_gettime records (36 bytes
// each). One SharedArrayBuffer has room for them all, but the OS commits a
// page only once written, and a slot is opened only when the oldest one
// handed over is still in use: a run the host thread keeps up with touches
// a few slots, a burst as many as it needs, a guest that floods forever
// 64 MiB at most, and then waits for the oldest slot. A slot opened costs
// its page faults once (a copy into fresh pages ~110-150 us per slot
// against ~40-48 us reused, measured 2026-12-06), still less than waiting:
// steady state 85 against 98 ns a traced clock_gettime (1M calls).
//
// Layout (int32): [0] slots handed over; [1 + k] slot k is free (1) or in use (0); [HELD] bytes held in the
// staging area, alone in its cache line (the worker stores it per line);
// the staging area from STAGE on, the slots after it. A slot is posted,
// then the held count drops to 0, then the count of slots handed over
// moves: a worker stopped between the first two has its held bytes counted
// as received already (slots received > slots counted).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunSpec } from '../scenario/spec.js';
import type { TextTracer } from '../trace/strace.js';

/** What the staging area holds before its first hand-over (see TraceTail's constructor). */
const FIRST_SLOT_BYTES = 4096;
/** Bytes of one slot (and of the staging area), and the slots. */
export const TRACE_SLOT_BYTES = 256 << 10;
const MAX_SLOTS = 256;
const HANDED = 0;
const FREE = 1;
const HEADER_INTS = FREE + MAX_SLOTS;
/** The held count's int32 index: in a cache line of its own after the free flags, apart from what the host thread writes. */
const HELD = (HEADER_INTS + 15) & ~15;
const STAGE = (HELD + 16) * 4;
const SLOT_DATA = STAGE + TRACE_SLOT_BYTES;

/** The shared memory of a trace tail with room for `slots` slots (fewer than MAX_SLOTS: tests of the bound). */
export function traceTailBuffer(slots = MAX_SLOTS): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(SLOT_DATA + Math.min(slots, MAX_SLOTS) * TRACE_SLOT_BYTES);
  new Int32Array(shared, 0, HEADER_INTS).fill(1, FREE);
  return shared;
}

const slotsIn = (shared: SharedArrayBuffer): number => Math.floor((shared.byteLength - SLOT_DATA) / TRACE_SLOT_BYTES);

const slotView = (shared: SharedArrayBuffer, k: number): Buffer => Buffer.from(shared, SLOT_DATA + k * TRACE_SLOT_BYTES, TRACE_SLOT_BYTES);

/** The worker's side: text and records in (a ByteTarget, the staging area), full slots out to the host thread (send(slot, length)). */
export class TraceTail {
  private readonly header: Int32Array;
  /** The slots opened so far (views made when first used). */
  private readonly slots: Buffer[] = [];
  private readonly shared: SharedArrayBuffer;
  /** How many slots the buffer has room for: the bound. */
  private readonly room: number;
  private readonly stage: Buffer;
  /** Slots handed over, oldest first: the host thread frees them in that order. */
  private readonly inFlight: number[] = [];
  /**
   * The tracer's lines are written in place (host/trace/linebuf.ts ByteTarget): the staging area, its held
   * length, hold(n) to hold more. Plain fields, not getters: a traced call reads both, and in a fresh worker's
   * first thousands of calls (unoptimised code) each getter is a call.
   */
  bytes: Buffer;
  length = 0;

  constructor(
    shared: SharedArrayBuffer,
    private readonly send: (slot: number, length: number) => void,
  ) {
    this.header = new Int32Array(shared, 0, HELD + 1);
    this.shared = shared;
    this.room = slotsIn(shared);
    this.stage = Buffer.from(shared, STAGE, TRACE_SLOT_BYTES);
    // The first bytes are handed over after its first few KiB: the tracer's room check then takes its flush branch
    // early, while its code still runs unoptimised, so the optimised code has the branch's type feedback (a branch
    // first taken in optimised code deoptimises it, and the recompile comes thousands of slow calls later).
    this.bytes = this.stage.subarray(0, FIRST_SLOT_BYTES);
  }

  write(text: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    if (this.length + text.length * 3 > this.bytes.length) {
      this.flush();
      if (text.length * 3 > this.bytes.length) {
        // Longer than a slot: in pieces (the host thread copies text as bytes).
        const b = Buffer.from(text, 'utf8');
        for (let at = 0; at < b.length; ) {
          const n = Math.min(b.length - at, this.bytes.length - this.length);
          b.copy(this.bytes, this.length, at, at + n);
          at += n;
          this.hold(this.length + n);
          if (this.length === this.bytes.length) this.flush();
        }
        return;
      }
    }
    this.length += this.bytes.write(text, this.length, 'utf8');
    Atomics.store(this.header, HELD, this.length);
  }

  hold(length: number): void {
    this.length = length;
    // A plain store, once per trace line (Atomics.store's fence cost as much as writing the line): the host
    // thread reads it only once this worker is gone, as it reads the line bytes, which are plain stores too.
    this.header[HELD] = length;
  }

  /** Copies what the staging area holds into the next slot, once the host thread freed it, and hands that over. */
  flush(): void {
    if (!this.length) return;
    const h = this.header;
    const k = this.take();
    (this.slots[k] ??= slotView(this.shared, k)).set(this.stage.subarray(0, this.length));
    this.send(k, this.length);
    this.length = 0;
    Atomics.store(h, HELD, 0);
    Atomics.add(h, HANDED, 1);
    this.inFlight.push(k);
    this.bytes = this.stage;
  }

  /**
   * The oldest slot handed over if the host thread freed it, else a slot not opened yet while there is one, else
   * the oldest once freed (waiting on this thread only: the host thread never waits for this one); taken.
   */
  private take(): number {
    const h = this.header;
    const q = this.inFlight;
    let k: number;
    if (q.length !== 0 && (Atomics.load(h, FREE + q[0]!) === 1 || this.slots.length === this.room)) k = q.shift()!;
    else k = this.slots.length;
    while (Atomics.load(h, FREE + k) === 0) Atomics.wait(h, FREE + k, 0, 1000);
    Atomics.store(h, FREE + k, 0);
    return k;
  }
}

/**
 * The host thread's side: the trace file, the formatter of deferred
 * records, and a buffer of the bytes going out (a ByteTarget the
 * formatter writes its lines into).
 */
export class TraceSink {
  readonly bytes: Buffer = Buffer.allocUnsafe(TRACE_SLOT_BYTES);
  length = 0;
  /** Slots received from the worker. */
  private received = 0;
  private fd: number | undefined;
  private formatter!: TextTracer;
  private header!: Int32Array;
  private shared!: SharedArrayBuffer;
  private readonly slots: Buffer[] = [];
  private stage!: Buffer;
  private readonly raw = (b: Uint8Array, from: number, to: number): void => {
    const n = to - from;
    if (this.length + n > this.bytes.length) {
      this.flush();
      if (n > this.bytes.length) {
        writeAll(this.fd!, b.subarray(from, to));
        return;
      }
    }
    this.bytes.set(b.subarray(from, to), this.length);
    this.length += n;
  };

  private constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  /** Opens (truncates) the file; the formatter gets the trace's options that shape a line. */
  static async open(t: NonNullable<RunSpec['trace']> & { file: string }, shared: SharedArrayBuffer): Promise<TraceSink> {
    const { createTextTracer } = await import('../trace/strace.js');
    const s = new TraceSink(t.file);
    s.header = new Int32Array(shared, 0, HELD + 1);
    s.shared = shared;
    s.stage = Buffer.from(shared, STAGE, TRACE_SLOT_BYTES);
    prefault(shared);
    s.formatter = createTextTracer((text) => s.text(text), { format: t.format, time: t.time, wall: t.wall, target: s });
    return s;
  }

  hold(length: number): void {
    this.length = length;
  }

  flush(): void {
    if (!this.length || this.fd === undefined) return;
    writeAll(this.fd, this.bytes.subarray(0, this.length));
    this.length = 0;
  }

  /** A line too long for the buffer (the formatter's spill). */
  private text(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.raw(b, 0, b.length);
  }

  /** A slot the worker handed over: its lines out, then the slot back to the worker. */
  chunk(slot: number, length: number): void {
    this.received++;
    try {
      this.formatter.expand((this.slots[slot] ??= slotView(this.shared, slot)).subarray(0, length), this.raw);
    } finally {
      Atomics.store(this.header, FREE + slot, 1);
      Atomics.notify(this.header, FREE + slot);
    }
  }

  /** Once the worker is gone without handing over all it held: those bytes, unless they came as a slot already. */
  recover(): void {
    const h = this.header;
    const len = Atomics.load(h, HELD);
    if (len <= 0 || this.received > Atomics.load(h, HANDED)) return;
    this.formatter.expand(this.stage.subarray(0, len), this.raw);
  }

  /** Writes what is left and closes the file (once). */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** Slots whose pages the host thread faults in before the run (4 MiB): a fresh worker's burst of records fills them. */
const PREFAULT_SLOTS = 16;

/**
 * Writes a byte into each page of the staging area and the first slots, on the host thread before the worker has
 * the buffer (no race: it is not sent yet), while the worker boots: the worker's first copy into a slot then costs
 * a copy, not its page faults (110-150 us per fresh slot against 40-48 reused, measured; ~12 ns a call of a
 * 200k-call JSONL run from a fresh worker, which opens ~25 slots while the host thread formats behind it).
 */
function prefault(shared: SharedArrayBuffer): void {
  const u8 = new Uint8Array(shared);
  const end = Math.min(u8.length, SLOT_DATA + PREFAULT_SLOTS * TRACE_SLOT_BYTES);
  for (let i = STAGE; i < end; i += 4096) u8[i] = 0;
}

function writeAll(fd: number, b: Uint8Array): void {
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done);
}
