// A C guest's build stamp covers the local headers its source includes (host/toolchain/local-headers.ts):
// the tl_*.c programs share tests/c/tlpi/*.h, and editing one must rebuild them.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localHeaders } from '../host/toolchain/local-headers.js';
import { ensureBuilt } from '../host/toolchain/guests.js';
import { ROOT, tempDir } from './helpers.js';

describe('local headers in the build stamp', () => {
  it('finds quoted includes beside the includer, transitively, once each; not <...> nor missing names', () => {
    const d = tempDir('socklab-lh-');
    mkdirSync(join(d, 'lib'));
    writeFileSync(join(d, 'main.c'), '#include <stdio.h>\n#include "lib/a.h"\n  #  include "b.h"\n#include "absent.h"\nint main(void){return 0;}\n');
    writeFileSync(join(d, 'b.h'), '#include "lib/a.h"\n');
    writeFileSync(join(d, 'lib', 'a.h'), '#include "c.h"\n#include "a.h"\n');
    writeFileSync(join(d, 'lib', 'c.h'), '/* leaf */\n');
    expect(localHeaders(join(d, 'main.c'))).toEqual([join(d, 'b.h'), join(d, 'lib', 'a.h'), join(d, 'lib', 'c.h')]);
  });

  it('names the tlpi headers a tl_ program includes', () => {
    const hs = localHeaders(join(ROOT, 'tests', 'c', 'tl_socknames.c')).map((f) => f.slice(join(ROOT, 'tests', 'c').length + 1));
    expect(hs).toEqual(['test_tmp.h', 'tlpi/error_functions.h', 'tlpi/inet_sockets.h', 'tlpi/pair_driver.h', 'tlpi/tlpi_hdr.h']);
  });

  it('rebuilds a guest when a header it includes changes, and only then', async () => {
    const d = tempDir('socklab-lh-');
    mkdirSync(join(d, 'inc'));
    const src = join(d, 'p.c');
    writeFileSync(src, '#include "inc/v.h"\nint main(void){return V;}\n');
    writeFileSync(join(d, 'inc', 'v.h'), '#define V 3\n');
    const out = join(d, 'p.wasm');
    await ensureBuilt([src], out);
    const stamp1 = readFileSync(`${out}.stamp`, 'utf8');
    const m1 = statSync(out).mtimeMs;
    await ensureBuilt([src], out);
    expect(statSync(out).mtimeMs).toBe(m1);
    writeFileSync(join(d, 'inc', 'v.h'), '#define V 4\n');
    await ensureBuilt([src], out);
    expect(readFileSync(`${out}.stamp`, 'utf8')).not.toBe(stamp1);
  }, 120_000);
});
