/* System V message queues (APUE 15.7): a parent and a forked child talk
 * through two queues, the order set by the messages themselves; msgrcv's
 * selection by type (0, >0, <0, MSG_EXCEPT), MSG_NOERROR, E2BIG, IPC_NOWAIT,
 * a sender blocked on a full queue (msg_qbytes lowered by IPC_SET), msgctl's
 * IPC_STAT/IPC_SET/IPC_RMID, and the errors Linux gives (EEXIST, ENOENT,
 * EINVAL, EIDRM). tests/strace-diff.test.ts compares the trace with strace's. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

struct m { long mtype; char mtext[64]; };

static void show(const char *what, long r) {
  if (r < 0) printf("%s -1 %s\n", what, strerror(errno));
  else printf("%s %ld\n", what, r);
  fflush(stdout);
}

static long put(int q, long type, const char *text, int flags) {
  struct m b;
  b.mtype = type;
  strcpy(b.mtext, text);
  return msgsnd(q, &b, strlen(text) + 1, flags);
}

static long get(int q, long type, size_t size, int flags, char *out) {
  struct m b;
  memset(&b, 0, sizeof b);
  long n = msgrcv(q, &b, size, type, flags);
  if (n >= 0 && out) sprintf(out, "%ld:%.*s", b.mtype, (int)n, b.mtext);
  return n;
}

int main(void) {
  char got[128];
  /* A key of this run's own directory: natively, another run of this program at the same time (two test files) has another. */
  key_t key = ftok(".", 'M');
  show("msgget ENOENT", msgget(key, 0600));
  int q = msgget(key, IPC_CREAT | 0600);
  show("msgget create", q >= 0 ? 0 : -1);
  show("msgget again", msgget(key, 0600) == q ? 0 : -1);
  show("msgget EEXIST", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
  int r = msgget(IPC_PRIVATE, 0600);
  show("msgget private", r >= 0 ? 0 : -1);

  struct msqid_ds ds;
  show("stat", msgctl(q, IPC_STAT, &ds));
  printf("qbytes %lu qnum %lu mode %o stime %ld\n", (unsigned long)ds.msg_qbytes, (unsigned long)ds.msg_qnum, (unsigned)ds.msg_perm.mode, (long)ds.msg_stime);

  /* Errors of msgsnd and msgrcv. */
  show("msgsnd mtype 0", put(q, 0, "x", 0));
  struct m big = {1, ""};
  show("msgsnd too big", msgsnd(q, &big, 8193, 0));
  show("msgsnd bad id", put(0x7fffffff, 1, "x", 0));
  show("msgrcv empty nowait", get(q, 0, 64, IPC_NOWAIT, NULL));

  /* Selection by type. */
  put(q, 3, "three", 0);
  put(q, 1, "one", 0);
  put(q, 2, "two", 0);
  put(q, 5, "five-is-long", 0);
  show("stat", msgctl(q, IPC_STAT, &ds));
  printf("qnum %lu cbytes %lu\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes);
  show("msgrcv E2BIG", get(q, 5, 4, 0, NULL));
  show("msgrcv NOERROR", get(q, 5, 4, MSG_NOERROR, got)); puts(got);
  show("msgrcv type 2", get(q, 2, 64, 0, got)); puts(got);
  show("msgrcv type <=3", get(q, -3, 64, 0, got)); puts(got);
  show("msgrcv except 1", get(q, 1, 64, MSG_EXCEPT | IPC_NOWAIT, got)); puts(got);
  put(q, 4, "four", 0);
  show("msgrcv any", get(q, 0, 64, 0, got)); puts(got);
  show("msgrcv none left", get(q, 7, 64, IPC_NOWAIT, NULL));

  /* A small queue: the third 8-byte message waits for room. */
  show("stat", msgctl(q, IPC_STAT, &ds));
  ds.msg_qbytes = 16;
  ds.msg_perm.mode = 0640;
  show("set", msgctl(q, IPC_SET, &ds));
  show("stat", msgctl(q, IPC_STAT, &ds));
  printf("qbytes %lu mode %o\n", (unsigned long)ds.msg_qbytes, (unsigned)ds.msg_perm.mode);
  show("full nowait", (put(q, 1, "abcdefg", 0), put(q, 1, "hijklmn", 0), put(q, 1, "opqrstu", IPC_NOWAIT)));

  pid_t pid = fork();
  if (pid == 0) {
    /* The child: waits for the parent's "go" (type 9) on the private queue, then drains the small one. */
    show("child go", get(r, 9, 64, 0, got)); puts(got);
    for (int i = 0; i < 3; i++) { show("child drain", get(q, 0, 64, 0, got)); puts(got); }
    show("child reply", put(r, 10, "done", 0));
    _exit(0);
  }
  show("go", put(r, 9, "go", 0));
  /* Blocks until the child took one: the queue holds 16 bytes. */
  show("third", put(q, 1, "opqrstu", 0));
  show("reply", get(r, 10, 64, 0, got)); puts(got);
  int st;
  waitpid(pid, &st, 0);
  show("stat", msgctl(q, IPC_STAT, &ds));
  printf("qnum %lu lspid-is-parent %d lrpid-is-child %d\n", (unsigned long)ds.msg_qnum, ds.msg_lspid == getpid(), ds.msg_lrpid == pid);

  show("rmid", msgctl(q, IPC_RMID, NULL));
  show("rmid again", msgctl(q, IPC_RMID, NULL));
  show("msgsnd removed", put(q, 1, "x", 0));
  show("msgctl bad cmd", msgctl(r, 12345, &ds));
  show("rmid private", msgctl(r, IPC_RMID, NULL));
  return 0;
}
