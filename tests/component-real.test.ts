// The C examples built both ways (`--target=component` and the default) on
// --net=real: each server, built one way, serves clients built both ways over
// real loopback; what every process prints is the same whichever way it was
// built. Ports are free ones the OS gives; the real kernel picks each client's
// port and the fd a socket gets differs (a component's first socket is fd 4),
// so those are masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compileC } from '../dist/host/toolchain/clang.js';
import { ROOT, run } from './helpers.js';
import { freePort, runUntil } from './real-helpers.js';

const T = 240_000;
const KINDS = ['wasm', 'component.wasm'] as const;
type Kind = (typeof KINDS)[number];
const SOURCES = ['examples/tcp-echo/echo_server.c', 'examples/tcp-echo/echo_client.c', 'examples/udp/udp_echo.c', 'tests/component-build/udp_client.c', 'examples/http/http_server.c', 'examples/http/http_get.c'];
let tmp: string;
const mod = (name: string, kind: Kind): string => join(tmp, `${name}.${kind}`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'socklab-creal-'));
  for (const src of SOURCES) {
    const name = basename(src, '.c');
    await compileC({ sources: [join(ROOT, src)], out: mod(name, 'wasm'), stderr: () => {} });
    await compileC({ sources: [join(ROOT, src)], out: mod(name, 'component.wasm'), target: 'component', stderr: () => {} });
  }
}, T);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const mask = (s: string, port: number): string =>
  s.replaceAll(`:${port}`, ':SERVER').replaceAll(`port ${port}`, 'port SERVER').replace(/\bfd \d+/g, 'fd N').replace(/(127\.0\.0\.1\]?):\d+/g, '$1:CLIENT');

/** SERVER (built as SKIND, on --net=real) and one client after another, each built both ways: every process's masked stdout. */
async function session(server: string, skind: Kind, sargs: (port: number) => string[], ready: RegExp, client: string, cargs: (port: number) => string[][]): Promise<string[]> {
  const port = await freePort();
  const s = runUntil({ net: 'real', policy: { allowListen: [`*:${port}`], allowConnect: ['127.0.0.1:*', '[::1]:*'] }, processes: [{ module: mod(server, skind), name: server, args: sargs(port) }], timeoutMs: T }, ready);
  await s.ready;
  const out: string[] = [];
  for (const args of cargs(port))
    for (const kind of KINDS) {
      const c = await run({ net: 'real', policy: { allowConnect: [`127.0.0.1:${port}`, `[::1]:${port}`] }, processes: [{ module: mod(client, kind), name: client, args }], timeoutMs: 60_000 });
      const p = c.processes[0]!;
      expect(p.stderr, `${client}.${kind} ${args.join(' ')}`).toBe('');
      expect(p.exit.status).toBe(0);
      out.push(mask(p.stdout, port));
    }
  const sr = await s.done;
  expect(sr.processes[0]!.stderr).toBe('');
  expect(sr.processes[0]!.exit.status).toBe(0);
  return [mask(sr.processes[0]!.stdout, port), ...out];
}

describe('C examples built both ways print the same on --net=real (real loopback, the same peers)', () => {
  it('tcp-echo: echo_server serves echo_client built both ways', async () => {
    const got: string[][] = [];
    for (const kind of KINDS) got.push(await session('echo_server', kind, (p) => [String(p), '4'], /listening on port/, 'echo_client', (p) => [['127.0.0.1', String(p), 'hello'], ['localhost', String(p), 'a longer line']]));
    expect(got[0]![0]).toMatch(/^listening on port SERVER\n/);
    expect(got[0]!.slice(1)).toEqual(['echoed: hello\n', 'echoed: hello\n', 'echoed: a longer line\n', 'echoed: a longer line\n']);
    expect(got[1]).toEqual(got[0]);
  }, T);

  it('udp: udp_echo answers udp_client built both ways (sendto, and connect+send)', async () => {
    const got: string[][] = [];
    for (const kind of KINDS) got.push(await session('udp_echo', kind, (p) => [String(p), '6'], /udp echo on port/, 'udp_client', (p) => [['127.0.0.1', String(p), 'hello', 'two'], ['127.0.0.1', String(p), 'connect', 'three']]));
    expect(got[0]![1]).toBe('echo: hello from 127.0.0.1:SERVER\necho: two from 127.0.0.1:SERVER\nclient bound to an ephemeral port: 1\n');
    expect(got[0]![0]!.split('\n').filter((l) => / bytes from /.test(l))).toHaveLength(6);
    expect(got[1]).toEqual(got[0]);
  }, T);

  it('http: http_server answers http_get built both ways', async () => {
    const got: string[][] = [];
    for (const kind of KINDS) got.push(await session('http_server', kind, (p) => [String(p), '4'], /listening on 127/, 'http_get', (p) => [['127.0.0.1', String(p), '/a'], ['localhost', String(p), '/b/c']]));
    expect(got[0]![1]).toBe('HTTP/1.0 200 OK\n<h1>hello from socklab</h1><p>you asked for /a</p>\n');
    expect(got[0]![0]).toMatch(/^listening on 127\.0\.0\.1:SERVER\nGET \/a from 127\.0\.0\.1:CLIENT\n/);
    expect(got[1]).toEqual(got[0]);
  }, T);
});
