// An AF_UNIX stream client in AssemblyScript: connects to PATH, sends TEXT,
// prints the reply. A missing path gives ENOENT; a path with no listener,
// ECONNREFUSED. The same calls as examples/unix/unix_client.c.
// usage: unix_client PATH TEXT
import { Socket, SocketAddress, args, println, eprintln, exit, AF_UNIX, SOCK_STREAM } from "socklab";

const argv = args();
if (argv.length < 3) {
  eprintln("usage: " + argv[0] + " PATH TEXT");
  exit(2);
}
const s = Socket.open(AF_UNIX, SOCK_STREAM, 0).unwrap();
// On failure: "SocketError: connect: ENOENT (No such file or directory)", status 1.
s.connect(SocketAddress.unix(argv[1])!).unwrap();
s.writeString(argv[2]);
const buf = new Uint8Array(255);
const r = s.read(buf);
const n: i32 = r.ok ? r.unwrap() : 0;
println("reply: " + String.UTF8.decodeUnsafe(buf.dataStart, <usize>n));
s.close();
