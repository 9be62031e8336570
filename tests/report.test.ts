// The visual report (issue #15 part 2), opened in a real headless Chromium
// (Debian's, installed by scripts/setup-tests.js) through playwright-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './helpers.js';
import { needs } from './tools.js';

const CHROMIUM = '/usr/bin/chromium';
const socklab = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { encoding: 'utf8' });

interface ReportApi {
  lanes(): number;
  arrows(): number;
  marks(): number;
  pointOf(seq: number): { x: number; y: number } | null;
  selected(): string | null;
  focus(seq: number): void;
}
declare global {
  interface Window {
    socklabReport: ReportApi;
  }
}

describe('socklab view / run --report', () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sl-report-'));
    if (!existsSync(CHROMIUM)) return; // each test then fails with needs('chromium')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ page: Page; errors: string[] }> {
    needs('chromium');
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Offline: the page must not need the network.
    await page.route(/^(?!file:)/, (r) => { errors.push(`network request: ${r.request().url()}`); return r.abort(); });
    await page.goto(`file://${file}`);
    return { page, errors };
  }

  it('shows the demo: a lifeline per process, arrows for connections and data, the call under a click, filters that hide', async () => {
    const demo = join(ROOT, 'examples', 'tcp-echo', 'demo.yaml');
    const jsonl = join(dir, 'demo.jsonl');
    const pcap = join(dir, 'demo.pcap');
    const html = join(dir, 'demo.html');
    expect(socklab(['run', demo, '--trace-format', 'jsonl', `--trace=${jsonl}`, '--pcap', pcap]).status).toBe(0);
    const v = socklab(['view', jsonl, '--pcap', pcap, '-o', html]);
    expect(v.stderr).toMatch(/report of \d+ calls by 4 process\(es\) written/);
    expect(v.status).toBe(0);
    const { page, errors } = await open(html);
    const api = (): Promise<{ lanes: number; arrows: number; marks: number }> => page.evaluate(() => ({ lanes: window.socklabReport.lanes(), arrows: window.socklabReport.arrows(), marks: window.socklabReport.marks() }));
    const all = await api();
    expect(all.lanes).toBe(4);
    // 3 connections, each with data both ways, and the captured packets between the two hosts.
    expect(all.arrows).toBeGreaterThanOrEqual(3 + 6 + 21);
    expect(await page.locator('#labels .lane').count()).toBe(4);

    // Click the server's listen() and see its line and its JSONL fields.
    const events = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; call?: string; pid: number; args?: string[]; ret?: string });
    const listen = events.find((e) => e.call === 'listen')!;
    await page.evaluate((seq) => window.socklabReport.focus(seq), listen.seq);
    const pt = await page.evaluate((seq) => window.socklabReport.pointOf(seq), listen.seq);
    await page.mouse.click(pt!.x, pt!.y);
    expect(await page.evaluate(() => window.socklabReport.selected())).toBe(`listen(${listen.args!.join(', ')}) = ${listen.ret}`);
    expect(await page.locator('#detail-json').textContent()).toContain('"call": "listen"');

    // Hide the client host: only the server's lifeline is left, and arrows to hidden lanes go.
    await page.locator('input[data-filter="hosts:client"]').uncheck();
    const server = await api();
    expect(server.lanes).toBe(1);
    expect(server.arrows).toBeLessThan(all.arrows);
    await page.locator('input[data-filter="hosts:client"]').check();
    // Only fd 4's calls, then only errors (the demo has none).
    await page.locator('#fd-filter').fill('4');
    expect((await api()).marks).toBeLessThan(all.marks);
    await page.locator('#fd-filter').fill('');
    await page.locator('#errors-only').check();
    expect((await api()).marks).toBe(0);
    expect(errors).toEqual([]);
  });

  it('run --report writes the report of the run it traced', async () => {
    const html = join(dir, 'run.html');
    const r = socklab(['run', join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'), '--report', html]);
    expect(r.status).toBe(0);
    const { page, errors } = await open(html);
    expect(await page.evaluate(() => window.socklabReport.lanes())).toBe(4);
    // Names come from the run.
    expect(await page.locator('#labels .lane').first().textContent()).toBe('echo_server (pid 1)');
    expect(errors).toEqual([]);
  });

  it('run --report draws the packets of a pcapng capture as of a pcap one: once each', async () => {
    const arrows: number[] = [];
    for (const format of ['pcap', 'pcapng']) {
      const html = join(dir, `run-${format}.html`);
      const r = socklab(['run', join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'), '--pcap', join(dir, `run.${format}`), '--pcap-format', format, '--report', html]);
      expect(r.stderr).toMatch(/report of \d+ calls written/);
      expect(r.status).toBe(0);
      const { page, errors } = await open(html);
      arrows.push(await page.evaluate(() => window.socklabReport.arrows()));
      expect(errors).toEqual([]);
    }
    expect(arrows[1]).toBe(arrows[0]);
    expect(arrows[0]).toBeGreaterThan(3 + 6 + 21);
  });

  it('refuses a text trace, and --report with a text trace, in one line', () => {
    const text = join(dir, 'demo.trace');
    expect(socklab(['run', join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'), `--trace=${text}`]).status).toBe(0);
    const v = socklab(['view', text, '-o', join(dir, 'x.html')]);
    expect(v.stderr).toMatch(/is not a JSONL trace: record one with --trace-format jsonl/);
    expect(v.status).toBe(2);
    const r = socklab(['run', join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'), `--trace=${text}`, '--report', join(dir, 'y.html')]);
    expect(r.stderr).toMatch(/--report reads the JSONL trace/);
    expect(r.status).toBe(2);
  });
});
