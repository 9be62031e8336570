// The canonical ABI of socklab's direct bindings (host/component/canon.ts):
// layouts and flattenings of WASI 0.2 types against the values the Component
// Model's canonical ABI gives (and jco's glue uses), a round trip through guest
// memory, handle-table semantics, and the signature table against socklab's
// implementations.
import { describe, expect, it } from 'vitest';
import { alignment, compileLiftFlat, compileLowerFlat1, compileResultStores, compileStore, flatten, liftFlat, load, lowerFlat1, ResourceRegistry, size, store, type Ctx, type HandleTable, type WitType } from '../dist/host/component/canon.js';
import { namedType, signature, signatureEntries } from '../dist/host/component/signatures.js';
import { buildImports } from '../dist/host/component/imports.js';

function ctx(): Ctx & { memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  let heap = 4096;
  const realloc = (_a: number, _b: number, align: number, n: number): number => {
    const p = Math.ceil(heap / align) * align;
    heap = p + n;
    return p;
  };
  return { memory, realloc, reg: new ResourceRegistry(), tables: new Map() };
}

describe('canonical ABI layouts', () => {
  const cases: [string, number, number, number][] = [
    // name, size, alignment, flat values
    ['ip-socket-address', 32, 4, 12],
    ['outgoing-datagram', 44, 4, 15],
    ['incoming-datagram', 40, 4, 14],
    ['descriptor-stat', 96, 8, 12],
    ['stream-error', 8, 4, 2],
    ['descriptor-flags', 1, 1, 1],
    ['new-timestamp', 24, 8, 3],
    ['error-code', 1, 1, 1],
  ];
  for (const [name, sz, al, flat] of cases) {
    it(`${name}: size ${sz}, alignment ${al}, ${flat} flat values`, () => {
      const t = namedType(name);
      expect([size(t), alignment(t), flatten(t).length]).toEqual([sz, al, flat]);
    });
  }

  it('result<list<u8>, stream-error> puts the list at 4 and 8, the error case at 4 and its handle at 8 (as jco does)', () => {
    const cx = ctx();
    const t = signature('wasi:io/streams', 'InputStream', 'blockingRead')!.result!;
    expect(size(t)).toBe(12);
    store(cx, t, { tag: 'ok', val: new Uint8Array([7, 8, 9]) }, 256);
    const v = new DataView(cx.memory.buffer);
    expect([v.getUint8(256), v.getUint32(264, true)]).toEqual([0, 3]);
    expect([...new Uint8Array(cx.memory.buffer, v.getUint32(260, true), 3)]).toEqual([7, 8, 9]);
    store(cx, t, { tag: 'err', val: { tag: 'closed' } }, 256);
    expect([v.getUint8(256), v.getUint8(260)]).toEqual([1, 1]);
  });

  it('a list of datagrams with optional addresses goes to memory and back unchanged', () => {
    const cx = ctx();
    const t: WitType = { k: 'list', e: namedType('outgoing-datagram') };
    const val = [
      { data: new Uint8Array([1, 2]), remoteAddress: { tag: 'ipv4', val: { port: 7000, address: [10, 0, 0, 1] } } },
      { data: new Uint8Array([]), remoteAddress: undefined },
      { data: new Uint8Array([3]), remoteAddress: { tag: 'ipv6', val: { port: 53, flowInfo: 1, address: [0xfd00, 0, 0, 0, 0, 0, 0, 2], scopeId: 9 } } },
    ];
    store(cx, t, val, 128);
    expect(load(cx, t, 128)).toEqual(val);
  });

  it('flat lifting of an ipv6 socket address and of flags', () => {
    const cx = ctx();
    const args = [1, 8080, 5, 0xfd00, 0, 0, 0, 0, 0, 0, 1, 3, 0b100001];
    const at = { i: 0 };
    expect(liftFlat(cx, namedType('ip-socket-address'), args, at)).toEqual({ tag: 'ipv6', val: { port: 8080, flowInfo: 5, address: [0xfd00, 0, 0, 0, 0, 0, 0, 1], scopeId: 3 } });
    expect(liftFlat(cx, namedType('descriptor-flags'), args, at)).toEqual({ read: true, write: false, fileIntegritySync: false, dataIntegritySync: false, requestedWriteSync: false, mutateDirectory: true });
  });
});

