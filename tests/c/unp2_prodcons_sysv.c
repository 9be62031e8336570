/* UNP vol. 2 ch. 11 (the ch. 10 producer-consumer with System V semaphores): one set of three (mutex, nempty,
 * nstored), a ring of NBUFF slots in MAP_SHARED|MAP_ANONYMOUS memory, the producer a forked child (socklab has
 * no threads). The key is ftok(".") of the run's own directory. Compared with gcc (tests/unpv2.test.ts). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

#define NBUFF 10
#define NITEMS 200
enum { MUTEX, NEMPTY, NSTORED };
union semun { int val; struct semid_ds *buf; unsigned short *array; };

static int semid;
static void op(int num, int delta) {
  struct sembuf b = {(unsigned short)num, (short)delta, 0};
  if (semop(semid, &b, 1) < 0) { perror("semop"); exit(1); }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int *buff = mmap(NULL, NBUFF * sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (buff == MAP_FAILED) { perror("mmap"); return 1; }
  key_t key = ftok(".", 'p');
  semid = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
  if (semid < 0) { perror("semget"); return 1; }
  unsigned short init[3] = {1, NBUFF, 0};
  union semun arg = {.array = init};
  printf("SETALL %d\n", semctl(semid, 0, SETALL, arg));
  struct semid_ds ds;
  arg.buf = &ds;
  semctl(semid, 0, IPC_STAT, arg);
  printf("nsems %lu mode %o\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777);
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < NITEMS; i++) {
      op(NEMPTY, -1);
      op(MUTEX, -1);
      buff[i % NBUFF] = i;
      op(MUTEX, 1);
      op(NSTORED, 1);
    }
    _exit(0);
  }
  int bad = 0;
  for (int i = 0; i < NITEMS; i++) {
    op(NSTORED, -1);
    op(MUTEX, -1);
    if (buff[i % NBUFF] != i) { printf("buff[%d] = %d\n", i, buff[i % NBUFF]); bad++; }
    op(MUTEX, 1);
    op(NEMPTY, 1);
  }
  int status;
  waitpid(pid, &status, 0);
  unsigned short v[3];
  arg.array = v;
  semctl(semid, 0, GETALL, arg);
  printf("%d items, %d bad, producer exit %d, mutex %d nempty %d nstored %d\n", NITEMS, bad, WEXITSTATUS(status), v[0], v[1], v[2]);
  struct sembuf nowait = {NSTORED, -1, IPC_NOWAIT};
  int r = semop(semid, &nowait, 1);
  printf("nstored 0, IPC_NOWAIT: %d %s\n", r, strerror(errno));
  printf("rmid %d\n", semctl(semid, 0, IPC_RMID));
  r = semget(key, 3, 0);
  printf("gone: %d %s\n", r, strerror(errno));
  return 0;
}
