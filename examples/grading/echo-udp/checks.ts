// Checks the YAML cannot say, as TypeScript functions: socklab grade calls
// each with the finished run (outcome, trace, processes) and fails the test
// with the message it returns or throws. Keep the module self-contained
// (type-only imports are fine: they are erased).
import type { CheckContext } from '../../../host/grade/checks.js';

/** The client sends a message again only after waiting for its reply: no datagram storm. */
export function resendsOnlyAfterTimeout(ctx: CheckContext): string | undefined {
  const client = ctx.processes('udp_client')[0];
  if (!client) return 'no udp_client process';
  const sends = ctx.trace.events({ pid: client.pid, call: ['sendto', 'sendmsg', 'writev'] }).filter((e) => !/^[12]\b/.test(e.args[0] ?? ''));
  const messages = ctx.test.processes.find((p) => p.name === 'udp_client')!.args.length - 2;
  if (sends.length > messages * 10) return `udp_client sent ${sends.length} datagrams for ${messages} messages: wait for the reply (200 ms) before sending again, 10 tries at most`;
  return undefined;
}
