// An AF_UNIX stream server in AssemblyScript: binds a path (it appears as a
// socket file), serves COUNT clients by upper-casing what they send, then
// removes the path. The same calls as examples/unix/unix_server.c.
// usage: unix_server PATH COUNT
import {
  Socket, SocketAddress, fileType, unlink, args, println, eprintln, exit,
  AF_UNIX, SOCK_STREAM, FILETYPE_SOCKET_STREAM, FILETYPE_SOCKET_DGRAM,
} from "socklab";

const argv = args();
if (argv.length < 3) {
  eprintln("usage: " + argv[0] + " PATH COUNT");
  exit(2);
}
const path = argv[1];
const l = Socket.open(AF_UNIX, SOCK_STREAM, 0).unwrap();
l.bind(SocketAddress.unix(path)!).unwrap();
const t = fileType(path);
if (t >= 0) println(path + " is a " + (t == FILETYPE_SOCKET_STREAM || t == FILETYPE_SOCKET_DGRAM ? "socket" : "file"));
l.listen(4);
const buf = new Uint8Array(256);
for (let n = I32.parseInt(argv[2]); n > 0; n--) {
  const c = l.accept().unwrap();
  const k = c.read(buf);
  if (k.ok && k.unwrap() > 0) {
    const got = k.unwrap();
    for (let i = 0; i < got; i++) if (buf[i] >= 97 && buf[i] <= 122) buf[i] -= 32;
    c.write(buf.subarray(0, got));
  }
  c.close();
}
l.close();
unlink(path);
println("done, " + path + " removed");
