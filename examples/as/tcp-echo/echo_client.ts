// A TCP echo client in AssemblyScript: resolves HOST, connects (trying each
// address as getaddrinfo returns them), sends MESSAGE, half-closes, reads
// the echo. The same calls as examples/tcp-echo/echo_client.c.
// usage: echo_client HOST PORT MESSAGE
import { Socket, resolve, args, println, eprintln, exit, AF_UNSPEC, SOCK_STREAM, SHUT_WR } from "socklab";

const argv = args();
if (argv.length < 4) {
  eprintln("usage: " + argv[0] + " HOST PORT MESSAGE");
  exit(2);
}
const found = resolve(argv[1], argv[2], AF_UNSPEC, SOCK_STREAM);
if (!found.ok) {
  eprintln("getaddrinfo " + argv[1] + ": " + found.error!.message);
  exit(1);
}
const addrs = found.unwrap();
let sock: Socket | null = null;
for (let i = 0; i < addrs.length; i++) {
  const s = Socket.open(addrs[i].family, addrs[i].socktype, addrs[i].protocol);
  if (!s.ok) continue;
  const c = s.unwrap().connect(addrs[i].address);
  if (c.ok) {
    sock = s.unwrap();
    break;
  }
  eprintln(c.error!.toString());
  s.unwrap().close();
}
if (sock === null) {
  eprintln("could not connect to " + argv[1] + " port " + argv[2]);
  exit(1);
}
const s = sock!;

const msg = Uint8Array.wrap(String.UTF8.encode(argv[3]));
for (let off = 0; off < msg.length; ) off += s.write(msg.subarray(off)).unwrap();
s.shutdown(SHUT_WR);

// Read until EOF: the echo may come in pieces (a stream has no message boundaries).
const buf = new Uint8Array(4096);
let got = 0;
while (got < buf.length - 1) {
  const n = s.read(buf.subarray(got, buf.length - 1)).unwrap();
  if (n == 0) break;
  got += n;
}
println("echoed: " + String.UTF8.decodeUnsafe(buf.dataStart, <usize>got));
s.close();
// Like returning from main: only a failure ends with proc_exit.
if (got != msg.length) exit(1);
