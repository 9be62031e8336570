// Output of a process watched as it arrives (the real-client tests' servers and tools): a promise per
// regular expression it will print, rejected if the process ends first. No sleeps: the output says when.

export interface Watcher {
  /** More output arrived. */
  feed(s: string): void;
  /** Resolves with the first match of re in the output so far or to come. */
  line(re: RegExp): Promise<RegExpMatchArray>;
  /** The process ended: every wait not met fails, saying why and what it printed. */
  end(why: string): void;
  /** All it printed so far. */
  text(): string;
}

export function watcher(): Watcher {
  let out = '';
  let waits: { re: RegExp; ok: (m: RegExpMatchArray) => void; fail: (e: Error) => void }[] = [];
  const check = (): void => {
    waits = waits.filter((w) => {
      const m = out.match(w.re);
      if (m) w.ok(m);
      return !m;
    });
  };
  return {
    feed(s) {
      out += s;
      check();
    },
    line(re) {
      return new Promise((ok, fail) => {
        waits.push({ re, ok, fail });
        check();
      });
    },
    end(why) {
      check();
      for (const w of waits) w.fail(new Error(`ended without ${w.re}: ${why}\n${out}`));
      waits = [];
    },
    text: () => out,
  };
}
