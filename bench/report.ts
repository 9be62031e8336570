// Bench row: a 100,000-call trace's report opened in headless Chromium
// (issue #15: under 2 s). The trace is the demo's, repeated with its pids,
// sequence numbers and times shifted, so its content is a real run's.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../host/runner/run.js';
import { writeReport } from '../host/report/index.js';

const CHROMIUM = '/usr/bin/chromium';

export async function reportBench(root: string): Promise<{ name: string; unit: string; socklab: number; note?: string }[]> {
  if (!existsSync(CHROMIUM)) return [];
  const dir = mkdtempSync(join(tmpdir(), 'socklab-bench-report-'));
  try {
    const file = join(dir, 'demo.jsonl');
    const { loadScenario } = await import('../host/scenario/load.js');
    const spec = (await loadScenario(join(root, 'examples', 'tcp-echo', 'demo.yaml'))).spec;
    await run({ ...spec, output: 'discard', trace: { file, format: 'jsonl' } });
    const base = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; pid: number; start?: number; end: number });
    const span = Math.max(...base.map((e) => e.end)) + 1000;
    const lines: string[] = [];
    for (let k = 0; lines.length < 100_000; k++) {
      for (const e of base) {
        if (lines.length >= 100_000) break;
        lines.push(JSON.stringify({ ...e, seq: lines.length + 1, pid: e.pid + 4 * (k % 8), ...(e.start !== undefined ? { start: e.start + span * k } : {}), end: e.end + span * k }));
      }
    }
    const html = join(dir, 'report.html');
    writeReport(html, { jsonl: lines.join('\n') + '\n', title: '100k calls' });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const t = performance.now();
        await page.goto(`file://${html}`);
        await page.waitForFunction(() => (window as unknown as { socklabReport?: unknown }).socklabReport !== undefined);
        best = Math.min(best, performance.now() - t);
        await page.close();
      }
      return [{ name: 'visual report of a 100,000-call trace: open in Chromium', unit: 'ms', socklab: best, note: 'target < 2000 ms (load, parse, first draw)' }];
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
