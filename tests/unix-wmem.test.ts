// WmemLedger (host/net/socket/skb.ts): an AF_UNIX sender's sk_wmem_alloc
// per receiver. A stream socket charges only its peer (the plain-field fast
// path); a datagram socket may charge several, and a receiver that closes
// gives its share back. Guest-level behaviour (SIOCOUTQ, blocking sends,
// POLLOUT) is compared with a native run by tests/strace-diff.test.ts
// (tests/c/diff_unix_sndbuf.c, net_unix_more.c).
import { describe, expect, it } from 'vitest';
import { WmemLedger } from '../host/net/socket/skb.js';

const receiver = (): { closed: boolean } => ({ closed: false });

describe('WmemLedger', () => {
  it('charges and frees one receiver', () => {
    const w = new WmemLedger();
    const a = receiver();
    w.charge(a, 100);
    w.charge(a, 50);
    expect(w.alloc).toBe(150);
    w.free(a, 100);
    expect(w.alloc).toBe(50);
    w.free(a, 50);
    expect(w.alloc).toBe(0);
    // A receiver charged again after its share reached zero starts from zero.
    w.charge(a, 7);
    expect(w.alloc).toBe(7);
  });

  it('sums several receivers and frees each one apart', () => {
    const w = new WmemLedger();
    const [a, b, c] = [receiver(), receiver(), receiver()];
    w.charge(a, 10);
    w.charge(b, 20);
    w.charge(c, 40);
    w.charge(b, 1);
    expect(w.alloc).toBe(71);
    w.free(b, 21);
    expect(w.alloc).toBe(50);
    // The first receiver's share gone, the others' stay.
    w.free(a, 10);
    expect(w.alloc).toBe(40);
    w.charge(a, 5);
    expect(w.alloc).toBe(45);
    w.free(c, 40);
    w.free(a, 5);
    expect(w.alloc).toBe(0);
  });

  it('drops the share of a receiver that closed, first or not', () => {
    const w = new WmemLedger();
    const [a, b, c] = [receiver(), receiver(), receiver()];
    w.charge(a, 10);
    w.charge(b, 20);
    w.charge(c, 40);
    a.closed = true;
    expect(w.alloc).toBe(60);
    b.closed = true;
    expect(w.alloc).toBe(40);
    // Frees for a receiver already dropped change nothing.
    w.free(a, 10);
    w.free(b, 20);
    expect(w.alloc).toBe(40);
    w.free(c, 40);
    expect(w.alloc).toBe(0);
  });
});
