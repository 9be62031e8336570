// Small edits on a module's bytes that Binaryen's API does not offer:
// dropping a section and raising the memory's declared maximum.

interface Section {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  /** Offset of the contents, after the size. */
  body: number;
  end: number;
}

function readLeb(b: Uint8Array, at: number): [value: number, next: number] {
  let r = 0;
  let mul = 1;
  for (;;) {
    const x = b[at++]!;
    r += (x & 0x7f) * mul;
    if (!(x & 0x80)) return [r, at];
    mul *= 128;
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let x = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) x |= 0x80;
    out.push(x);
  } while (n > 0);
  return out;
}

function sections(b: Uint8Array): Section[] {
  const out: Section[] = [];
  let i = 8;
  while (i < b.length) {
    const start = i;
    const id = b[i]!;
    const [size, body] = readLeb(b, i + 1);
    out.push({ id, start, body, end: body + size });
    i = body + size;
  }
  return out;
}

function replace(b: Uint8Array, s: Section, contents: number[] | null): Uint8Array {
  const mid = contents ? [s.id, ...leb(contents.length), ...contents] : [];
  const out = new Uint8Array(b.length - (s.end - s.start) + mid.length);
  out.set(b.subarray(0, s.start), 0);
  out.set(mid, s.start);
  out.set(b.subarray(s.end), s.start + mid.length);
  return out;
}

/** The module without its section `id` (8: the start section). */
export function dropSection(b: Uint8Array, id: number): Uint8Array {
  const s = sections(b).find((x) => x.id === id);
  return s ? replace(b, s, null) : b;
}

/**
 * Raises the first defined memory's maximum (if it has one) by `pages`, up
 * to wasm32's 65536: socklab grows the memory by its own pages after
 * instantiation, and a module whose maximum equals its initial size must
 * still have room for them.
 */
export function raiseMemoryMaximum(b: Uint8Array, pages: number): Uint8Array {
  const s = sections(b).find((x) => x.id === 5);
  if (!s) return b;
  const [count, afterCount] = readLeb(b, s.body);
  if (count === 0) return b;
  let i = afterCount;
  const flags = b[i++]!;
  if (!(flags & 1) || flags & 4) return b;
  const [initial, j] = readLeb(b, i);
  const [maximum, k] = readLeb(b, j);
  const raised = Math.min(maximum + pages, 65536);
  if (raised === maximum) return b;
  const contents = [...b.subarray(s.body, i), ...leb(initial), ...leb(raised), ...b.subarray(k, s.end)];
  return replace(b, s, contents);
}
