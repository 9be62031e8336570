// Error paths, each printed as the library reports it: the call, the errno
// name and glibc's text. Runs alone (nothing listens anywhere).
// usage: errors [HOST PORT]   (an address where nothing listens; default 127.0.0.1 1)
import {
  Socket, SocketAddress, resolve, connect, errno, errnoName, strerror, args, println,
  AF_INET, AF_UNIX, SOCK_STREAM,
} from "socklab";

const argv = args();
const host = argv.length > 2 ? argv[1] : "127.0.0.1";
const port = argv.length > 2 ? <u16>I32.parseInt(argv[2]) : <u16>1;

// Nothing listens there: the handshake is answered with a reset.
const s = Socket.open(AF_INET, SOCK_STREAM, 0).unwrap();
const refused = s.connect(SocketAddress.parse(host, port)!);
println(refused.error!.toString());

// An address that is not one of this host's.
const b = s.bind(SocketAddress.ipv4("203.0.113.9", 7000)!);
println(b.error!.toString());

// Text that is no address at all never reaches the host.
const bad = SocketAddress.parse("300.1.2.3", 80);
println("parse 300.1.2.3: " + (bad === null ? "not an address" : bad!.toString()));

// A pointer outside the guest's memory: the host answers EFAULT, it does not crash.
if (connect(s.fd, 0xfffffff0, 16) < 0) println("raw connect: " + errnoName(errno) + " (" + strerror(errno) + ")");

// A name nobody knows.
const r = resolve("no-such-host.invalid", "80");
println(r.error!.toString() + " [" + r.error!.errnoName + "]");

// AF_UNIX: a path with no socket.
const u = Socket.open(AF_UNIX, SOCK_STREAM, 0).unwrap();
println(u.connect(SocketAddress.unix("/tmp/nobody-here.sock")!).error!.toString());

// A stream socket that never connected has no peer.
println(u.writeString("hello?").error!.toString());

// After close the fd is gone.
s.close();
println(s.close().error!.toString());
