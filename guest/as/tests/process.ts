// Processes, pipes and descriptors from AssemblyScript (tests/as-process.test.ts):
// the same calls and output as tests/c/diff_as_process.c, which
// differential.test.ts compares with a native gcc build.
import { Process, Socket, println, exit, dup2, ECHILD, EBADF, ESRCH, WNOHANG, O_NONBLOCK, EAGAIN, SIGTERM, errno, errnoName } from "socklab";

// A pipe: the child writes, the parent reads to end of stream after the child's exit.
const p = Process.pipe().unwrap();
println("pipe fds " + p.reader.fd.toString() + " " + p.writer.fd.toString());
let shared = 10;
const me = Process.pid();
const pid = Process.fork().unwrap();
if (pid == 0) {
  shared = 20; // the child's copy only
  p.reader.close();
  p.writer.writeString("child " + (Process.parentPid() == me ? "of the forker" : "of someone else") + " shared=" + shared.toString() + "\n");
  p.writer.close();
  exit(7);
}
p.writer.close();
const buf = new Uint8Array(128);
let text = "";
for (;;) {
  const n = p.reader.read(buf).unwrap();
  if (n == 0) break;
  text += String.UTF8.decode(buf.buffer.slice(0, n));
}
p.reader.close();
println("parent read: " + text.trimEnd());
println("parent shared=" + shared.toString());
const st = Process.waitpid(pid).unwrap();
println("waitpid: same pid " + (st.pid == pid ? "yes" : "no") + ", exited " + (st.exited ? "yes" : "no") + ", code " + st.exitCode.toString() + ", signaled " + (st.signaled ? "yes" : "no"));
const again = Process.waitpid(-1, WNOHANG);
println("waitpid again: " + (again.ok ? "ok" : again.error!.errnoName) + (again.ok ? "" : again.error!.code == ECHILD ? " (ECHILD)" : ""));

// dup and dup2 share the open description; closing one leaves the other open.
const q = Process.pipe(O_NONBLOCK).unwrap();
const d = Process.dup(q.writer.fd).unwrap();
println("dup gave " + d.toString());
println("dup2 onto 20: " + Process.dup2(q.writer.fd, 20).unwrap().toString());
q.writer.close();
new Socket(20).writeString("via 20\n");
new Socket(d).close();
new Socket(20).close();
const got = q.reader.read(buf).unwrap();
println("read through the dups: " + String.UTF8.decode(buf.buffer.slice(0, got)).trimEnd());
const eof = q.reader.read(buf);
println("after every writer closed: " + (eof.ok ? "eof " + eof.unwrap().toString() : eof.error!.errnoName));
const empty = Process.pipe(O_NONBLOCK).unwrap();
const wouldBlock = empty.reader.read(buf);
println("empty non-blocking pipe: " + (wouldBlock.ok ? "data?" : wouldBlock.error!.code == EAGAIN ? "EAGAIN" : wouldBlock.error!.errnoName));
println("dup2 of a closed fd: " + (dup2(55, 56) < 0 && errno == EBADF ? "EBADF" : errnoName(errno)));

// kill: a child blocked reading a pipe ends on SIGTERM; kill(pid, 0) of no process: ESRCH.
const k = Process.pipe().unwrap();
const victim = Process.fork().unwrap();
if (victim == 0) {
  k.writer.close();
  k.reader.read(buf);
  exit(0);
}
k.reader.close();
println("kill SIGTERM: " + (Process.kill(victim, SIGTERM).ok ? "ok" : "failed"));
const ks = Process.waitpid(victim).unwrap();
println("killed child: signaled " + (ks.signaled ? "yes" : "no") + ", signal " + ks.signal.toString());
k.writer.close();
const none = Process.kill(99999, 0);
println("kill(99999, 0): " + (none.ok ? "ok" : none.error!.code == ESRCH ? "ESRCH" : none.error!.errnoName));
