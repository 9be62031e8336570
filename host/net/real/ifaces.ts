// The host's network interfaces, for the multicast options of --net=real:
// Linux names an interface by index (ip_mreqn, IPV6_MULTICAST_IF,
// ipv6_mreq) or by one of its IPv4 addresses, while Node's dgram takes an
// IPv4 address or an IPv6 scope ("::%eth0"). Indices come from
// /sys/class/net (an interface without addresses has one too), addresses
// from os.networkInterfaces().
import { readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { isLoopback, unmap } from '../addr/ipaddr.js';

/** The interface with this index, or undefined. */
export function ifaceName(index: number): string | undefined {
  let names: string[];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    // No sysfs: loopback is index 1 on every Linux.
    return index === 1 ? 'lo' : undefined;
  }
  for (const n of names) {
    try {
      if (Number(readFileSync(`/sys/class/net/${n}/ifindex`, 'utf8')) === index) return n;
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

/** An IPv4 address of the named interface (Node joins and sends by address), or undefined. */
export function ifaceV4(name: string): string | undefined {
  return networkInterfaces()[name]?.find((a) => a.family === 'IPv4')?.address;
}

/** The interface holding a local IPv4 address (all of 127/8 is lo's, as Linux's local table says), or undefined. */
export function ifaceOfV4(ip: string): string | undefined {
  const u = unmap(ip);
  if (isLoopback(u)) return 'lo';
  for (const [name, addrs] of Object.entries(networkInterfaces())) if (addrs?.some((a) => a.family === 'IPv4' && a.address === u)) return name;
  return undefined;
}
