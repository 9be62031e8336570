// WaitQueue.wake wakes the waiters present when it is called, once each,
// whatever their wake does to the queue: the one-sleeper path (no copy of the
// set) keeps the same rule as the general one.
import { describe, expect, it } from 'vitest';
import { WaitQueue, WAKE_IN, type Waiter } from '../host/kernel/wait.js';

/** A waiter that records its wakes and runs `then` on each (as an epoll hook or a process may). */
function waiter(log: string[], name: string, then?: () => void): Waiter {
  return { wake: (key?: number) => { log.push(`${name}:${key}`); then?.(); } };
}

describe('WaitQueue.wake', () => {
  for (const others of [0, 2]) {
    it(`with ${others + 1} sleeper(s): a waiter added by a wake is not woken by the same wake`, () => {
      const q = new WaitQueue();
      const log: string[] = [];
      const late = waiter(log, 'late');
      const first = waiter(log, 'first', () => {
        q.remove(first);
        q.add(late);
      });
      q.add(first);
      for (let i = 0; i < others; i++) q.add(waiter(log, `w${i}`));
      q.wake(WAKE_IN);
      expect(log).toEqual(['first:' + WAKE_IN, ...Array.from({ length: others }, (_, i) => `w${i}:${WAKE_IN}`)]);
      expect(q.size).toBe(others + 1);
      log.length = 0;
      q.wake();
      expect(log).toContain('late:0');
    });
  }

  it('a waiter that stays on the queue (an epoll hook) is woken once per wake', () => {
    const q = new WaitQueue();
    const log: string[] = [];
    q.add(waiter(log, 'hook'));
    q.wake(WAKE_IN);
    q.wake(-1);
    expect(log).toEqual([`hook:${WAKE_IN}`, 'hook:-1']);
  });

  it('wakes in the order the waiters came, across removals and re-adds, each once', () => {
    const q = new WaitQueue();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => waiter(log, n));
    q.add(a);
    q.add(a);
    q.add(b);
    q.remove(a);
    q.add(c);
    q.add(a);
    q.add(b);
    expect(q.size).toBe(3);
    q.wake(WAKE_IN);
    expect(log).toEqual([`b:${WAKE_IN}`, `c:${WAKE_IN}`, `a:${WAKE_IN}`]);
    q.remove(b);
    q.remove(c);
    q.remove(a);
    expect(q.size).toBe(0);
    q.add(c);
    q.add(b);
    log.length = 0;
    q.wake(WAKE_IN);
    expect(log).toEqual([`c:${WAKE_IN}`, `b:${WAKE_IN}`]);
  });
});
