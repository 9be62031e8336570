// One self-contained HTML file: style, d3 (inlined from the installed
// package, so the page needs no network), the report's script and its data.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_CSS, REPORT_JS } from './app.js';
import type { ReportModel } from './model.js';

let d3Source: string | undefined;
function d3(): string {
  // d3 exports only its ESM entry (dist/d3.mjs); the UMD build sits beside it.
  d3Source ??= readFileSync(join(dirname(fileURLToPath(import.meta.resolve('d3'))), 'd3.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  return d3Source;
}

/** JSON safe inside <script>: no "</script>", no "<!--", no U+2028/9. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The banner of a capped report: how many calls it shows, and where they all are. */
function capBanner(m: ReportModel, keptTrace: string | undefined): string {
  if (!m.capped) return '';
  const c = m.capped;
  const where = keptTrace ? `the trace file has them all: ${esc(keptTrace)}` : 'trace to a file (--trace-format jsonl --trace=FILE) to keep them all';
  const packets = c.packets ? `; ${c.packetsShown} of ${c.packets} packets drawn (the first and the last ones; the capture has them all)` : '';
  return `<div id="cap-banner" style="background:#fff3cd;border:1px solid #e0c36a;padding:4px 8px;margin:0 0 6px">${c.shown} of ${c.total} calls shown; ${where}${packets}. Kept: the first calls, the last calls of each process, failed calls, connection and datagram ends, every exit (--report-max-calls N changes the cap).</div>\n`;
}

/** `keptTrace`: the file holding the whole trace, named in a capped report's banner. */
export function renderReport(m: ReportModel, keptTrace?: string): string {
  const kinds = [['#1f6fd1', '%net'], ['#777', '%desc'], ['#2e8b57', '%file'], ['#e01b24', 'error'], ['#000', 'connection'], ['#16a085', 'stream data'], ['#d35400', 'datagram'], ['#999', 'packet'], ['#e67e22', 'retransmission']];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(m.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${esc(m.title)}: ${m.lanes.length} process(es) on ${m.hosts.length} host(s), ${m.marks.length} calls, ${(m.endNs / 1e6).toFixed(3)} ms</h1>
${capBanner(m, keptTrace)}<div class="filters" id="filters"></div>
<div class="legend">${kinds.map(([c, l]) => `<span><i style="background:${c}"></i>${l}</span>`).join('')} &mdash; drag to pan, wheel to zoom, click a call</div>
</header>
<main><div id="labels"></div><div id="plot"><svg id="axis"></svg><canvas id="c"></canvas></div></main>
<section id="detail"></section>
<div id="tip"></div>
<script>${d3()}</script>
<script>var DATA = ${scriptJson(m)};</script>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}
