/* socklab guest SDK: <sys/msg.h>, System V message queues (docs/abi.md).
 * struct msqid_ds is wasm32's (80 bytes); a message is { long mtype; char mtext[]; }
 * with a 32-bit long. */
#ifndef _SOCKLAB_SYS_MSG_H
#define _SOCKLAB_SYS_MSG_H
#include <sys/ipc.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long msgqnum_t;
typedef unsigned long msglen_t;

struct msqid_ds {
  struct ipc_perm msg_perm;
  time_t msg_stime;
  time_t msg_rtime;
  time_t msg_ctime;
  unsigned long __msg_cbytes;
  msgqnum_t msg_qnum;
  msglen_t msg_qbytes;
  pid_t msg_lspid;
  pid_t msg_lrpid;
  unsigned long __unused;
};
#define msg_cbytes __msg_cbytes

#define MSG_NOERROR 010000
#ifdef _GNU_SOURCE
#define MSG_EXCEPT 020000
#define MSG_COPY 040000
struct msgbuf {
  long mtype;
  char mtext[1];
};
#endif
#define MSG_STAT 11
#define MSG_INFO 12

int msgget(key_t key, int flags);
int msgsnd(int id, const void *msgp, size_t size, int flags);
ssize_t msgrcv(int id, void *msgp, size_t size, long type, int flags);
int msgctl(int id, int cmd, struct msqid_ds *buf);

#ifdef __cplusplus
}
#endif
#endif
