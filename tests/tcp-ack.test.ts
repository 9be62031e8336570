// A TCP sender's buffer frees when an acknowledgement reaches it, as Linux's
// tcp_clean_rtx_queue frees the write queue: a lost ACK keeps the bytes (and
// the FIN) the sender's until its retransmission is acknowledged, so a
// writer, poll's POLLOUT, SIOCOUTQ and a lingering close see that later time
// (tests/c/net_ack_loss.c).
import { describe, expect, it } from 'vitest';
import { guest, run } from './helpers.js';

const LATENCY_MS = 1;
// RFC 6298 with Linux's minimum after the handshake's sample: srtt + max(4·rttvar, 200 ms), R = 2 ms.
const RTO_MS = 2 * LATENCY_MS + Math.max(4 * LATENCY_MS, 200);
/** Each phase's segment leaves at its start and arrives; the link is cut before its ACK leaves and heals before the RTO. */
const PHASES = [1000, 1500, 2000, 3000];

const ackLoss = (cut: boolean) => run({
  network: {
    hosts: [{ name: 's', ipv4: ['10.0.0.1'] }, { name: 'c', ipv4: ['10.0.0.2'] }],
    links: [{ a: 's', b: 'c', latencyMs: LATENCY_MS }],
    partitions: cut ? PHASES.map((t) => ({ a: 's', b: 'c', fromMs: t + LATENCY_MS / 2, toMs: t + (t === 2000 ? 40 : 100) })) : [],
  },
  processes: [
    { module: guest('net_ack_loss'), name: 'server', host: 's', args: ['server', '7000'] },
    { module: guest('net_ack_loss'), name: 'client', host: 'c', args: ['client', 's', '7000'], startMs: 10 },
  ],
  timeoutMs: 60_000,
});

/** When the ACK of a segment sent at `t` ms gets through: that of its retransmission after the RTO. */
const retransmittedAck = (t: number): string => (t + RTO_MS + 2 * LATENCY_MS).toFixed(1);

describe('a lost ACK', () => {
  it('keeps the bytes the sender\'s until the retransmission\'s ACK arrives: room, POLLOUT, SIOCOUTQ, the FIN and SO_LINGER', async () => {
    const o = await ackLoss(true);
    expect(o.status).toBe(0);
    const buffer = /filled (\d+)/.exec(o.processes[1]!.stdout)![1]!;
    // The server has everything 1 ms after each send: only the acknowledgement is late.
    expect(o.processes[0]!.stdout).toBe([
      `server: read ${buffer} at 1001.0 ms`, `server: read ${buffer} at 1501.0 ms`,
      // The blocked writer's byte leaves when its room opens, at 1704 ms.
      'server: read 1 at 1705.0 ms', 'server: read 1 at 2001.0 ms', 'server: read 1 at 2051.0 ms', 'server: EOF at 3001.0 ms', '',
    ].join('\n'));
    expect(o.processes[1]!.stdout).toBe([
      `client: filled ${buffer} at 1000.0 ms, SIOCOUTQ ${buffer}`,
      // Read by the server at 1001 ms, still unacknowledged to the client: no POLLOUT, SIOCOUTQ full.
      `client: poll 100 ms: 0 at 1100.0 ms, SIOCOUTQ ${buffer}`,
      // The retransmission leaves at 1000 + RTO, arrives 1 ms later, its ACK 1 ms after that.
      `client: poll: 1 revents 0x4 at ${retransmittedAck(1000)} ms, SIOCOUTQ 0`,
      `client: filled ${buffer} at 1500.0 ms`,
      // A blocking send on the full buffer is woken by the same ACK; its own byte is then in flight.
      `client: blocking send: 1 at ${retransmittedAck(1500)} ms, SIOCOUTQ 1`,
      'client: A unacknowledged: SIOCOUTQ 1 at 2030.0 ms',
      // B's ACK (2052 ms) is cumulative: A is freed with it, and A's retransmission never leaves.
      'client: B\'s ACK covers A: SIOCOUTQ 0 at 2060.0 ms',
      // SIOCOUTQ is write_seq - snd_una: the FIN takes a sequence number.
      'client: FIN unacknowledged: SIOCOUTQ 1 at 3050.0 ms',
      `client: close: 0 at ${retransmittedAck(3000)} ms`, '',
    ].join('\n'));
    // The first fill, the second fill and the FIN, each sent again once; A's retransmission was taken back.
    expect(o.network!.retransmissions).toBe(3);
  });

  it('without loss, frees the bytes one round trip after they leave, when the ACK arrives', async () => {
    const o = await ackLoss(false);
    expect(o.status).toBe(0);
    const out = o.processes[1]!.stdout;
    expect(out).toContain(`poll 100 ms: 1 at ${(1000 + 2 * LATENCY_MS).toFixed(1)} ms, SIOCOUTQ 0`);
    expect(out).toContain(`blocking send: 1 at ${(1500 + 2 * LATENCY_MS).toFixed(1)} ms, SIOCOUTQ 1`);
    expect(out).toContain('A unacknowledged: SIOCOUTQ 0 at 2030.0 ms');
    expect(out).toContain('FIN unacknowledged: SIOCOUTQ 0 at 3050.0 ms');
    expect(out).toContain('close: 0 at 3050.0 ms');
    expect(o.network!.retransmissions).toBe(0);
  });
});
