// The report's page: style and browser script, inlined into one HTML file
// with d3 (scales, axis, zoom) and the data. Marks are drawn on a canvas so
// a 100,000-call trace stays fast; d3.zoom pans and zooms the time axis.
// window.socklabReport exposes what tests and curious users can query.

export const REPORT_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #222; }
header { padding: 8px 12px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 15px; margin: 0 0 6px; }
.filters { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: center; }
.filters fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: 8px; flex-wrap: wrap; }
.filters legend { font-weight: 600; padding-right: 6px; float: left; }
.legend span { display: inline-block; margin-right: 10px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 3px; vertical-align: -1px; }
main { display: grid; grid-template-columns: 180px 1fr; }
#labels { border-right: 1px solid #ddd; }
#labels div { height: 28px; line-height: 28px; padding: 0 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#labels div.host { font-weight: 600; background: #f4f4f4; }
#plot { position: relative; overflow: hidden; }
#axis { display: block; height: 24px; width: 100%; }
canvas { display: block; cursor: crosshair; }
#detail { border-top: 1px solid #ddd; padding: 8px 12px; min-height: 90px; }
#detail pre { margin: 4px 0; white-space: pre-wrap; word-break: break-all; font: 12px/1.35 ui-monospace, monospace; }
#tip { position: fixed; pointer-events: none; background: #222; color: #fff; padding: 3px 6px; border-radius: 3px; font: 12px ui-monospace, monospace; max-width: 60vw; display: none; z-index: 2; }
`;

/** Runs in the page: DATA (the ReportModel) and d3 are globals. */
export const REPORT_JS = String.raw`
(function () {
  var M = DATA, ROW = 28, LABEL_W = 180;
  var colors = { net: '#1f6fd1', desc: '#777', file: '#2e8b57', process: '#8e44ad', clock: '#b8860b', signal: '#c0392b', memory: '#555', ipc: '#16a085', err: '#e01b24' };
  var N = M.names, hostOf = {};
  M.lanes.forEach(function (l) { hostOf[l.pid] = l.host; });
  // The strace line and the JSONL event of a mark, rebuilt when shown.
  function lineOf(m) { return N[m.c] + '(' + m.a.join(', ') + ') = ' + m.r + (m.e ? ' ' + m.e : '') + (m.n ? ' [' + m.n + ']' : ''); }
  function eventOf(m) {
    var o = { v: 1, seq: m.seq, start: m.start, end: m.end, pid: m.pid, host: hostOf[m.pid], call: N[m.c], 'import': N[m.i], args: m.a, ret: m.r };
    if (m.e) o.errno = m.e; if (m.n) o.note = m.n; return o;
  }
  var classes = [], seenCls = {};
  M.marks.forEach(function (m) { m.cls = m.k; m.err = m.x === 1; for (var j = 0; j < m.k.length; j++) if (!seenCls[m.k[j]]) { seenCls[m.k[j]] = 1; classes.push(m.k[j]); } });
  classes.sort(function (a, b) { return N[a] < N[b] ? -1 : 1; });
  var state = { hosts: {}, pids: {}, classes: {}, fds: null, errorsOnly: false, selected: null };
  M.hosts.forEach(function (h) { state.hosts[h] = true; });
  M.lanes.forEach(function (l) { state.pids[l.pid] = true; });
  classes.forEach(function (c) { state.classes[c] = true; });
  var byPid = {};
  M.lanes.forEach(function (l) { byPid[l.pid] = []; });
  M.marks.forEach(function (m) { (byPid[m.pid] = byPid[m.pid] || []).push(m); });
  var bySeq = {};
  M.marks.forEach(function (m) { bySeq[m.seq] = m; });

  // Filters.
  var f = document.getElementById('filters');
  function group(title, items, get, set) {
    var fs = document.createElement('fieldset');
    var lg = document.createElement('legend'); lg.textContent = title; fs.appendChild(lg);
    items.forEach(function (it) {
      var l = document.createElement('label'); var c = document.createElement('input');
      c.type = 'checkbox'; c.checked = get(it.key); c.dataset.filter = title + ':' + it.key;
      c.addEventListener('change', function () { set(it.key, c.checked); layout(); draw(); });
      l.appendChild(c); l.appendChild(document.createTextNode(' ' + it.label)); fs.appendChild(l);
    });
    f.appendChild(fs);
  }
  group('hosts', M.hosts.map(function (h) { return { key: h, label: h }; }), function (k) { return state.hosts[k]; }, function (k, v) { state.hosts[k] = v; });
  group('processes', M.lanes.map(function (l) { return { key: l.pid, label: l.name + ' (' + l.pid + ')' }; }), function (k) { return state.pids[k]; }, function (k, v) { state.pids[k] = v; });
  group('calls', classes.map(function (c) { return { key: c, label: '%' + N[c] }; }), function (k) { return state.classes[k]; }, function (k, v) { state.classes[k] = v; });
  var fdl = document.createElement('label'); fdl.textContent = 'fd ';
  var fdi = document.createElement('input'); fdi.id = 'fd-filter'; fdi.size = 8; fdi.placeholder = 'e.g. 4,5';
  fdi.addEventListener('input', function () { var v = fdi.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean).map(Number); state.fds = v.length ? v : null; draw(); });
  fdl.appendChild(fdi); f.appendChild(fdl);
  var el = document.createElement('label'); var ec = document.createElement('input'); ec.type = 'checkbox'; ec.id = 'errors-only';
  ec.addEventListener('change', function () { state.errorsOnly = ec.checked; draw(); });
  el.appendChild(ec); el.appendChild(document.createTextNode(' errors only')); f.appendChild(el);

  // Rows: per visible host, a network row (packets), then its processes.
  var rows = [], rowOfPid = {}, rowOfHost = {};
  function layout() {
    rows = []; rowOfPid = {}; rowOfHost = {};
    M.hosts.forEach(function (h) {
      if (!state.hosts[h]) return;
      rowOfHost[h] = rows.length; rows.push({ host: h });
      M.lanes.forEach(function (l) { if (l.host === h && state.pids[l.pid]) { rowOfPid[l.pid] = rows.length; rows.push({ lane: l }); } });
    });
    var labels = document.getElementById('labels'); labels.innerHTML = '';
    labels.appendChild(document.createElement('div')).style.height = '24px';
    rows.forEach(function (r) {
      var d = document.createElement('div');
      if (r.host) { d.className = 'host'; d.textContent = 'host ' + r.host; }
      else { d.className = 'lane'; d.dataset.pid = r.lane.pid; d.textContent = r.lane.name + ' (pid ' + r.lane.pid + ')'; }
      labels.appendChild(d);
    });
    resize();
  }

  var plot = document.getElementById('plot'), canvas = document.getElementById('c'), ctx = canvas.getContext('2d');
  var axisSvg = d3.select('#axis');
  var width = 800, height = 100, dpr = window.devicePixelRatio || 1;
  var x0 = d3.scaleLinear().domain([0, Math.max(M.endNs, 1) * 1.02]), x = x0.copy();
  function resize() {
    width = Math.max(200, plot.clientWidth); height = Math.max(ROW, rows.length * ROW);
    canvas.width = width * dpr; canvas.height = height * dpr; canvas.style.width = width + 'px'; canvas.style.height = height + 'px';
    x0.range([8, width - 8]); x = transform.rescaleX(x0);
  }
  var transform = d3.zoomIdentity;
  var zoom = d3.zoom().scaleExtent([1, 1e7]).on('zoom', function (ev) { transform = ev.transform; x = transform.rescaleX(x0); draw(); });
  d3.select(canvas).call(zoom);

  function yOf(pidOrHost, isHost) { var r = isHost ? rowOfHost[pidOrHost] : rowOfPid[pidOrHost]; return r === undefined ? undefined : r * ROW + ROW / 2; }
  function markVisible(m) {
    if (rowOfPid[m.pid] === undefined) return false;
    if (state.errorsOnly && !m.err) return false;
    if (state.fds && (m.fd === undefined || state.fds.indexOf(m.fd) < 0)) return false;
    if (m.cls.length && !m.cls.some(function (c) { return state.classes[c]; })) return false;
    return true;
  }
  function end(a, side) {
    var p = a[side]; if (!p) return undefined;
    var y = p.pid !== undefined ? yOf(p.pid, false) : yOf(p.host, true);
    return y === undefined ? undefined : { x: x(p.t), y: y };
  }
  var shownArrows = 0, shownLanes = 0;
  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    var fmt = function (ns) { return (ns / 1e6).toFixed(3) + ' ms'; };
    axisSvg.selectAll('*').remove();
    axisSvg.append('g').attr('transform', 'translate(0,23)').call(d3.axisTop(x).ticks(Math.max(2, Math.floor(width / 110))).tickFormat(fmt));
    shownLanes = 0;
    rows.forEach(function (r, i) {
      var y = i * ROW + ROW / 2;
      ctx.strokeStyle = r.host ? '#ccc' : '#bbb'; ctx.setLineDash(r.host ? [2, 3] : []);
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(width, y); ctx.stroke();
      if (r.lane) shownLanes++;
    });
    ctx.setLineDash([]);
    var dom = x.domain();
    M.marks.forEach(function (m) {
      if (m.end < dom[0] || m.start > dom[1] || !markVisible(m)) return;
      var y = yOf(m.pid, false), xs = x(m.start), xe = x(m.end);
      var col = m.err ? colors.err : colors[N[m.cls[0]]] || '#444';
      if (xe - xs > 1) { ctx.fillStyle = col + '44'; ctx.fillRect(xs, y - 3, xe - xs, 6); }
      ctx.fillStyle = col; ctx.fillRect(xs - 1, y - 7, 3, 14);
      if (state.selected === m.seq) { ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.strokeRect(xs - 4, y - 10, 9, 20); ctx.lineWidth = 1; }
    });
    shownArrows = 0;
    M.arrows.forEach(function (a) {
      var s = end(a, 'from'); if (!s) return;
      var t = end(a, 'to');
      var col = a.kind === 'connect' ? '#000' : a.kind === 'data' ? '#16a085' : a.kind === 'datagram' ? '#d35400' : '#999';
      if (a.lost) col = colors.err; if (a.retransmitted) col = '#e67e22';
      ctx.strokeStyle = col; ctx.fillStyle = col; ctx.setLineDash(a.lost ? [4, 3] : []);
      if (!t) { // lost with no known destination: a short stub ending in a cross
        ctx.beginPath(); ctx.moveTo(s.x, s.y); ctx.lineTo(s.x + 14, s.y + 10); ctx.stroke();
        ctx.beginPath(); ctx.moveTo(s.x + 11, s.y + 7); ctx.lineTo(s.x + 17, s.y + 13); ctx.moveTo(s.x + 17, s.y + 7); ctx.lineTo(s.x + 11, s.y + 13); ctx.stroke();
        shownArrows++; return;
      }
      if ((s.x < 0 && t.x < 0) || (s.x > width && t.x > width)) { shownArrows++; return; }
      ctx.beginPath(); ctx.moveTo(s.x, s.y); ctx.lineTo(t.x, t.y); ctx.stroke();
      var ang = Math.atan2(t.y - s.y, t.x - s.x);
      ctx.beginPath(); ctx.moveTo(t.x, t.y); ctx.lineTo(t.x - 7 * Math.cos(ang - 0.4), t.y - 7 * Math.sin(ang - 0.4)); ctx.lineTo(t.x - 7 * Math.cos(ang + 0.4), t.y - 7 * Math.sin(ang + 0.4)); ctx.closePath(); ctx.fill();
      shownArrows++;
    });
    ctx.setLineDash([]);
    ctx.fillStyle = '#333'; ctx.font = '11px sans-serif';
    M.exits.forEach(function (e) { var y = yOf(e.pid, false); if (y === undefined) return; var xe = x(e.t); ctx.fillRect(xe - 1, y - 9, 2, 18); ctx.fillText(e.text.replace(/\+\+\+ /g, '').replace(/ \+\+\+/, ''), xe + 4, y - 9); });
  }

  // Hit-testing: the nearest visible mark of the lane under the pointer.
  function hit(ev) {
    var rect = canvas.getBoundingClientRect(), px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    var r = rows[Math.floor(py / ROW)]; if (!r || !r.lane) return null;
    var list = byPid[r.lane.pid] || [], best = null, bd = 6;
    var t = x.invert(px), lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid].start < t) lo = mid + 1; else hi = mid; }
    for (var i = Math.max(0, lo - 50); i < Math.min(list.length, lo + 50); i++) {
      var m = list[i]; if (!markVisible(m)) continue;
      var xs = x(m.start), xe = x(m.end), d = px < xs ? xs - px : px > xe ? px - xe : 0;
      if (d <= bd) { bd = d; best = m; }
    }
    return best;
  }
  var tip = document.getElementById('tip'), detail = document.getElementById('detail');
  canvas.addEventListener('mousemove', function (ev) {
    var m = hit(ev);
    if (!m) { tip.style.display = 'none'; return; }
    tip.textContent = '[pid ' + m.pid + '] ' + lineOf(m); tip.style.display = 'block';
    tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px';
  });
  canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  function select(m) {
    state.selected = m ? m.seq : null;
    detail.innerHTML = '';
    if (!m) { detail.textContent = 'Click a call to see its trace line and JSONL fields.'; draw(); return; }
    var h = document.createElement('div'); h.textContent = 'pid ' + m.pid + ', ' + (m.start / 1e6).toFixed(6) + ' ms' + (m.end > m.start ? ' to ' + (m.end / 1e6).toFixed(6) + ' ms (blocked ' + ((m.end - m.start) / 1e6).toFixed(6) + ' ms)' : '');
    var p1 = document.createElement('pre'); p1.id = 'detail-line'; p1.textContent = lineOf(m);
    var p2 = document.createElement('pre'); p2.id = 'detail-json'; p2.textContent = JSON.stringify(eventOf(m), null, 2);
    detail.appendChild(h); detail.appendChild(p1); detail.appendChild(p2);
    draw();
  }
  canvas.addEventListener('click', function (ev) { select(hit(ev)); });
  window.addEventListener('resize', function () { resize(); draw(); });

  window.socklabReport = {
    lanes: function () { return shownLanes; },
    arrows: function () { return shownArrows; },
    marks: function () { return M.marks.filter(markVisible).length; },
    /** Page coordinates of a call's mark (to click it). */
    pointOf: function (seq) { var m = bySeq[seq], y = m && yOf(m.pid, false); if (y === undefined) return null; var rect = canvas.getBoundingClientRect(); return { x: rect.left + x(m.start), y: rect.top + y }; },
    selected: function () { var p = document.getElementById('detail-line'); return p ? p.textContent : null; },
    /** Zooms to a call, a few microseconds either side, so it stands apart from its neighbours. */
    focus: function (seq) { focus(seq); },
  };
  function focus(seq) {
    var m = bySeq[seq]; if (!m) return;
    var pad = Math.max(3000, (m.end - m.start) / 4), a = x0(m.start - pad), b = x0(m.end + pad);
    var k = Math.min(1e7, (width - 16) / Math.max(1e-9, b - a));
    d3.select(canvas).call(zoom.transform, d3.zoomIdentity.translate(8 - k * a, 0).scale(k));
  }
  if (location.hash.indexOf('#seq=') === 0) setTimeout(function () { var s = Number(location.hash.slice(5)); focus(s); select(bySeq[s] || null); }, 0);
  layout(); draw(); select(null);
})();
`;
