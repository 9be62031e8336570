// Issue #11: a --publish run ends once its guests are done, after a real
// client came and went (a reset of a socket Node had already shut down used
// to leave a libuv handle open forever, and the process never exited).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import { ROOT, guest } from './helpers.js';

describe('--publish', () => {
  it('exits when the guest server is done, after a real client was served', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', guest('examples_http_server'), '--publish', '0:host1:80', '--timeout', '60', '--', '80', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let err = '';
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          err += d;
          const m = err.match(/on 127\.0\.0\.1:(\d+)/);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', () => reject(new Error(`exited early: ${err}`)));
      });
      const reply = await new Promise<string>((resolve, reject) => {
        const c = net.connect(port, '127.0.0.1', () => c.write('GET /x HTTP/1.0\r\n\r\n'));
        let b = '';
        c.on('data', (d) => (b += d));
        c.on('end', () => {
          c.end();
          resolve(b);
        });
        c.on('error', reject);
      });
      expect(reply).toContain('you asked for /x');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(out).toContain('GET /x');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
