// The child process of limited.ts's runAsc: one buildAs (asc.ts) on the
// options it is sent; sends back asc's diagnostics, then exits. Killed by the
// parent at the time or memory limit.
import { buildAs } from './asc.js';
import type { AscRun } from './limited.js';

process.once('message', (m: { source: string; out: string; visible?: string[] }) => {
  void (async () => {
    let reply: AscRun;
    let warnings = '';
    try {
      await buildAs({ ...m, stderr: (s) => { warnings += s; } });
      reply = { ok: true, diagnostics: warnings };
    } catch (e) {
      reply = { ok: false, diagnostics: (e as Error).message };
    }
    process.send!(reply, () => process.exit(0));
  })();
});
