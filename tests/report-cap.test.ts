// The visual report stays bounded on a huge trace: past --report-max-calls
// (default 200,000) the page keeps the first calls, the last calls of each
// process, failed calls, connection and datagram ends and every exit, says
// so in a banner and in one line on stderr (docs/tracing.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { guest, ROOT } from './helpers.js';
import { needs } from './tools.js';
import type { ReportModel } from '../host/report/model.js';

const CHROMIUM = '/usr/bin/chromium';
const socklab = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { encoding: 'utf8' });
/** The model inlined in a report page. */
const dataOf = (html: string): ReportModel => JSON.parse(/<script>var DATA = (.*);<\/script>/.exec(readFileSync(html, 'utf8'))![1]!) as ReportModel;
const bannerOf = (html: string): string | undefined => /<div id="cap-banner"[^>]*>([^<]*)<\/div>/.exec(readFileSync(html, 'utf8'))?.[1];

interface Line { seq: number; pid: number; call?: string; ret?: string; errno?: string; exit?: unknown }

describe('report cap', () => {
  let dir: string;
  let browser: Browser | undefined;
  let jsonl: string;
  let lines: Line[];
  let run: ReturnType<typeof socklab>;
  const MAX = 400;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sl-report-cap-'));
    jsonl = join(dir, 'run.jsonl');
    // Two processes, 3000 loop iterations each: about 6,000 calls.
    run = socklab(['run', guest('report_cap'), '--trace-format', 'jsonl', `--trace=${jsonl}`, '--report', join(dir, 'run.html'), '--report-max-calls', String(MAX), '--', '3000']);
    lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const calls = (): Line[] => lines.filter((l) => l.call !== undefined);

  it('keeps the first calls, the last calls of each process, failed calls, the datagram ends and the exits; says so once on stderr and in a banner', () => {
    expect(run.status).toBe(0);
    const all = calls();
    expect(all.length).toBeGreaterThan(6000);
    const capLines = run.stderr.split('\n').filter((l) => /capped/.test(l));
    expect(capLines).toEqual([expect.stringMatching(new RegExp(`^socklab: report capped at \\d+ of ${all.length} calls \\(.*--report-max-calls N to change\\); the trace file ${jsonl} has them all$`))]);
    const m = dataOf(join(dir, 'run.html'));
    expect(m.capped).toEqual({ shown: m.marks.length, total: all.length });
    expect(m.marks.length).toBeLessThanOrEqual(MAX);
    expect(m.marks.length).toBeGreaterThan(MAX - 10);
    expect(bannerOf(join(dir, 'run.html'))).toBe(
      `${m.marks.length} of ${all.length} calls shown; the trace file has them all: ${jsonl}. Kept: the first calls, the last calls of each process, failed calls, connection and datagram ends, every exit (--report-max-calls N changes the cap).`,
    );
    const kept = new Set(m.marks.map((k) => k.seq));
    // The first calls of the trace.
    for (const l of all.slice(0, 50)) expect(kept.has(l.seq), `first call ${l.seq}`).toBe(true);
    // The last calls of each process before its exit.
    for (const pid of [1, 2]) for (const l of all.filter((c) => c.pid === pid).slice(-40)) expect(kept.has(l.seq), `last call ${l.seq} of pid ${pid}`).toBe(true);
    // Every failed call: the two close(BADFD)s in the middle of the loops.
    const failed = all.filter((l) => l.ret === '-1');
    expect(failed.map((l) => l.errno)).toEqual(['EBADF', 'EBADF']);
    for (const l of failed) expect(kept.has(l.seq), `failed call ${l.seq}`).toBe(true);
    // Every exit, and the datagram sent mid-run drawn to the process that received it (both ends kept).
    expect(m.exits.map((x) => x.text).sort()).toEqual(['+++ exited with 0 +++', '+++ exited with 3 +++']);
    const ends = all.filter((l) => l.call === 'sendto' || l.call === 'recvfrom');
    expect(ends.length).toBe(2);
    for (const l of ends) expect(kept.has(l.seq), `${l.call} ${l.seq}`).toBe(true);
    expect(m.arrows.filter((a) => a.kind === 'datagram').map((a) => [a.from.pid, a.to?.pid, a.lost])).toEqual([[2, 1, undefined]]);
    // A call neither first, last, failed nor an arrow end is left out; the time axis still spans the whole run.
    expect(m.marks.length).toBeLessThan(all.length);
    expect(m.endNs).toBe(Math.max(...lines.map((l) => (l as { end?: number }).end ?? 0)));
  });

  it('view gives the same page from the trace file; under the cap, no banner and every call', () => {
    const capped = join(dir, 'view.html');
    const v = socklab(['view', jsonl, '-o', capped, '--report-max-calls', String(MAX)]);
    expect(v.status).toBe(0);
    expect(v.stderr).toMatch(new RegExp(`^socklab: report capped at \\d+ of ${calls().length} calls .*the trace file ${jsonl} has them all\\nsocklab: report of \\d+ calls by 2 process\\(es\\) written`));
    expect(dataOf(capped).marks.map((k) => k.seq)).toEqual(dataOf(join(dir, 'run.html')).marks.map((k) => k.seq));
    const whole = join(dir, 'whole.html');
    const w = socklab(['view', jsonl, '-o', whole]);
    expect(w.status).toBe(0);
    expect(w.stderr).not.toMatch(/capped/);
    expect(bannerOf(whole)).toBeUndefined();
    const m = dataOf(whole);
    expect(m.capped).toBeUndefined();
    expect(m.marks.length).toBe(calls().length);
  });

  it('run --report with no trace file of its own: the banner says how to keep every call', () => {
    const html = join(dir, 'notrace.html');
    const r = socklab(['run', guest('report_cap'), '--report', html, '--report-max-calls', '100', '--', '500']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^socklab: report capped at \d+ of \d+ calls .*; trace to a file \(--trace-format jsonl --trace=FILE\) to keep them all$/m);
    expect(bannerOf(html)).toMatch(/^\d+ of \d+ calls shown; trace to a file \(--trace-format jsonl --trace=FILE\) to keep them all\./);
    expect(dataOf(html).marks.length).toBeLessThanOrEqual(100);
  });

  it('refuses --report-max-calls without --report, or not a positive whole number', () => {
    const a = socklab(['run', guest('report_cap'), '--report-max-calls', '10']);
    expect(a.stderr).toMatch(/--report-max-calls needs --report FILE/);
    expect(a.status).toBe(2);
    const b = socklab(['view', jsonl, '-o', join(dir, 'x.html'), '--report-max-calls', '0']);
    expect(b.stderr).toMatch(/--report-max-calls: /);
    expect(b.status).toBe(2);
  });

  it('draws at most N packets of a capture: the first and the last ones, and says so', () => {
    const demo = join(ROOT, 'examples', 'tcp-echo', 'demo.yaml');
    const trace = join(dir, 'demo.jsonl');
    const pcap = join(dir, 'demo.pcap');
    expect(socklab(['run', demo, '--trace-format', 'jsonl', `--trace=${trace}`, '--pcap', pcap]).status).toBe(0);
    expect(socklab(['view', trace, '--pcap', pcap, '-o', join(dir, 'demo.html')]).status).toBe(0);
    const whole = dataOf(join(dir, 'demo.html'));
    const all = whole.arrows.filter((a) => a.kind === 'packet');
    expect(whole.capped).toBeUndefined();
    expect(all.length).toBeGreaterThan(20);
    const html = join(dir, 'demo-capped.html');
    const v = socklab(['view', trace, '--pcap', pcap, '-o', html, '--report-max-calls', '10']);
    expect(v.status).toBe(0);
    expect(v.stderr).toMatch(new RegExp(`^socklab: report capped at \\d+ of \\d+ calls and 10 of ${all.length} packets `));
    const m = dataOf(html);
    expect(m.capped).toMatchObject({ packetsShown: 10, packets: all.length });
    expect(m.arrows.filter((a) => a.kind === 'packet').map((a) => a.label)).toEqual([...all.slice(0, 5), ...all.slice(-5)].map((a) => a.label));
    expect(bannerOf(html)).toContain(`; 10 of ${all.length} packets drawn (the first and the last ones; the capture has them all).`);
  });

  it('names the line of a trace that is not JSONL', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${readFileSync(jsonl, 'utf8').split('\n').slice(0, 3).join('\n')}\n{"v":1,oops\n`);
    const v = socklab(['view', bad, '-o', join(dir, 'bad.html')]);
    expect(v.stderr).toMatch(/^socklab view: .*bad\.jsonl: not valid JSONL \(line 4: /);
    expect(v.status).toBe(2);
  });

  it('the capped page loads in Chromium without errors and shows the banner and the kept calls', async () => {
    needs('chromium');
    const page = await browser!.newPage({ viewport: { width: 1400, height: 800 } });
    const errors: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route(/^(?!file:)/, (r) => { errors.push(`network request: ${r.request().url()}`); return r.abort(); });
    await page.goto(`file://${join(dir, 'run.html')}`);
    const m = dataOf(join(dir, 'run.html'));
    expect(await page.evaluate(() => (window as unknown as { socklabReport: { marks(): number; lanes(): number } }).socklabReport.marks())).toBe(m.marks.length);
    expect(await page.evaluate(() => (window as unknown as { socklabReport: { lanes(): number } }).socklabReport.lanes())).toBe(2);
    expect(await page.locator('#cap-banner').isVisible()).toBe(true);
    expect(await page.locator('#cap-banner').textContent()).toMatch(/^\d+ of \d+ calls shown; the trace file has them all/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
