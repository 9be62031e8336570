// GuestMemory's reused views and iovec arrays (host/abi/memory.ts): the same
// buffer gives the same view until the memory grows, never a stale one after.
import { describe, expect, it } from 'vitest';
import { E, Errno } from '../host/abi/errno.js';
import { GuestMemory } from '../host/abi/memory.js';

const errnoOf = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof Errno) return e.errno;
    throw e;
  }
  return undefined;
};

describe('GuestMemory views', () => {
  it('reuses a view for the same buffer and makes a new one for another', () => {
    const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
    const a = mem.view(1024, 16);
    expect(mem.view(1024, 16)).toBe(a);
    const b = mem.view(1024, 8);
    expect(b).not.toBe(a);
    expect(b.length).toBe(8);
    expect(mem.view(1024, 16).length).toBe(16);
    // 1024 and 1168 share a slot: they evict each other, each view still right.
    const c = mem.view(1168, 4);
    expect(c.byteOffset).toBe(1168);
    expect(c.length).toBe(4);
    const d = mem.view(1024, 16);
    expect(d.byteOffset).toBe(1024);
    expect(d.length).toBe(16);
    expect(mem.view(1168, 4)).not.toBe(c);
    expect(errnoOf(() => mem.view(65530, 16))).toBe(E.EFAULT);
  });

  it('drops its views when the memory grows', () => {
    const wm = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const mem = new GuestMemory(wm);
    const before = mem.view(64, 4);
    const iovsBefore = mem.iovecs(0, 0);
    wm.grow(1);
    const after = mem.view(64, 4);
    // (compared by identity: the old view's buffer is detached, which expect cannot print)
    expect(after === before).toBe(false);
    expect(before.length).toBe(0);
    expect(after.buffer).toBe(wm.buffer);
    after.set([1, 2, 3, 4]);
    expect([...new Uint8Array(wm.buffer, 64, 4)]).toEqual([1, 2, 3, 4]);
    // Past the old end: valid now.
    expect(mem.view(65536, 8).buffer).toBe(wm.buffer);
    expect(mem.iovecs(0, 0)).toBe(iovsBefore);
  });

  it('checks bounds against the grown length, not the one it started with', () => {
    const wm = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const mem = new GuestMemory(wm);
    expect(mem.size).toBe(65536);
    expect(errnoOf(() => mem.setU64Safe(65536, 7))).toBe(E.EFAULT);
    expect(errnoOf(() => mem.check(65532, 8))).toBe(E.EFAULT);
    wm.grow(2);
    expect(mem.size).toBe(3 * 65536);
    mem.setU64Safe(65536, 2 ** 40 + 5);
    expect(new DataView(wm.buffer).getBigUint64(65536, true)).toBe(2n ** 40n + 5n);
    expect(mem.valid(3 * 65536 - 8, 8)).toBe(true);
    expect(errnoOf(() => mem.check(3 * 65536 - 4, 8))).toBe(E.EFAULT);
    mem.setU8(3 * 65536 - 1, 0x41);
    expect(errnoOf(() => mem.cstring(3 * 65536 - 1))).toBe(E.EFAULT);
  });

  it('decodes iovecs into one reused array, with EINVAL and EFAULT as before', () => {
    const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
    mem.setU32(0, 4096); mem.setU32(4, 10);
    mem.setU32(8, 8192); mem.setU32(12, 0);
    const two = mem.iovecs(0, 2);
    expect(two.map((v) => [v.byteOffset, v.length])).toEqual([[4096, 10], [8192, 0]]);
    const one = mem.iovecs(0, 1);
    expect(one).toBe(two);
    expect(one.length).toBe(1);
    expect(errnoOf(() => mem.iovecs(0, 1025))).toBe(E.EINVAL);
    expect(errnoOf(() => mem.iovecs(65532, 1))).toBe(E.EFAULT);
    mem.setU32(36, 16); mem.setU32(32, 65530);
    expect(errnoOf(() => mem.iovecs(32, 1))).toBe(E.EFAULT);
    expect(mem.single(one[0]!)).toEqual([one[0]]);
  });
});
