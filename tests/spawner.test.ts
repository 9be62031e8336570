// The spawn helper (toolchain/spawner.ts): commands started through it give
// the same output, exit, errors and limits as when spawned by the caller.
import { describe, expect, it } from 'vitest';
import { isMainThread } from 'node:worker_threads';
import { spawnLight, spawnHelperPid, startSpawnHelper } from '../dist/host/toolchain/spawner.js';
// From dist/, as the helper's script is found beside the compiled module (tests/grade-compile-limits.test.ts does the same for its children).
import { runNative } from '../dist/host/toolchain/limited.js';

async function collect(file: string, args: string[], opts: Parameters<typeof spawnLight>[2] = {}): Promise<{ out: string; err: string; status: number | null; signal: string | null }> {
  const c = spawnLight(file, args, { stdout: true, stderr: true, ...opts });
  let out = '';
  let err = '';
  c.on('out', (b) => (out += b.toString('utf8')));
  c.on('err', (b) => (err += b.toString('utf8')));
  const { status, signal } = await c.closed;
  return { out, err, status, signal };
}

describe.runIf(isMainThread && process.platform === 'linux')('spawn helper', () => {
  it('runs commands in a helper process, not a child of this one, with their output and exit status', async () => {
    await startSpawnHelper();
    const helper = spawnHelperPid();
    expect(helper).toBeTypeOf('number');
    const r = await collect('/bin/sh', ['-c', 'echo "$PPID"; printf "%s" "$SOCKLAB_SPAWN_HELPER$X" >&2; exit 3'], { env: { ...process.env, X: 'x' } });
    expect(Number(r.out.trim())).toBe(helper);
    // The helper's socket is not passed on; the caller's environment is.
    expect(r).toMatchObject({ err: 'x', status: 3, signal: null });
  });

  it('binary output arrives intact, and cwd is honoured', async () => {
    await startSpawnHelper();
    const c = spawnLight('/bin/sh', ['-c', 'pwd; head -c 200000 /dev/zero | tr "\\0" "\\377"'], { cwd: '/tmp', stdout: true });
    const parts: Buffer[] = [];
    c.on('out', (b) => parts.push(b));
    expect(await c.closed).toEqual({ status: 0, signal: null });
    const all = Buffer.concat(parts);
    expect(all.subarray(0, 5).toString()).toBe('/tmp\n');
    const body = all.subarray(5);
    expect(body.length).toBe(200000);
    expect(body.every((x) => x === 0xff)).toBe(true);
  });

  it('a command that does not exist rejects, as spawn() reports it', async () => {
    await startSpawnHelper();
    await expect(spawnLight('/nonexistent/tool', []).closed).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('runNative through the helper still kills the whole process group at the time limit', async () => {
    await startSpawnHelper();
    const t = performance.now();
    const r = await runNative('/bin/sh', ['-c', 'sleep 30 & sleep 30; wait'], { seconds: 1, memoryMb: 512 });
    expect(r.stop).toEqual({ kind: 'time', message: 'compile exceeded 1 s' });
    expect(r.signal).toBe('SIGKILL');
    expect(performance.now() - t).toBeLessThan(10_000);
  });
});
