// SOL_PACKET options of an AF_PACKET socket (packet_setsockopt and
// packet_getsockopt, net/packet/af_packet.c): memberships, PACKET_AUXDATA,
// PACKET_IGNORE_OUTGOING and PACKET_STATISTICS. Every other level, and the
// options not modelled (rings, fanout, versions, timestamps: docs/abi.md),
// answer ENOPROTOOPT.
import { E } from '../../abi/errno.js';
import type { GuestMemory } from '../../abi/memory.js';
import { PACKET_MR, PACKET_OPT, SOL } from '../addr/constants.js';
import type { Socket } from '../socket/socket.js';
import { IFINDEX } from '../virtual/multicast.js';

/** sizeof(struct packet_mreq); a longer value is read up to sizeof(struct packet_mreq_max) (alen up to 32). */
const MREQ = 16;
const MREQ_MAX = 40;
/** dev->addr_len of lo and eth0 (Ethernet). */
const ETH_ALEN = 6;

export function packetSetsockopt(mem: GuestMemory, s: Socket, level: number, name: number, val: number, len: number): number {
  const b = s.packet!;
  if (level !== SOL.SOL_PACKET) return E.ENOPROTOOPT;
  // Guest address 0 is NULL: copy_from_sockptr faults on it.
  const fault = val === 0;
  switch (name) {
    case PACKET_OPT.PACKET_ADD_MEMBERSHIP: case PACKET_OPT.PACKET_DROP_MEMBERSHIP: {
      if (len < MREQ) return E.EINVAL;
      if (fault) return E.EFAULT;
      const m = new Uint8Array(MREQ_MAX);
      m.set(mem.read(val, Math.min(len, MREQ_MAX)));
      const dv = new DataView(m.buffer);
      const ifindex = dv.getInt32(0, true);
      const type = dv.getUint16(4, true);
      const alen = dv.getUint16(6, true);
      if (Math.min(len, MREQ_MAX) < alen + 8) return E.EINVAL;
      const addr = [...m.subarray(8, 8 + alen)].join(':');
      const same = (x: { ifindex: number; type: number; addr: string }): boolean => x.ifindex === ifindex && x.type === type && x.addr === addr;
      if (name === PACKET_OPT.PACKET_DROP_MEMBERSHIP) {
        // packet_mc_drop: an entry not there is no error.
        const i = b.memberships.findIndex(same);
        if (i >= 0 && --b.memberships[i]!.count === 0) b.memberships.splice(i, 1);
        return 0;
      }
      // packet_mc_add: the device, the address's length, then packet_dev_mc (a group address must be whole).
      if (ifindex !== IFINDEX.lo && ifindex !== IFINDEX.eth0) return E.ENODEV;
      if (alen > ETH_ALEN) return E.EINVAL;
      const had = b.memberships.find(same);
      if (had) had.count++;
      else {
        if ((type === PACKET_MR.PACKET_MR_MULTICAST || type === PACKET_MR.PACKET_MR_UNICAST) && alen !== ETH_ALEN) return E.EINVAL;
        b.memberships.push({ ifindex, type, addr, count: 1 });
      }
      return 0;
    }
    case PACKET_OPT.PACKET_AUXDATA: {
      if (len < 4) return E.EINVAL;
      if (fault) return E.EFAULT;
      b.auxdata = mem.i32(val) !== 0;
      return 0;
    }
    case PACKET_OPT.PACKET_IGNORE_OUTGOING: {
      if (len !== 4) return E.EINVAL;
      if (fault) return E.EFAULT;
      const v = mem.i32(val);
      if (v < 0 || v > 1) return E.EINVAL;
      b.ignoreOutgoing = v === 1;
      return 0;
    }
    default: return E.ENOPROTOOPT;
  }
}

export function packetGetsockopt(mem: GuestMemory, s: Socket, level: number, name: number, val: number, lenPtr: number): number {
  const b = s.packet!;
  if (level !== SOL.SOL_PACKET) return E.ENOPROTOOPT;
  const cap = mem.i32(lenPtr);
  if (cap < 0) return E.EINVAL;
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  let lv = 4;
  switch (name) {
    case PACKET_OPT.PACKET_STATISTICS:
      // Reading resets them; tp_packets counts the drops too.
      dv.setUint32(0, b.stats.packets + b.stats.drops, true);
      dv.setUint32(4, b.stats.drops, true);
      b.stats = { packets: 0, drops: 0 };
      lv = 8;
      break;
    case PACKET_OPT.PACKET_AUXDATA: dv.setInt32(0, b.auxdata ? 1 : 0, true); break;
    case PACKET_OPT.PACKET_IGNORE_OUTGOING: dv.setInt32(0, b.ignoreOutgoing ? 1 : 0, true); break;
    default: return E.ENOPROTOOPT;
  }
  const n = Math.min(cap, lv);
  mem.setU32(lenPtr, n);
  if (n && val === 0) return E.EFAULT;
  if (n) mem.write(val, out.subarray(0, n));
  return 0;
}
