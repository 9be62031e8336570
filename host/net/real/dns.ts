// Name resolution on --net=real: numeric addresses and localhost as
// everywhere; other names only with --allow-dns, through the host's resolver
// (dns.lookup, i.e. getaddrinfo with /etc/hosts and DNS). The lookup is
// asynchronous, so getaddrinfo suspends the guest until the answer is in.
// The answer is not filtered: connect() and sendto() check every address
// against --allow-connect, so a name that resolves to a refused address
// still cannot be reached.
import { Slot } from '../../kernel/slots.js';
import { lookup } from 'node:dns';
import type { Process } from '../../kernel/process.js';
import { WaitQueue } from '../../kernel/wait.js';
import { canonIp } from '../addr/ipaddr.js';
import { EAI } from '../addr/constants.js';
import type { RealNetwork } from './network.js';

export type Resolved = { v4: string[]; v6: string[]; canon: string };

interface Lookup {
  name: string;
  queue: WaitQueue;
  answer?: Resolved | number;
}

/** The lookup a process waits for: getaddrinfo runs again when it ends and takes the answer. */
const DNS_LOOKUP = new Slot<Lookup>('dns-lookup');

/** The answer, an EAI_* code, or 'wait' after blocking the process until the lookup ends. */
export function realResolve(p: Process, rn: RealNetwork, name: string): Resolved | number | 'wait' {
  const pending = p.slots.get(DNS_LOOKUP);
  if (pending && pending.name === name) {
    if (pending.answer === undefined) return (p.block([pending.queue]), 'wait');
    p.slots.set(DNS_LOOKUP, undefined);
    return pending.answer;
  }
  if (!rn.policy.dns) {
    rn.explain(p, `policy: ${name} not resolved: no --allow-dns given`);
    return EAI.EAI_AGAIN;
  }
  const l: Lookup = { name, queue: new WaitQueue() };
  p.slots.set(DNS_LOOKUP, l);
  const release = rn.track({ destroy: () => {} });
  lookup(name, { all: true }, (err, addrs) => {
    release();
    if (err) l.answer = err.code === 'ENOTFOUND' || err.code === 'ENODATA' ? EAI.EAI_NONAME : EAI.EAI_AGAIN;
    else {
      const v4 = addrs.filter((a) => a.family === 4).map((a) => a.address);
      const v6 = addrs.filter((a) => a.family === 6).map((a) => canonIp(a.address));
      l.answer = { v4, v6, canon: name };
    }
    l.queue.wake();
    rn.kernel.kick();
  });
  p.block([l.queue]);
  return 'wait';
}
