// The host's network interfaces, for the multicast options of --net=real:
// Linux names an interface by index (ip_mreqn, IPV6_MULTICAST_IF,
// ipv6_mreq) or by one of its IPv4 addresses, while Node's dgram takes an
// IPv4 address or an IPv6 scope ("::%eth0"). Indices come from
// /sys/class/net (an interface without addresses has one too), addresses
// from os.networkInterfaces(). realIfaces: the whole list, for the
// interface ioctls (SIOCGIFCONF, SIOCGIFFLAGS...).
import { readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { isLoopback, unmap } from '../addr/ipaddr.js';
import type { NetIface } from '../socket/network.js';

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

/**
 * The machine's interfaces for SIOCGIFCONF and the SIOCGIF* ioctls of
 * --net=real: every one in /sys/class/net by index (an interface without
 * addresses too, as Linux lists it), its flags, MTU, link type and
 * hardware address from there, its addresses from os.networkInterfaces().
 * Without sysfs, the interfaces Node knows, numbered in its order.
 */
export function realIfaces(): NetIface[] {
  const addrs = networkInterfaces();
  const sys = (n: string, f: string): string | undefined => {
    try {
      return readFileSync(`/sys/class/net/${n}/${f}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  let names: string[];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    names = [];
  }
  const fromSys = names.length > 0;
  if (!fromSys) names = Object.keys(addrs);
  const list = names.map((name, k): NetIface => {
    const a = addrs[name] ?? [];
    const lo = a.some((x) => x.internal) || name === 'lo';
    const mac = (sys(name, 'address') ?? a[0]?.mac ?? '00:00:00:00:00:00').split(':').map((x) => parseInt(x, 16) || 0);
    return {
      name,
      index: Number(sys(name, 'ifindex') ?? (lo ? 1 : k + 2)),
      flags: fromSys ? sysFlags(parseInt(sys(name, 'flags') ?? '0', 16), sys(name, 'operstate')) : lo ? 0x49 : 0x1043,
      mtu: Number(sys(name, 'mtu') ?? (lo ? 65536 : 1500)),
      hwType: Number(sys(name, 'type') ?? (lo ? 772 : 1)),
      mac: Uint8Array.from(mac.slice(0, 6)),
      v4: a.filter((x) => x.family === 'IPv4').map((x) => ({ addr: x.address, mask: x.netmask, bcast: lo ? '0.0.0.0' : broadcastOf(x.address, x.netmask) })),
      v6: a.filter((x) => x.family === 'IPv6').map((x) => ({ addr: x.address, prefix: Number(x.cidr?.split('/')[1] ?? 128) })),
    };
  });
  return list.sort((x, y) => x.index - y.index);
}

/**
 * ifr_flags as dev_get_flags makes them: sysfs's flags are dev->flags,
 * without IFF_RUNNING, which an interface that is up has while its
 * operational state is up or unknown (netif_oper_up); the low 16 bits.
 */
function sysFlags(flags: number, operstate: string | undefined): number {
  const running = flags & 0x1 && (operstate === 'up' || operstate === 'unknown') ? 0x40 : 0;
  return (flags | running) & 0xffff;
}

/** address | ~netmask: the subnet broadcast Linux gives an address added with a prefix (ip addr add ... brd +). */
function broadcastOf(ip: string, mask: string): string {
  const a = ip.split('.').map(Number), m = mask.split('.').map(Number);
  return a.map((x, i) => (x | (~m[i]! & 0xff)) & 0xff).join('.');
}
