/* UNP vol. 2 ch. 10.6 (prodcons1) and 10.8 (prodcons2): one producer, one consumer, a ring of NBUFF slots and
 * three POSIX semaphores (mutex, nempty, nstored). socklab has no threads, so the producer is a forked child and
 * the buffer lives in MAP_SHARED|MAP_ANONYMOUS memory: first with memory-based semaphores (sem_init, pshared 1,
 * in the shared memory), then with named ones (sem_open; names carry the pid, /dev/shm being machine-wide).
 * The consumer checks each slot holds its index, as the book's does. Compared with gcc (tests/unpv2.test.ts). */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NBUFF 10
#define NITEMS 200

struct shared { int buff[NBUFF]; sem_t mutex, nempty, nstored; };

static void produce(int *buff, sem_t *mutex, sem_t *nempty, sem_t *nstored) {
  for (int i = 0; i < NITEMS; i++) {
    sem_wait(nempty);
    sem_wait(mutex);
    buff[i % NBUFF] = i;
    sem_post(mutex);
    sem_post(nstored);
  }
}

static int consume(int *buff, sem_t *mutex, sem_t *nempty, sem_t *nstored) {
  int bad = 0;
  for (int i = 0; i < NITEMS; i++) {
    sem_wait(nstored);
    sem_wait(mutex);
    if (buff[i % NBUFF] != i) { printf("buff[%d] = %d\n", i, buff[i % NBUFF]); bad++; }
    sem_post(mutex);
    sem_post(nempty);
  }
  return bad;
}

static void run(const char *what, int *buff, sem_t *mutex, sem_t *nempty, sem_t *nstored) {
  pid_t pid = fork();
  if (pid == 0) { produce(buff, mutex, nempty, nstored); _exit(0); }
  int bad = consume(buff, mutex, nempty, nstored);
  int status;
  waitpid(pid, &status, 0);
  int m, e, s;
  sem_getvalue(mutex, &m);
  sem_getvalue(nempty, &e);
  sem_getvalue(nstored, &s);
  printf("%s: %d items, %d bad, producer exit %d, mutex %d nempty %d nstored %d\n", what, NITEMS, bad, WEXITSTATUS(status), m, e, s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) { perror("mmap"); return 1; }
  sem_init(&sh->mutex, 1, 1);
  sem_init(&sh->nempty, 1, NBUFF);
  sem_init(&sh->nstored, 1, 0);
  run("sem_init", sh->buff, &sh->mutex, &sh->nempty, &sh->nstored);
  sem_destroy(&sh->mutex);
  sem_destroy(&sh->nempty);
  sem_destroy(&sh->nstored);

  char n1[64], n2[64], n3[64];
  snprintf(n1, sizeof n1, "/unp2.mutex.%d", (int)getpid());
  snprintf(n2, sizeof n2, "/unp2.nempty.%d", (int)getpid());
  snprintf(n3, sizeof n3, "/unp2.nstored.%d", (int)getpid());
  sem_t *mutex = sem_open(n1, O_CREAT | O_EXCL, 0600, 1);
  sem_t *nempty = sem_open(n2, O_CREAT | O_EXCL, 0600, NBUFF);
  sem_t *nstored = sem_open(n3, O_CREAT | O_EXCL, 0600, 0);
  if (mutex == SEM_FAILED || nempty == SEM_FAILED || nstored == SEM_FAILED) { perror("sem_open"); return 1; }
  sem_t *again = sem_open(n1, O_CREAT | O_EXCL, 0600, 1);
  printf("sem_open O_EXCL again: %s\n", again == SEM_FAILED ? strerror(errno) : "opened");
  memset(sh->buff, 0xff, sizeof sh->buff);
  run("sem_open", sh->buff, mutex, nempty, nstored);
  sem_close(mutex);
  sem_close(nempty);
  sem_close(nstored);
  printf("unlink %d %d %d\n", sem_unlink(n1), sem_unlink(n2), sem_unlink(n3));
  errno = 0;
  int r = sem_unlink(n1);
  printf("unlink again: %d %s\n", r, strerror(errno));
  return 0;
}
