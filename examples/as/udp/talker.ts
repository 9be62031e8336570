// UDP talker in AssemblyScript, written with the raw (C-like) calls: they
// return -1 and set errno, as in examples/udp/talker.c.
// Sends COUNT numbered datagrams to HOST PORT, one per 10 ms.
// usage: talker HOST PORT COUNT
import {
  AddrInfo, getaddrinfo, socket, sendto, close, sleepMs, errno, strerror, gaiStrerror,
  args, println, eprintln, exit, AF_INET, SOCK_DGRAM,
} from "socklab";

const argv = args();
if (argv.length < 4) {
  eprintln("usage: " + argv[0] + " HOST PORT COUNT");
  exit(2);
}
const hints = new AddrInfo();
hints.family = AF_INET;
hints.socktype = SOCK_DGRAM;
const res: AddrInfo[] = [];
const rc = getaddrinfo(argv[1], argv[2], hints, res);
if (rc != 0) {
  eprintln("talker: " + gaiStrerror(rc));
  exit(1);
}
const to = res[0];
const fd = socket(to.family, to.socktype, to.protocol);
const n = I32.parseInt(argv[3]);
for (let i = 1; i <= n; i++) {
  const msg = String.UTF8.encode("datagram " + i.toString());
  if (sendto(fd, changetype<usize>(msg), msg.byteLength, 0, changetype<usize>(to.addr), to.addr.byteLength) < 0) eprintln("sendto: " + strerror(errno));
  sleepMs(10);
}
const end = String.UTF8.encode("end");
sendto(fd, changetype<usize>(end), end.byteLength, 0, changetype<usize>(to.addr), to.addr.byteLength);
println("talker: sent " + n.toString() + " datagrams");
close(fd);
