// Typed places for state a higher layer keeps on the kernel or on a
// process: the virtual network, the process's filesystem, a pending DNS
// lookup. The key is declared by the layer that owns the value (so the
// kernel never imports its type) and carries the type, so readers need no
// casts and a misspelt key cannot compile.

/** A key for one slot holding a T. `inherit`: fork copies it to the child (process slots). */
export class Slot<T> {
  declare private readonly type: T;
  constructor(
    readonly name: string,
    readonly inherit = false,
  ) {}
}

export class Slots {
  private readonly values = new Map<Slot<unknown>, unknown>();

  get<T>(key: Slot<T>): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  /** Sets the slot; undefined empties it. */
  set<T>(key: Slot<T>, value: T | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }

  /** Copies the inherited slots of `parent` (fork). */
  inheritFrom(parent: Slots): void {
    for (const [k, v] of parent.values) if (k.inherit) this.values.set(k, v);
  }
}
