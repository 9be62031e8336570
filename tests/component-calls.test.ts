// Component calls' fast path (issue #17): an i64 result crosses from the host
// as an f64 (host/component/load.ts widenI64Results), exact past 2^53 through
// the module's global, and the import wrapper's fixed-arity closures. The
// guest writes what it received; the trace shows what the host returned.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { ROOT, run } from './helpers.js';

const T = 120_000;

// Four get-random-u64 and two monotonic-clock.now, each i64 stored little-endian, then their 48 bytes in hex to stdout.
const WAT = `(component
  (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (alias outer 1 $error-t (type $err))
    (export "error" (type $e (eq $err)))
    (export "output-stream" (type $os (sub resource)))
    (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se2 (eq $se)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))))
  (alias export $streams "output-stream" (type $os-t))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $mono (export "now" (func (result u64)))))
  (import "wasi:random/random@0.2.0" (instance $random (export "get-random-u64" (func (result u64)))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $os-t (type $os))
    (export "output-stream" (type $o (eq $os)))
    (export "get-stdout" (func (result (own $o))))))
  (core module $Mem (memory (export "memory") 1) (data (i32.const 256) "0123456789abcdef"))
  (core instance $mem (instantiate $Mem))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $now (canon lower (func $mono "now")))
  (core func $u64 (canon lower (func $random "get-random-u64")))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory (core memory $mem "memory"))))
  (core module $Main
    (import "mem" "memory" (memory 1))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "now" (func $now (result i64)))
    (import "wasi" "u64" (func $u64 (result i64)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (func (export "run") (result i32)
      (local $i i32)
      (i64.store (i32.const 0) (call $u64))
      (i64.store (i32.const 8) (call $u64))
      (i64.store (i32.const 16) (call $u64))
      (i64.store (i32.const 24) (call $u64))
      (i64.store (i32.const 32) (call $now))
      (i64.store (i32.const 40) (call $now))
      ;; as hex at 512 (stdout is text), two digits a byte
      (block $done (loop $next
        (br_if $done (i32.eq (local.get $i) (i32.const 48)))
        (i32.store8 offset=512 (i32.shl (local.get $i) (i32.const 1))
          (i32.load8_u offset=256 (i32.shr_u (i32.load8_u (local.get $i)) (i32.const 4))))
        (i32.store8 offset=513 (i32.shl (local.get $i) (i32.const 1))
          (i32.load8_u offset=256 (i32.and (i32.load8_u (local.get $i)) (i32.const 15))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (call $write (call $get-stdout) (i32.const 512) (i32.const 96) (i32.const 64))
      (i32.load8_u (i32.const 64))))
  (core instance $main (instantiate $Main
    (with "mem" (instance $mem))
    (with "wasi" (instance (export "get-stdout" (func $get-stdout)) (export "now" (func $now)) (export "u64" (func $u64)) (export "write" (func $write))))))
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst)))`;

describe('component calls: u64 results without a BigInt on the way', () => {
  it('every u64 reaches the guest exactly, past 2^53 too, as the trace shows it', async () => {
    const dir = join(ROOT, 'wasm', 'tests', 'components');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'wide.wasm');
    writeFileSync(file, await parse(WAT));
    const r = await run({ processes: [{ module: file, name: 'wide' }], output: 'capture', trace: {}, timeoutMs: T });
    expect(r.processes[0]!.exit.status).toBe(0);
    const out = Buffer.from(r.processes[0]!.stdout, 'hex');
    expect(out.length).toBe(48);
    const got = Array.from({ length: 6 }, (_, i) => out.readBigUInt64LE(8 * i));
    const traced = [...(r.trace ?? '').matchAll(/ (?:get-random-u64|now)\(\) += 0 \[-> (\d+)\]/g)].map((m) => BigInt(m[1]!));
    expect(traced).toEqual(got);
    // The seeded random values go past 2^53 (the global's path); the clock's stay below (the f64's).
    expect(got.slice(0, 4).filter((v) => v > 2n ** 53n).length).toBeGreaterThan(0);
    expect(got[5]! > got[4]!).toBe(true);
    // Untraced, the same values: the fast path gives what the traced one does.
    const u = await run({ processes: [{ module: file, name: 'wide' }], output: 'capture', timeoutMs: T });
    expect(u.processes[0]!.stdout).toBe(r.processes[0]!.stdout);
  }, T);
});
