/* System V shared memory (host/kernel/sysvshm.ts): a counter shared by a parent and 3 forked children under a
 * System V semaphore, the errno cases, IPC_STAT's fields, IPC_SET, IPC_RMID while attached. Compared with the gcc
 * build's output (tests/sysvshm.test.ts) and strace (tests/strace-diff.test.ts). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#define ROUNDS 50
/* An id no segment has (a slot's sequence number far from any this machine's namespace has reached). */
#define NO_ID 0x7fff0000

static void err(const char *what, long r) { printf("%s %ld %s\n", what, r, r == -1 ? strerror(errno) : "ok"); }

static void sem(int id, int op) {
  struct sembuf b = {0, (short)op, 0};
  if (semop(id, &b, 1) < 0) perror("semop");
}

struct shared { int counter; char note[60]; };
union semun { int val; struct semid_ds *buf; unsigned short *array; };

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  key_t key = ftok(".", 'h');
  err("shmget size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
  err("shmget huge", shmget(IPC_PRIVATE, (size_t)-1, IPC_CREAT | 0600));
  err("shmget no key", shmget(key, 4096, 0600));
  int id = shmget(key, 4096, IPC_CREAT | 0600);
  printf("created %d\n", id >= 0);
  err("shmget excl", shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
  err("shmget bigger", shmget(key, 8192, 0600));
  printf("same id %d\n", shmget(key, 100, 0) == id);

  struct shmid_ds ds;
  err("shmctl stat", shmctl(id, IPC_STAT, &ds));
  printf("segsz %lu nattch %lu mode %o key %d cpid %d lpid %d atime %d dtime %d ctime %d\n", (unsigned long)ds.shm_segsz,
         (unsigned long)ds.shm_nattch, ds.shm_perm.mode, ds.shm_perm.__key == key, ds.shm_cpid == getpid(), (int)ds.shm_lpid,
         ds.shm_atime != 0, ds.shm_dtime != 0, ds.shm_ctime != 0);
  err("shmctl bad cmd", shmctl(id, 99, &ds));
  err("shmctl NULL", shmctl(id, IPC_STAT, NULL));
  err("shmctl bad id", shmctl(NO_ID, IPC_STAT, &ds));

  err("shmat bad id", (long)(intptr_t)shmat(NO_ID, NULL, 0));
  struct shared *s = shmat(id, NULL, 0);
  printf("attached %d aligned %d zero %d\n", s != (void *)-1, ((uintptr_t)s & 4095) == 0, s->counter == 0 && s->note[0] == 0);
  err("shmat unaligned", (long)(intptr_t)shmat(id, (char *)s + 1, 0));
  err("shmat rnd over it", (long)(intptr_t)shmat(id, (char *)s + 1, SHM_RND));
  err("shmat remap NULL", (long)(intptr_t)shmat(id, NULL, SHM_REMAP));
  int local = 0;
  err("shmdt not attached", shmdt(&local));
  err("shmdt inside", shmdt((char *)s + 8));
  shmctl(id, IPC_STAT, &ds);
  printf("nattch %lu lpid %d atime %d\n", (unsigned long)ds.shm_nattch, ds.shm_lpid == getpid(), ds.shm_atime != 0);
  s->counter = 5;
  strcpy(s->note, "from the parent");
  struct shared *r = shmat(id, NULL, SHM_RDONLY);
  printf("read-only attach %d sees %d %s\n", r != (void *)-1 && r != s, r->counter, r->note);
  shmctl(id, IPC_STAT, &ds);
  printf("nattch %lu\n", (unsigned long)ds.shm_nattch);
  err("shmdt read-only", shmdt(r));
  err("shmdt again", shmdt(r));
  shmctl(id, IPC_STAT, &ds);
  printf("nattch %lu dtime %d\n", (unsigned long)ds.shm_nattch, ds.shm_dtime != 0);

  ds.shm_perm.mode = 0640;
  err("shmctl set", shmctl(id, IPC_SET, &ds));
  shmctl(id, IPC_STAT, &ds);
  printf("mode %o\n", ds.shm_perm.mode);

  int sid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  union semun one = {.val = 1};
  semctl(sid, 0, SETVAL, one);
  /* Under strace a child's SIGCHLD stops the parent even though it is ignored, and a semop it was blocked in returns
   * EINTR (ptrace's doing, not Linux's without a tracer): blocked while the children run, it stops nothing. */
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  for (int c = 0; c < 3; c++) {
    pid_t pid = fork();
    if (pid == 0) {
      printf("child %d sees %d %s\n", c, s->counter >= 5, s->note);
      for (int i = 0; i < ROUNDS; i++) {
        sem(sid, -1);
        int v = s->counter;
        if (i % 20 == 0) usleep(1000);
        s->counter = v + 1;
        sem(sid, 1);
      }
      if (c == 0) err("child shmdt", shmdt(s));
      _exit(0);
    }
  }
  for (int i = 0; i < ROUNDS; i++) {
    sem(sid, -1);
    int v = s->counter;
    if (i % 20 == 0) usleep(1000);
    s->counter = v + 1;
    sem(sid, 1);
  }
  for (int c = 0; c < 3; c++) wait(NULL);
  sigprocmask(SIG_UNBLOCK, &chld, NULL);
  printf("counter %d\n", s->counter);
  shmctl(id, IPC_STAT, &ds);
  printf("nattch after children %lu\n", (unsigned long)ds.shm_nattch);

  err("shmctl rmid", shmctl(id, IPC_RMID, NULL));
  err("shmctl stat after rmid", shmctl(id, IPC_STAT, &ds));
  printf("dest %d key %d nattch %lu\n", (ds.shm_perm.mode & SHM_DEST) != 0, ds.shm_perm.__key, (unsigned long)ds.shm_nattch);
  err("shmget removed key", shmget(key, 4096, 0600));
  s->counter++;
  printf("still there %d\n", s->counter);
  err("shmdt last", shmdt(s));
  err("shmctl stat gone", shmctl(id, IPC_STAT, &ds));
  semctl(sid, 0, IPC_RMID);
  return 0;
}
