// --summary-only is strace -c: the table of calls, errors and time per
// syscall and nothing else, where the trace would go; --summary (strace -C)
// is the trace and then the same table.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest, runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'socklab-summary-only-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Three processes (a fork()ing client, its feeder and the server): one table per process, then the whole run.
const PROG = guest('tb2_strcli');
const TABLE_HEAD = '% time     seconds  usecs/call     calls    errors syscall';

describe('--summary-only (strace -c)', () => {
  it('writes the table alone: the same table --summary writes after the trace, no trace line', async () => {
    const onlyFile = join(tmp, 'only.txt');
    const bothFile = join(tmp, 'both.txt');
    const only = await runCli(['run', '--summary-only', `--trace=${onlyFile}`, PROG]);
    const both = await runCli(['run', '--summary', `--trace=${bothFile}`, PROG]);
    expect(only.status, only.stderr).toBe(0);
    expect(both.status, both.stderr).toBe(0);
    // The guest's own output is the same either way.
    expect(only.stdout).toBe(both.stdout);
    const table = readFileSync(onlyFile, 'utf8');
    const traced = readFileSync(bothFile, 'utf8');
    expect(table.startsWith('pid 1:\n')).toBe(true);
    expect(table.split(TABLE_HEAD)).toHaveLength(5); // pids 1, 2, 3 and all processes
    expect(table).toMatch(/\n +[\d.]+ +[\d.]+ +\d+ +\d+ +\d* *accept\n/);
    // No syscall, signal or exit line: every line is the table's.
    expect(table).not.toMatch(/\(|\+\+\+|---\s+SIG/);
    // --summary's file ends with the same table; before it come the lines.
    expect(traced.endsWith(table)).toBe(true);
    expect(traced.length).toBeGreaterThan(table.length);
    expect(traced.slice(0, traced.length - table.length)).toMatch(/^\[pid 1\] .*socket\(AF_INET, SOCK_STREAM, IPPROTO_(IP|TCP)\) += 3/m);
  });

  it('without --trace=FILE the table goes to stderr, after the guest has ended', async () => {
    const r = await runCli(['run', '--summary-only', PROG]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(TABLE_HEAD);
    expect(r.stderr).toMatch(/^all processes:$/m);
    expect(r.stderr).not.toMatch(/^\[pid \d+\] /m);
    expect(r.stdout).toContain('client: sent 45, got back 45');
  });

  it.each([
    [['--summary'], '--summary (the trace and the table, strace -C)'],
    [['--trace-format', 'jsonl'], '--trace-format jsonl'],
    [['--trace-ff', `--trace=x`], '--trace-ff'],
  ])('refuses %j beside it, with exit status 2', async (flags, clash) => {
    const r = await runCli(['run', '--summary-only', ...flags, PROG], { cwd: tmp });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`socklab run: --summary-only prints only the table (strace -c): it does not go with ${clash}`);
  });
});
