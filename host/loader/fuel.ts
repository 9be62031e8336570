// Deterministic CPU accounting ("fuel"): every function entry and every loop
// iteration costs one unit from a mutable i64 global, and when the global
// drops below zero the guest calls socklab_rt.fuel_exhausted(). Counting
// guest work instead of wall time makes "time limit exceeded" independent of
// how busy the machine is, and gives the scheduler a point where it can
// preempt a guest that never makes a syscall. Run it before Asyncify, with
// "socklab_rt.fuel_exhausted" among the asyncify imports, so the host can
// suspend the guest inside that call.
import type binaryenModule from 'binaryen';

type Binaryen = typeof binaryenModule;
type BModule = InstanceType<Binaryen['Module']>;

export const FUEL_GLOBAL = 'socklab_fuel';
export const FUEL_IMPORT = { module: 'socklab_rt', base: 'fuel_exhausted' } as const;
const FUEL_FUNC = 'socklab_fuel_exhausted';

/** Fields of each expression kind that hold child expressions (single refs, or arrays of refs). */
function childFields(b: Binaryen): Map<number, { one: string[]; many: string[] }> {
  const t = (one: string[], many: string[] = []): { one: string[]; many: string[] } => ({ one, many });
  return new Map([
    [b.BlockId, t([], ['children'])],
    [b.IfId, t(['condition', 'ifTrue', 'ifFalse'])],
    [b.LoopId, t(['body'])],
    [b.BreakId, t(['condition', 'value'])],
    [b.SwitchId, t(['condition', 'value'])],
    [b.CallId, t([], ['operands'])],
    [b.CallIndirectId, t(['target'], ['operands'])],
    [b.LocalSetId, t(['value'])],
    [b.GlobalSetId, t(['value'])],
    [b.TableGetId, t(['index'])],
    [b.TableSetId, t(['index', 'value'])],
    [b.TableGrowId, t(['value', 'delta'])],
    [b.LoadId, t(['ptr'])],
    [b.StoreId, t(['ptr', 'value'])],
    [b.UnaryId, t(['value'])],
    [b.BinaryId, t(['left', 'right'])],
    [b.SelectId, t(['ifTrue', 'ifFalse', 'condition'])],
    [b.DropId, t(['value'])],
    [b.ReturnId, t(['value'])],
    [b.MemoryGrowId, t(['delta'])],
    [b.AtomicRMWId, t(['ptr', 'value'])],
    [b.AtomicCmpxchgId, t(['ptr', 'expected', 'replacement'])],
    [b.AtomicWaitId, t(['ptr', 'expected', 'timeout'])],
    [b.AtomicNotifyId, t(['ptr', 'notifyCount'])],
    [b.SIMDExtractId, t(['vec'])],
    [b.SIMDReplaceId, t(['vec', 'value'])],
    [b.SIMDShuffleId, t(['left', 'right'])],
    [b.SIMDTernaryId, t(['a', 'b', 'c'])],
    [b.SIMDShiftId, t(['vec', 'shift'])],
    [b.SIMDLoadId, t(['ptr'])],
    [b.SIMDLoadStoreLaneId, t(['ptr', 'vec'])],
    [b.MemoryInitId, t(['dest', 'offset', 'size'])],
    [b.MemoryCopyId, t(['dest', 'source', 'size'])],
    [b.MemoryFillId, t(['dest', 'value', 'size'])],
    [b.RefIsNullId, t(['value'])],
    [b.TupleMakeId, t([], ['operands'])],
    [b.TupleExtractId, t(['tuple'])],
    [b.TryId, t(['body'], ['catchBodies'])],
    [b.ThrowId, t([], ['operands'])],
  ]);
}

/** Kinds with no child expressions. */
function leafKinds(b: Binaryen): Set<number> {
  return new Set([b.NopId, b.UnreachableId, b.ConstId, b.LocalGetId, b.GlobalGetId, b.MemorySizeId, b.PopId, b.RefNullId, b.RefFuncId, b.DataDropId, b.AtomicFenceId, b.TableSizeId, b.RethrowId]);
}

/** Every loop in an expression tree (iteratively: guest code can nest deeply). */
function loopsIn(b: Binaryen, root: number, fields: ReturnType<typeof childFields>, leaves: Set<number>): number[] {
  const loops: number[] = [];
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (!e) continue;
    const id = b.getExpressionId(e);
    if (leaves.has(id)) continue;
    const f = fields.get(id);
    if (!f) throw new Error(`fuel: cannot instrument a module with expression kind ${id} (not a wasm32-wasip1 MVP+SIMD+bulk-memory feature)`);
    if (id === b.LoopId) loops.push(e);
    const info = b.getExpressionInfo(e) as unknown as Record<string, number | number[]>;
    for (const k of f.one) if (info[k]) stack.push(info[k] as number);
    for (const k of f.many) for (const c of (info[k] as number[] | undefined) ?? []) stack.push(c);
  }
  return loops;
}

/**
 * Inserts the fuel charge at each function entry and loop header of `mod`:
 *   socklab_fuel -= 1; if (socklab_fuel < 0) socklab_rt.fuel_exhausted();
 * The global starts at 0 (so the first charge calls the host, which fills
 * it) and is exported as "socklab_fuel" for the host to read and refill.
 */
export function instrumentFuel(mod: BModule, binaryen: Binaryen): void {
  const b = binaryen;
  const n = mod.getNumFunctions();
  // Collect first: adding the import changes the function list.
  const bodies: { ref: number; results: number }[] = [];
  for (let i = 0; i < n; i++) {
    const f = mod.getFunctionByIndex(i);
    const info = b.getFunctionInfo(f);
    if (!info.module && info.body) bodies.push({ ref: f, results: info.results });
  }
  // binaryen.js takes a bigint for i64.const, though its typings still say (low, high).
  const i64 = (v: bigint): number => (mod.i64.const as unknown as (x: bigint) => number)(v);
  mod.addGlobal(FUEL_GLOBAL, b.i64, true, i64(0n));
  mod.addGlobalExport(FUEL_GLOBAL, FUEL_GLOBAL);
  mod.addFunctionImport(FUEL_FUNC, FUEL_IMPORT.module, FUEL_IMPORT.base, b.none, b.none);
  const charge = (): number =>
    mod.block(null, [
      mod.global.set(FUEL_GLOBAL, mod.i64.sub(mod.global.get(FUEL_GLOBAL, b.i64), i64(1n))),
      mod.if(mod.i64.lt_s(mod.global.get(FUEL_GLOBAL, b.i64), i64(0n)), mod.call(FUEL_FUNC, [], b.none)),
    ], b.none);
  const fields = childFields(b);
  const leaves = leafKinds(b);
  const api = b as unknown as {
    Loop: { getBody(e: number): number; setBody(e: number, body: number): void };
    Function: { getBody(f: number): number; setBody(f: number, body: number): void };
  };
  for (const { ref, results } of bodies) {
    const body = api.Function.getBody(ref);
    for (const loop of loopsIn(b, body, fields, leaves)) {
      const inner = api.Loop.getBody(loop);
      api.Loop.setBody(loop, mod.block(null, [charge(), inner], b.getExpressionType(inner)));
    }
    api.Function.setBody(ref, mod.block(null, [charge(), body], results));
  }
}
