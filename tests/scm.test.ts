// AF_UNIX ancillary data (issue #16, item 2): descriptors in flight are
// counted and released with the message that carries them, and the trace
// decodes control messages as strace does. The diff_scm_* programs compare
// the rest with native Linux in differential.test.ts.
import { describe, expect, it } from 'vitest';
import { runGuest } from './helpers.js';

describe('SCM_RIGHTS', () => {
  it('releases descriptors in flight when the message is dropped unread', async () => {
    const o = await runGuest('scm_inflight', [], { trace: {} });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(
      [
        'sendmsg = 1',
        'in flight: recv = -1 (EAGAIN: the peer is open)',
        'receiver closed unread: recv = 0 (EOF: the peer closed)',
        'sendmsg = 1',
        'dgram in flight, sender closed: recv = -1 (EAGAIN: the peer is open)',
        'dgram receiver closed: recv = 0 (EOF: the peer closed)',
        '',
      ].join('\n'),
    );
    // As strace -yy prints it (wasm32's struct cmsghdr is 12 bytes: cmsg_len=16, CMSG_SPACE(4)=16).
    expect(o.trace).toMatch(/sendmsg\(3<UNIX-STREAM:\[\d+(?:->\d+)?\]>, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="x", iov_len=1\}\], msg_iovlen=1, msg_control=\[\{cmsg_len=16, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=\[6<UNIX-STREAM:\[\d+(?:->\d+)?\]>\]\}\], msg_controllen=16, msg_flags=0\}, 0\) = 1/);
  });

  it('traces received descriptors, MSG_CTRUNC, SCM_CREDENTIALS and SO_PEERCRED', async () => {
    const o = await runGuest('diff_scm_ctrunc', [], { trace: {} });
    expect(o.status).toBe(0);
    expect(o.trace).toMatch(/recvmsg\(4<UNIX:\[\d+->\d+\]>, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="abc", iov_len=15\}\], msg_iovlen=1, msg_control=\[\{cmsg_len=16, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=\[6<pipe:\[\d+\]>\]\}\], msg_controllen=16, msg_flags=MSG_CTRUNC\}, 0\) = 3/);
    expect(o.trace).toMatch(/msg_controllen=0, msg_flags=MSG_CTRUNC\}, 0\) = 1/);
    expect(o.trace).toMatch(/msg_flags=MSG_CMSG_CLOEXEC\}, MSG_CMSG_CLOEXEC\) = 1/);
    const c = await runGuest('diff_scm_cred', [], { trace: {} });
    expect(c.status).toBe(0);
    expect(c.trace).toMatch(/getsockopt\(3<UNIX-STREAM:\[\d+->\d+\]>, SOL_SOCKET, SO_PEERCRED, \{pid=1, uid=0, gid=0\}, \[12\]\) = 0/);
    expect(c.trace).toMatch(/msg_control=\[\{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, cmsg_data=\{pid=2, uid=0, gid=0\}\}\], msg_controllen=24, msg_flags=0\}, 0\) = 1/);
    expect(c.trace).toMatch(/setsockopt\(4<UNIX-STREAM:\[\d+(?:->\d+)?\]>, SOL_SOCKET, SO_PASSCRED, \[1\], 4\) = 0/);
  });
});
