// Building AssemblyScript guests: buildAs (what `socklab build prog.ts`
// calls) uses asconfig.json's options, reports compile errors as the
// compiler prints them, and the library's errno table matches the host's.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, run, tempDir } from './helpers.js';
import { buildAs } from '../dist/host/toolchain/asc.js';
import { ERRNOS } from '../dist/host/abi/errno.js';

const tmp = tempDir('socklab-as-');

describe('buildAs', () => {
  it('builds a program outside the repository that imports "socklab"', async () => {
    const src = join(tmp, 'prog.ts');
    writeFileSync(src, 'import { println, AF_INET6 } from "socklab";\nprintln("AF_INET6 = " + AF_INET6.toString());\n');
    await buildAs({ source: src, out: join(tmp, 'out', 'prog.wasm') });
    const o = await run({ processes: [{ module: join(tmp, 'out', 'prog.wasm') }], timeoutMs: 30_000 });
    expect(o.stdout).toBe('AF_INET6 = 10\n');
  });

  it('gives the same module as asc with asconfig.json', async () => {
    const src = join(ROOT, 'examples', 'as', 'hello', 'hello.ts');
    await buildAs({ source: src, out: join(tmp, 'api.wasm') });
    const cli = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js'), src, '--config', 'asconfig.json', '-o', join(tmp, 'cli.wasm')], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.stderr).toBe('');
    expect(Buffer.compare(readFileSync(join(tmp, 'api.wasm')), readFileSync(join(tmp, 'cli.wasm')))).toBe(0);
  });

  it('throws the compiler diagnostics on a compile error', async () => {
    const src = join(tmp, 'bad.ts');
    writeFileSync(src, 'import { println } from "socklab";\nlet n: i32 = "text";\nprintln(missing);\n');
    const err = await buildAs({ source: src, out: join(tmp, 'bad.wasm') }).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/ERROR TS2322: Type '~lib\/string\/String' is not assignable to type 'i32'\./);
    expect(err!.message).toMatch(/ERROR TS2304: Cannot find name 'missing'\.\n/);
    expect(err!.message).toMatch(/bad\.ts\(3,9\)/);
    expect(err!.message).toMatch(/FAILURE 2 compile error\(s\)$/);
  });
});

describe('guest/as library', () => {
  it('errno.ts has the host table: numbers, names, texts (scripts/gen-as-errno.mjs)', () => {
    const text = readFileSync(join(ROOT, 'guest', 'as', 'socklab', 'errno.ts'), 'utf8');
    for (const e of ERRNOS) {
      expect(text).toContain(`export const ${e.name}: i32 = ${e.wasi};`);
      expect(text).toContain(`    case ${e.wasi}: return ${JSON.stringify(e.name)};`);
      expect(text).toContain(`    case ${e.wasi}: return ${JSON.stringify(e.message)};`);
    }
    expect(text.match(/^export const E[A-Z0-9]+: i32 = \d+;/gm)).toHaveLength(ERRNOS.length);
  });

  it('parses and prints IPv4, IPv6 and AF_UNIX addresses as inet_ntop does', async () => {
    await buildAs({ source: join(ROOT, 'guest', 'as', 'tests', 'address.ts'), out: join(tmp, 'address.wasm') });
    const o = await run({ processes: [{ module: join(tmp, 'address.wasm') }], timeoutMs: 30_000 });
    expect(o.stderr).toBe('');
    expect(o.stdout).toBe(
      [
        'ipv4 127.0.0.1:7000 -> 127.0.0.1:7000 16',
        'ipv4 0.0.0.0:0 -> 0.0.0.0:0 16',
        'ipv4 256.0.0.1 -> null',
        'ipv4 1.2.3 -> null',
        'ipv6 ::1 -> [::1]:80 28',
        'ipv6 :: -> [::]:80 28',
        'ipv6 fd00:0:0:0:0:0:0:1 -> [fd00::1]:443 28',
        'ipv6 2001:db8:0:0:1:0:0:1 -> [2001:db8::1:0:0:1]:1 28',
        'ipv6 ::ffff:10.0.0.2 -> [::ffff:10.0.0.2]:5 28',
        'ipv6 1::2::3 -> null',
        'ipv6 12345:: -> null',
        'parse 10.1.2.3 -> 10.1.2.3:9 16',
        'parse fe80::1 -> [fe80::1]:9 28',
        'unix /tmp/s.sock -> /tmp/s.sock 110',
        'abstract demo -> @demo 7',
        'unix too long -> null',
        'family 2 host 192.168.1.20 port 8080',
        '',
      ].join('\n'),
    );
  });
});
