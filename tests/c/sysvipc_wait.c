/* System V IPC waits (tests/sysvipc.test.ts): semop sleepers served in the
 * order they came (Linux's update_queue), a handled signal's EINTR in
 * msgrcv, msgsnd and semop, semtimedop's timeout, EIDRM for a msgrcv and a
 * msgsnd whose queue is removed, SEM_UNDO given back at exit, ftok's key. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; };
struct m { long mtype; char mtext[16]; };

static void on_alarm(int sig) { (void)sig; }
static void show(const char *what, long r) {
  if (r < 0) printf("%s -1 %s\n", what, strerror(errno));
  else printf("%s %ld\n", what, r);
  fflush(stdout);
}
static int op(int s, unsigned short num, short delta, short flg) {
  struct sembuf b = {num, delta, flg};
  return semop(s, &b, 1);
}
/* Until n processes sleep on sem num (the sleep only spares the CPU between looks). */
static void until_waiting(int s, int num, int n) {
  while (semctl(s, num, GETNCNT) != n) usleep(1000);
}

int main(void) {
  struct stat st;
  stat(".", &st);
  key_t k = ftok(".", 'x');
  show("ftok matches", k == (key_t)((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) | ((unsigned)'x' << 24)));
  show("ftok missing", ftok("/no/such/path", 1));

  /* Three sleepers on sem 0, in order; each post wakes the oldest, who reports on sem 1. */
  int s = semget(IPC_PRIVATE, 3, 0600);
  pid_t kids[3];
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      op(s, 0, -1, 0);
      printf("woken %d\n", i);
      fflush(stdout);
      op(s, 1, 1, 0);
      _exit(0);
    }
    until_waiting(s, 0, i + 1);
  }
  for (int i = 0; i < 3; i++) {
    op(s, 0, 1, 0);
    op(s, 1, -1, 0);
  }
  for (int i = 0; i < 3; i++) waitpid(kids[i], NULL, 0);

  /* SEM_UNDO: a child takes 2 and raises sem 2 by 3, then exits: both are undone. */
  union semun a;
  a.val = 5;
  semctl(s, 0, SETVAL, a);
  pid_t c = fork();
  if (c == 0) {
    op(s, 0, -2, SEM_UNDO);
    op(s, 2, 3, SEM_UNDO);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  show("sem 0 after undo", semctl(s, 0, GETVAL));
  show("sem 2 after undo", semctl(s, 2, GETVAL));
  show("sem 0 pid is child's", semctl(s, 0, GETPID) == c);

  /* A handled signal ends the waits with EINTR; a timeout with EAGAIN. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  int q = msgget(IPC_PRIVATE, 0600);
  struct m b = {1, "x"};
  alarm(1);
  show("msgrcv EINTR", msgrcv(q, &b, sizeof b.mtext, 0, 0));
  alarm(1);
  show("semop EINTR", op(s, 1, -1, 0));
  struct timespec ts = {0, 5000000};
  struct sembuf w = {1, -1, 0};
  show("semtimedop EAGAIN", semtimedop(s, &w, 1, &ts));
  struct msqid_ds ds;
  msgctl(q, IPC_STAT, &ds);
  ds.msg_qbytes = 2;
  msgctl(q, IPC_SET, &ds);
  show("fill", msgsnd(q, &b, 2, 0));
  alarm(1);
  show("msgsnd EINTR", msgsnd(q, &b, 2, 0));
  show("still one", msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1);

  /* A child's exit (SIGCHLD, ignored) while msgrcv sleeps: the wait goes on until the other child's message. */
  int q3 = msgget(IPC_PRIVATE, 0600);
  if (fork() == 0) _exit(0);
  if (fork() == 0) {
    usleep(20000);
    msgsnd(q3, &b, 2, 0);
    _exit(0);
  }
  show("msgrcv through SIGCHLD", msgrcv(q3, &b, sizeof b.mtext, 0, 0));
  while (wait(NULL) > 0) ;
  msgctl(q3, IPC_RMID, NULL);

  /* EIDRM: a child asleep in msgsnd on the full queue, another in msgrcv on a second, when both go. */
  int q2 = msgget(IPC_PRIVATE, 0600);
  for (int i = 0; i < 2; i++) {
    if (fork() == 0) {
      op(s, 1, 1, 0);
      if (i == 0) show("child msgsnd", msgsnd(q, &b, 2, 0));
      else show("child msgrcv", msgrcv(q2, &b, sizeof b.mtext, 0, 0));
      _exit(0);
    }
    op(s, 1, -1, 0);
  }
  usleep(20000);
  msgctl(q, IPC_RMID, NULL);
  msgctl(q2, IPC_RMID, NULL);
  while (wait(NULL) > 0) ;
  semctl(s, 0, IPC_RMID);
  return 0;
}
