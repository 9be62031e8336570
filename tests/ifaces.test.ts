// A virtual host's interfaces (docs/abi.md "Interfaces"): lo and eth0 with
// the scenario's address, as UNP's get_ifi_info (SIOCGIFCONF and the
// SIOCGIF* ioctls) and getifaddrs/if_nameindex see them, and the trace
// lines strace would print for those ioctls. The loopback part is compared
// with Linux in tests/textbook.test.ts and tests/strace-diff.test.ts.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { needs } from './tools.js';

const network = { hosts: [{ name: 'alpha', ipv4: ['192.168.7.5'], prefix4: [16], ipv6: ['fd00::7'] }, { name: 'beta', ipv6: ['fd00::1:2:3:4'] }] };
const on = (host: string, name: string, args: string[]) =>
  run({ processes: [{ module: guest(name), name: `${name}.wasm`, host, args }], network, timeoutMs: 60_000, trace: { strSize: 64, time: 'none', classes: ['ioctl'] } });
const lines = (trace: string | undefined): string[] => (trace ?? '').split('\n').filter((l) => l.includes('ioctl(')).map((l) => l.replace(/^\[pid \d+\] /, '').replace(/ <[\d.]+>$/, ''));

describe('interface listing on the virtual network', () => {
  it('get_ifi_info shows eth0 with the host address, its netmask and broadcast, MTU 1500 and a MAC from the address', async () => {
    const o = await on('alpha', 'tb10_ifaces', ['eth0']);
    expect(o.status).toBe(0);
    expect(o.stdout.split('\n').slice(0, 8)).toEqual([
      'SIOCGIFCONF: whole structs',
      'eth0: (2) <UP BCAST MCAST RUNNING >',
      '  hwaddr: 02:00:c0:a8:07:05',
      '  MTU: 1500',
      '  IP addr: 192.168.7.5',
      '  netmask: 255.255.0.0',
      '  broadcast addr: 192.168.255.255',
      'one: 1 struct, lo 127.0.0.1',
    ]);
    const t = lines(o.trace);
    expect(t.slice(0, 1)).toEqual([
      'ioctl(3<UDP:[1000000]>, SIOCGIFCONF, {ifc_len=3200 /* 100 * sizeof(struct ifreq) */ => 64 /* 2 * sizeof(struct ifreq) */, ifc_buf=[{ifr_name="lo", ifr_addr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}}, {ifr_name="eth0", ifr_addr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("192.168.7.5")}}]}) = 0',
    ]);
    expect(t).toContain('ioctl(3<UDP:[1000000]>, SIOCGIFFLAGS, {ifr_name="eth0", ifr_flags=IFF_UP|IFF_BROADCAST|IFF_RUNNING|IFF_MULTICAST}) = 0');
    expect(t).toContain('ioctl(3<UDP:[1000000]>, SIOCGIFBRDADDR, {ifr_name="eth0", ifr_broadaddr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("192.168.255.255")}}) = 0');
    expect(t).toContain('ioctl(3<UDP:[1000000]>, SIOCGIFHWADDR, {ifr_name="eth0", ifr_hwaddr={sa_family=ARPHRD_ETHER, sa_data=02:00:c0:a8:07:05}}) = 0');
    expect(t).toContain('ioctl(3<UDP:[1000000]>, SIOCGIFMTU, {ifr_name="eth0", ifr_mtu=1500}) = 0');
    expect(t).toContain('ioctl(3<UDP:[1000002]>, SIOCGIFCONF, {ifc_len=31 => 0, ifc_buf=[]}) = 0');
    expect(t).toContain('ioctl(3<UDP:[1000002]>, SIOCGIFMTU, NULL) = -1 EFAULT (Bad address)');
    expect(o.stdout).toContain('SIOCGIFADDR eth0: 192.168.7.5\nSIOCGIFHWADDR eth0: 1 02:00:c0:a8:07:05\n');
  });

  it('takes an API config\'s "address/prefix" as a scenario file does, and refuses a bad address before any guest runs', async () => {
    const slash = { hosts: [{ name: 'alpha', ipv4: ['192.168.7.5/16'], ipv6: ['fd00::7'] }] };
    const o = await run({ processes: [{ module: guest('tb10_ifaces'), name: 'tb10_ifaces.wasm', host: 'alpha', args: ['eth0'] }], network: slash, timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    expect(o.stdout.split('\n').slice(4, 7)).toEqual(['  IP addr: 192.168.7.5', '  netmask: 255.255.0.0', '  broadcast addr: 192.168.255.255']);
    for (const bad of ['300.1.1.1', '192.168.7.5/40', 'fd00::1']) {
      await expect(run({ processes: [{ module: guest('tb10_ifaces'), host: 'alpha', args: ['eth0'] }], network: { hosts: [{ name: 'alpha', ipv4: [bad] }] } }))
        .rejects.toThrow(`network: host alpha: "${bad}" is not an IPv4 address`);
    }
  });

  it('getifaddrs gives one AF_INET entry per address and if_nameindex lo and eth0', async () => {
    const o = await on('alpha', 'tb10_getifaddrs', ['all']);
    expect(o.status).toBe(0);
    expect(o.stdout).toBe([
      'lo       AF_INET (2)',
      '\t\taddress: <127.0.0.1> netmask: <255.0.0.0> broadcast: <->',
      '\t\tflags: 0x10049 UP LOOPBACK RUNNING',
      'eth0     AF_INET (2)',
      '\t\taddress: <192.168.7.5> netmask: <255.255.0.0> broadcast: <192.168.255.255>',
      '\t\tflags: 0x11043 UP BROADCAST MULTICAST RUNNING',
      'entries: some',
      '1: lo',
      '2: eth0',
      'interfaces: two or more',
      'if_indextoname(1): lo, if_nametoindex("lo"): 1',
      '',
    ].join('\n'));
    expect(lines(o.trace)).toContain('ioctl(3<UDP:[1000000]>, SIOCGIFCONF, {ifc_len=64 /* 2 * sizeof(struct ifreq) */, ifc_buf=NULL}) = 0');
  });

  it('an IPv6-only host has eth0 without an IPv4 address: EADDRNOTAVAIL, a MAC from its IPv6 address', async () => {
    const o = await on('beta', 'tb10_ifaces', ['eth0']);
    expect(o.status).toBe(0);
    // SIOCGIFCONF lists IPv4 addresses only: eth0 is not in it, so get_ifi_info prints nothing for it.
    expect(o.stdout.split('\n').slice(0, 2)).toEqual(['SIOCGIFCONF: whole structs', 'one: 1 struct, lo 127.0.0.1']);
    const t = lines(o.trace);
    expect(t[0]).toBe('ioctl(3<UDP:[1000000]>, SIOCGIFCONF, {ifc_len=3200 /* 100 * sizeof(struct ifreq) */ => 32 /* 1 * sizeof(struct ifreq) */, ifc_buf=[{ifr_name="lo", ifr_addr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}}]}) = 0');
    expect(o.stdout).toContain('SIOCGIFADDR eth0: Cannot assign requested address\nSIOCGIFHWADDR eth0: 1 02:00:00:03:00:04\n');
    expect(t).toContain('ioctl(3<UDP:[1000001]>, SIOCGIFADDR, {ifr_name="eth0"}) = -1 EADDRNOTAVAIL (Cannot assign requested address)');
    const names = await on('beta', 'tb10_getifaddrs', ['all']);
    expect(names.stdout).toContain('1: lo\n2: eth0\n');
  });

  // --net=real lists the machine's interfaces: every one, with what Linux gives (indexes, flags with IFF_RUNNING, MTU, MAC,
  // addresses), so the same program built with gcc prints the same (getifaddrs: its AF_INET entries, glibc's others aside).
  it.each(['tb10_ifaces', 'tb10_getifaddrs'])('%s under --net=real prints what the native build prints, for every interface', async (name) => {
    needs('gcc');
    const bin = tempDir('socklab-ifaces-');
    const exe = join(bin, name);
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
    const names = name === 'tb10_ifaces' ? readdirSync('/sys/class/net') : ['all'];
    for (const arg of names) {
      const native = execFileSync(exe, [arg], { encoding: 'utf8' }).split('\n').filter((l) => !/^\S+\s+family \d+$/.test(l)).join('\n');
      const o = await run({ net: 'real', processes: [{ module: guest(name), name: `${name}.wasm`, args: [arg] }], timeoutMs: 60_000 });
      expect(o.status).toBe(0);
      expect(o.stdout).toBe(native);
    }
  });
});
