// A forking TCP echo server in AssemblyScript: the same calls, in the same
// order, as examples/fork-echo/fork_echo_server.c. accept, fork, the child
// closes the listener and serves the connection, the parent closes the
// connection and reaps finished children with waitpid(-1, WNOHANG).
// usage: fork_echo_server PORT [CLIENTS]   (with CLIENTS: exit after serving
// that many and reaping every child; without: serve forever)
import {
  Socket, SocketAddress, Process, args, println, eprintln, exit,
  AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, WNOHANG,
} from "socklab";

let reaped = 0;

function reap(block: bool): void {
  for (;;) {
    const r = Process.waitpid(-1, block ? 0 : WNOHANG);
    if (!r.ok || r.unwrap().pid == 0) return;
    reaped++;
    println("reaped child " + reaped.toString() + ": status " + r.unwrap().exitCode.toString());
  }
}

function serve(conn: Socket, n: i32): i32 {
  const buf = new Uint8Array(512);
  let total = 0;
  for (;;) {
    const r = conn.read(buf);
    if (!r.ok) {
      eprintln(r.error!.toString());
      return 1;
    }
    const got = r.unwrap();
    if (got == 0) break;
    for (let off = 0; off < got; ) {
      const w = conn.write(buf.subarray(off, got));
      if (!w.ok) {
        eprintln(w.error!.toString());
        return 1;
      }
      off += w.unwrap();
    }
    total += got;
  }
  println("child for client " + n.toString() + ": echoed " + total.toString() + " bytes");
  return 0;
}

const argv = args();
if (argv.length < 2) {
  eprintln("usage: " + argv[0] + " PORT [CLIENTS]");
  exit(2);
}
const clients = argv.length > 2 ? I32.parseInt(argv[2]) : -1;
const listener = Socket.open(AF_INET, SOCK_STREAM).unwrap();
listener.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
listener.bind(SocketAddress.ipv4("0.0.0.0", <u16>I32.parseInt(argv[1]))!).unwrap();
listener.listen(10).unwrap();
println("server: waiting for connections on port " + argv[1]);
for (let n = 1; clients < 0 || n <= clients; n++) {
  reap(false);
  const a = listener.accept();
  if (!a.ok) {
    eprintln(a.error!.toString());
    continue;
  }
  const conn = a.unwrap();
  const pid = Process.fork();
  if (!pid.ok) {
    eprintln(pid.error!.toString());
    conn.close();
    continue;
  }
  if (pid.unwrap() == 0) {
    listener.close(); // the child does not need the listener; the parent's stays open
    const rc = serve(conn, n);
    conn.close();
    exit(rc);
  }
  conn.close(); // the parent does not need the connection; the child's stays open
}
listener.close();
reap(true);
println("server: served " + clients.toString() + " clients, reaped " + reaped.toString() + " children");