describe('compiled lifting and lowering (direct.ts) agree with the generic functions', () => {
  const bytesOf = (cx: Ctx & { memory: WebAssembly.Memory }, at: number, n: number): number[] => [...new Uint8Array(cx.memory.buffer, at, n)];

  it('stores: the same bytes as store() for every result type of the signature table', () => {
    const values: [string, string | undefined, string, unknown][] = [
      ['wasi:io/streams', 'InputStream', 'blockingRead', { tag: 'ok', val: new Uint8Array([1, 2, 3]) }],
      ['wasi:io/streams', 'InputStream', 'blockingRead', { tag: 'err', val: { tag: 'closed' } }],
      ['wasi:io/streams', 'OutputStream', 'checkWrite', { tag: 'ok', val: 65536n }],
      ['wasi:io/streams', 'OutputStream', 'blockingSplice', { tag: 'ok', val: 3n }],
      ['wasi:sockets/tcp', 'TcpSocket', 'startConnect', { tag: 'err', val: 'connection-refused' }],
      ['wasi:sockets/tcp', 'TcpSocket', 'localAddress', { tag: 'ok', val: { tag: 'ipv6', val: { port: 80, flowInfo: 2, address: [1, 2, 3, 4, 5, 6, 7, 8], scopeId: 4 } } }],
      ['wasi:sockets/ip-name-lookup', 'ResolveAddressStream', 'resolveNextAddress', { tag: 'ok', val: { tag: 'ipv4', val: [10, 0, 0, 1] } }],
      ['wasi:sockets/ip-name-lookup', 'ResolveAddressStream', 'resolveNextAddress', { tag: 'ok', val: undefined }],
      ['wasi:clocks/wall-clock', undefined, 'now', { seconds: 1700000000n, nanoseconds: 5 }],
      ['wasi:cli/environment', undefined, 'getEnvironment', [['A', 'b'], ['C', 'dé']]],
    ];
    for (const [iface, cls, name, v] of values) {
      const t = signature(iface, cls, name)!.result!;
      const [a, b] = [ctx(), ctx()];
      store(a, t, v, 256);
      compileStore(t)(b, v, 256);
      expect(bytesOf(b, 0, 8192), `${iface} ${name}`).toEqual(bytesOf(a, 0, 8192));
      if (t.k === 'result') {
        // The ok and err stores take the bare payload.
        const c = ctx();
        const r = v as { tag: string; val: unknown };
        compileResultStores(t as WitType & { k: 'result' })[r.tag as 'ok' | 'err'](c, r.val, 256);
        expect(bytesOf(c, 0, 8192), `${iface} ${name} (${r.tag})`).toEqual(bytesOf(a, 0, 8192));
      }
    }
  });

  it('flat lifts and single flat results: the same values as liftFlat() and lowerFlat1()', () => {
    const cx = ctx();
    new Uint8Array(cx.memory.buffer).set(new TextEncoder().encode('héllo'), 100);
    const cases: [WitType, (number | bigint)[]][] = [
      [{ k: 'u64' }, [-1n]],
      [{ k: 's64' }, [-1n]],
      [{ k: 'u32' }, [-1]],
      [{ k: 'u16' }, [0x12345]],
      [{ k: 'bool' }, [2]],
      [{ k: 'string' }, [100, 6]],
      [{ k: 'list', e: { k: 'u8' } }, [100, 6]],
      [namedType('ip-address-family'), [1]],
      [namedType('ip-socket-address'), [0, 7000, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0]],
    ];
    for (const [t, args] of cases) {
      expect(compileLiftFlat(t)(cx, args, 0), t.k).toEqual(liftFlat(cx, t, args, { i: 0 }));
    }
    // A view of guest memory where the implementation copies what it keeps.
    const view = compileLiftFlat({ k: 'list', e: { k: 'u8' } }, true)(cx, [100, 6], 0) as Uint8Array;
    expect(view.buffer).toBe(cx.memory.buffer);
    expect(() => compileLiftFlat({ k: 'list', e: { k: 'u8' } }, true)(cx, [65530, 7], 0)).toThrow(/out of bounds/);
    for (const [t, v] of [[{ k: 'u64' }, 2n ** 64n - 1n], [{ k: 'u32' }, 0xffffffff], [{ k: 's32' }, -5], [namedType('ip-address-family'), 'ipv6']] as [WitType, unknown][]) {
      expect(compileLowerFlat1(t)(cx, v), t.k).toEqual(lowerFlat1(cx, t, v));
    }
  });

  it('a memory.grow between calls is seen (the cached view is of the new buffer)', () => {
    const cx = ctx();
    const st = compileStore({ k: 'u32' });
    st(cx, 1, 0);
    cx.memory.grow(1);
    st(cx, 7, 65536);
    expect(new DataView(cx.memory.buffer).getUint32(65536, true)).toBe(7);
  });
});

describe('handles', () => {
  it('own handles use jco\'s table layout and free list; a borrow of a freed or unknown handle traps', () => {
    const cx = ctx();
    const table = [1 << 30, 0] as HandleTable;
    table._createdReps = new Set();
    const a = { name: 'a' };
    const b = { name: 'b' };
    const ha = cx.reg.own(table, a);
    const hb = cx.reg.own(table, b);
    expect([ha, hb]).toEqual([1, 2]);
    expect(cx.reg.borrow(table, hb)).toBe(b);
    expect(() => cx.reg.borrow(table, 3)).toThrow(WebAssembly.RuntimeError);
    expect(cx.reg.take(table, ha)).toBe(a);
    expect(() => cx.reg.borrow(table, ha)).toThrow(/unknown handle index/);
    // The freed slot is the next one handed out, as in jco's rscTableCreateOwn.
    expect(cx.reg.own(table, { name: 'c' })).toBe(1);
    cx.reg.clear();
    expect(cx.reg.reps.size).toBe(0);
  });
});

describe('the signature table', () => {
  it('names only functions and methods socklab implements, and parses', () => {
    const fake = { kernel: { clock: { now: () => 0 } } } as never;
    const { imports } = buildImports(fake);
    for (const [iface, cls, name] of signatureEntries()) {
      const obj = imports[iface] as Record<string, unknown>;
      if (cls) {
        const c = obj[cls] as { prototype: Record<string, unknown> };
        expect(typeof c.prototype[name], `${iface} ${cls}.${name}`).toBe('function');
      } else expect(typeof obj[name], `${iface} ${name}`).toBe('function');
      expect(signature(iface, cls, name)).toBeDefined();
    }
  });
});
