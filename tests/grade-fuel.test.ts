// Fuel: instrumented modules charge a counter at each function entry and
// loop iteration, and call socklab_rt.fuel_exhausted() when it runs out, so
// even a loop without syscalls can be stopped, deterministically.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import binaryen from 'binaryen';
import { instrumentFuel, FUEL_GLOBAL } from '../dist/host/loader/fuel.js';
import { guest } from './helpers.js';

const WAT = `(module
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $s (call $add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
  (func (export "spin") (loop $l (br $l))))`;

class OutOfFuel extends Error {}

function instantiate(refill: number, budget: number): { sum: (n: number) => number; spin: () => void; calls: () => number; used: () => bigint } {
  const mod = binaryen.parseText(WAT);
  mod.setFeatures(binaryen.Features.MutableGlobals); // as the loader sets them: the fuel global is exported
  instrumentFuel(mod, binaryen);
  expect(mod.validate()).toBeTruthy();
  const bytes = mod.emitBinary();
  mod.dispose();
  let calls = 0;
  let given = 0n;
  let global: WebAssembly.Global;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    socklab_rt: {
      fuel_exhausted: () => {
        calls++;
        // The kernel's side, in miniature: refill a slice from the budget, or stop the guest.
        if (given >= BigInt(budget)) throw new OutOfFuel();
        global.value = BigInt(refill) - 1n;
        given += BigInt(refill);
      },
    },
  });
  global = inst.exports[FUEL_GLOBAL] as WebAssembly.Global;
  return {
    sum: inst.exports.sum as (n: number) => number,
    spin: inst.exports.spin as () => void,
    calls: () => calls,
    used: () => given - (global.value as bigint),
  };
}

describe('fuel instrumentation', () => {
  it('charges one unit per function entry and per loop iteration, and keeps results', () => {
    const g = instantiate(1_000_000, 10_000_000);
    expect(g.sum(100)).toBe(4950);
    // sum's entry, 101 loop iterations (the last one exits), 100 calls to add.
    expect(g.used()).toBe(1n + 101n + 100n);
    expect(g.calls()).toBe(1);
  });

  it('stops a loop that never calls anything, after exactly its budget', () => {
    const g = instantiate(1000, 5000);
    expect(() => g.spin()).toThrow(OutOfFuel);
    expect(g.calls()).toBe(6); // five fills of 1000 units, then the sixth call finds the budget gone
  });

  it('instruments a real C guest, which still validates', () => {
    const mod = binaryen.readBinary(readFileSync(guest('kernel_loop')));
    const before = mod.getNumFunctions();
    instrumentFuel(mod, binaryen);
    expect(mod.getNumFunctions()).toBe(before + 1);
    expect(mod.validate()).toBeTruthy();
    mod.dispose();
  });
});
