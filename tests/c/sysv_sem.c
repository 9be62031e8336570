/* System V semaphores (APUE 15.8): a parent and two forked workers share a
 * mutex and a counter; SEM_UNDO given back at exit, IPC_NOWAIT's EAGAIN,
 * semtimedop's timeout, ERANGE past SEMVMX, semctl's commands with the
 * caller's union semun, and the errors Linux gives (EEXIST, ENOENT, EINVAL,
 * EFBIG, EIDRM for a waiter when the set is removed).
 * tests/strace-diff.test.ts compares the trace with strace's. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; };

static void show(const char *what, long r) {
  if (r < 0) printf("%s -1 %s\n", what, strerror(errno));
  else printf("%s %ld\n", what, r);
  fflush(stdout);
}

static int op(int s, unsigned short num, short delta, short flg) {
  struct sembuf b = {num, delta, flg};
  return semop(s, &b, 1);
}

int main(void) {
  /* A key of this run's own directory: natively, another run of this program at the same time (two test files) has another. */
  key_t key = ftok(".", 'S');
  show("semget ENOENT", semget(key, 1, 0600));
  show("semget nsems 0", semget(IPC_PRIVATE, 0, 0600));
  int s = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
  show("semget", s >= 0 ? 0 : -1);
  int k = semget(key, 1, IPC_CREAT | 0600);
  show("semget key", k >= 0 ? 0 : -1);
  show("semget EEXIST", semget(key, 1, IPC_CREAT | IPC_EXCL | 0600));
  show("semget too many", semget(key, 2, 0600));

  union semun arg;
  unsigned short vals[3] = {1, 0, 5};
  arg.array = vals;
  show("setall", semctl(s, 0, SETALL, arg));
  memset(vals, 0, sizeof vals);
  show("getall", semctl(s, 0, GETALL, arg));
  printf("vals %d %d %d\n", vals[0], vals[1], vals[2]);
  arg.val = 32768;
  show("setval ERANGE", semctl(s, 1, SETVAL, arg));
  arg.val = 32767;
  show("setval max", semctl(s, 1, SETVAL, arg));
  show("op ERANGE", op(s, 1, 1, 0));
  arg.val = 0;
  show("setval 0", semctl(s, 1, SETVAL, arg));
  show("getval bad num", semctl(s, 3, GETVAL));
  show("op EFBIG", op(s, 3, 1, 0));
  show("op nowait", op(s, 1, -1, IPC_NOWAIT));
  struct timespec ts = {0, 20000000};
  struct sembuf w = {1, -1, 0};
  show("timedop", semtimedop(s, &w, 1, &ts));
  struct sembuf two[2] = {{2, -2, 0}, {2, -3, 0}};
  show("two ops", semop(s, two, 2));
  show("getval 2", semctl(s, 2, GETVAL));
  show("zero wait nowait", op(s, 0, 0, IPC_NOWAIT));

  struct semid_ds ds;
  arg.buf = &ds;
  show("stat", semctl(s, 0, IPC_STAT, arg));
  printf("nsems %lu mode %o\n", (unsigned long)ds.sem_nsems, (unsigned)ds.sem_perm.mode);
  ds.sem_perm.mode = 0660;
  show("set", semctl(s, 0, IPC_SET, arg));

  /* Two workers: each takes the mutex (sem 0) with SEM_UNDO, posts sem 1 and exits holding it;
     the undo gives it back. The parent waits for both posts. */
  /* SIGCHLD blocked: a traced process's wait in semop ends with EINTR at any signal stop (ptrace), even an ignored one. */
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  pid_t kids[2];
  for (int i = 0; i < 2; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      show("child lock", op(s, 0, -1, SEM_UNDO));
      show("child post", op(s, 1, 1, 0));
      _exit(0);
    }
  }
  show("wait posts", op(s, 1, -2, 0));
  for (int i = 0; i < 2; i++) waitpid(kids[i], NULL, 0);
  show("mutex back", semctl(s, 0, GETVAL));
  show("getncnt", semctl(s, 0, GETNCNT));
  show("getzcnt", semctl(s, 0, GETZCNT));

  /* A waiter on sem 1 when the set is removed: EIDRM. The parent sees it wait (GETNCNT). */
  pid_t w2 = fork();
  if (w2 == 0) {
    show("child wait", op(s, 1, -1, 0));
    _exit(0);
  }
  /* GETNCNT says when it waits; the sleep only spares the CPU between looks. */
  while (semctl(s, 1, GETNCNT) != 1) usleep(1000);
  show("getpid is parent", semctl(s, 1, GETPID) == getpid());
  show("rmid", semctl(s, 0, IPC_RMID));
  waitpid(w2, NULL, 0);
  show("rmid again", semctl(s, 0, IPC_RMID));
  show("op removed", op(s, 0, 1, 0));
  show("rmid key", semctl(k, 0, IPC_RMID));
  return 0;
}
