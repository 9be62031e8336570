// The stacks setjmp saved, per process (the calls: jmp.ts; saving and resuming: Process).

/** The jmp_buf's first word once setjmp filled it ('SJLJ'); the second is the point's id. */
export const JMP_MAGIC = 0x4a4c4a53;
/** Bytes of the SDK's struct __jmp_buf_tag the host reads and writes (magic, id). */
export const JMP_BUF_HOST_BYTES = 8;

/** One setjmp's saved stack. */
export interface JmpPoint {
  readonly id: number;
  /** The jmp_buf it was saved for: a later setjmp on the same buffer replaces it. */
  readonly env: number;
  /** Signal-handler depth of the caller (0: the main stack) and that handler frame's serial number. */
  readonly depth: number;
  readonly frame: number;
  /** What Asyncify saved, from its region's data start to its end pointer. */
  readonly data: Uint8Array;
  /** The guest's exported mutable globals, by export name. */
  readonly globals: readonly (readonly [string, unknown])[];
}

/**
 * A process's saved points. Bounded: a program that setjmps on ever new
 * buffers (a jmp_buf on the stack of a function called in a loop reuses its
 * address, so that one stays at one point) loses its oldest points first,
 * and a longjmp to one of those ends it as a bad jmp_buf would.
 */
export class JmpPoints {
  static readonly MAX_POINTS = 1024;
  static readonly MAX_BYTES = 16 << 20;
  private readonly byId = new Map<number, JmpPoint>();
  private nextId = 1;
  private bytes = 0;

  /** Keeps a new point; `oldId`: the id the buffer held (its point goes if it was saved for this buffer). */
  save(p: Omit<JmpPoint, 'id'>, oldId: number): number {
    const old = this.byId.get(oldId);
    if (old !== undefined && old.env === p.env) this.drop(old);
    const point: JmpPoint = { ...p, id: this.nextId++ };
    if (this.nextId > 0x7fffffff) this.nextId = 1;
    this.byId.set(point.id, point);
    this.bytes += point.data.length;
    for (const first of this.byId.values()) {
      if (this.byId.size <= JmpPoints.MAX_POINTS && this.bytes <= JmpPoints.MAX_BYTES) break;
      this.drop(first);
    }
    return point.id;
  }

  get(id: number): JmpPoint | undefined {
    return this.byId.get(id);
  }

  private drop(p: JmpPoint): void {
    this.byId.delete(p.id);
    this.bytes -= p.data.length;
  }

  /** fork: the child's memory holds the same jmp_bufs, so it gets the same points (they are never changed, only replaced). */
  copy(): JmpPoints {
    const c = new JmpPoints();
    for (const [id, p] of this.byId) c.byId.set(id, p);
    c.nextId = this.nextId;
    c.bytes = this.bytes;
    return c;
  }
}
