// host/trace/linebuf.ts: trace lines as UTF-8 bytes must read exactly as the
// strings they replace (Buffer.from(text)), columns must count UTF-16 units,
// and lines written in place into a full target must lose nothing.
import { describe, expect, it } from 'vitest';
import { LineBuf, ascii, type ByteTarget } from '../host/trace/linebuf.js';

/** A target like the trace file's tail: `size` bytes held, flushed into `out`. */
function target(size: number): ByteTarget & { out: Buffer[]; all(): string } {
  const bytes = Buffer.alloc(size);
  let length = 0;
  const out: Buffer[] = [];
  return {
    out,
    get bytes() { return bytes; },
    get length() { return length; },
    hold(n: number) { length = n; },
    flush() { out.push(Buffer.from(bytes.subarray(0, length))); length = 0; },
    all() { return Buffer.concat([...out, bytes.subarray(0, length)]).toString('utf8'); },
  };
}

describe('LineBuf', () => {
  it('encodes strings as Buffer.from does, lone surrogates included', () => {
    const L = new LineBuf();
    const s = 'a\u00e9\u4e2d\ud83d\ude00\ud800x\udc00"\\\n';
    L.reset();
    L.str(s);
    expect(L.text()).toBe(Buffer.from(s).toString('utf8'));
  });

  it('counts columns in UTF-16 units from the last newline', () => {
    const L = new LineBuf();
    L.reset();
    L.str('ab\u00e9\ud83d\ude00');
    expect(L.column()).toBe('ab\u00e9\ud83d\ude00'.length);
    L.str('xx\nyz');
    expect(L.column()).toBe(2);
  });

  it('writes numbers and seconds as String() and toFixed(6) do', () => {
    const L = new LineBuf();
    for (const v of [0, 7, 10, 99, 100, 12345, 999999999, 1000000000, 2147483647, 2147483648, 3020000000, 8999999999999999, 9007199254740991, -1, -2147483648, -0, 1.5, 1e21, -3.25]) {
      L.reset();
      L.num(v);
      expect(L.text()).toBe(String(v));
    }
    for (const ns of [0, 1000, 999000, 1_000_000_000, 123_456_789_000, 2_147_483_648_000, 3_600_000_001_000, 1500, 9e15 + 1000]) {
      L.reset();
      L.secs(ns);
      expect(L.text()).toBe((ns / 1e9).toFixed(6));
    }
  });

  it('writes JSON strings as JSON.stringify does', () => {
    const L = new LineBuf();
    for (const s of ['plain', 'q"uote', 'back\\slash', 'nl\n', '\u00e9', '\ud800']) {
      L.reset();
      L.json(s);
      expect(L.text()).toBe(JSON.stringify(s));
    }
  });

  it('keeps every line when a target fills, even a line longer than the target', () => {
    const t = target(64);
    const L = new LineBuf(t);
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) {
      const line = `${'x'.repeat(i * 3)} line ${i} \u00e9\n`;
      lines.push(line);
      L.reset();
      L.bytes(ascii(line.slice(0, i * 3)));
      L.str(line.slice(i * 3));
      if (!L.end()) {
        // A line longer than the target comes back to the caller, as the tracer writes it (as text).
        t.flush();
        t.out.push(Buffer.from(L.text()));
      }
    }
    expect(t.all()).toBe(lines.join(''));
  });
});
