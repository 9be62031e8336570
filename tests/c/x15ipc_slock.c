/* APUE 15.35: a mutual-exclusion primitive from a POSIX named semaphore (slock_alloc creates it under a name
 * of the pid's and unlinks it at once), used by forked children around a counter in MAP_SHARED memory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef _POSIX_NAME_MAX
#define _POSIX_NAME_MAX 14
#endif

struct slock {
  sem_t *semp;
  char name[_POSIX_NAME_MAX];
};

struct slock *s_alloc() {
  struct slock *sp;
  static int cnt;

  if ((sp = malloc(sizeof(struct slock))) == NULL) return NULL;
  do {
    snprintf(sp->name, sizeof(sp->name), "/%ld.%d", (long)getpid(), cnt++);
    sp->semp = sem_open(sp->name, O_CREAT | O_EXCL, S_IRWXU, 1);
  } while ((sp->semp == SEM_FAILED) && (errno == EEXIST));
  if (sp->semp == SEM_FAILED) {
    free(sp);
    return NULL;
  }
  sem_unlink(sp->name);
  return sp;
}
void s_free(struct slock *sp) {
  sem_close(sp->semp);
  free(sp);
}
int s_lock(struct slock *sp) { return sem_wait(sp->semp); }
int s_trylock(struct slock *sp) { return sem_trywait(sp->semp); }
int s_unlock(struct slock *sp) { return sem_post(sp->semp); }

#define NCHILD 3
#define NINC 200

int main(void) {
  struct slock *sp = s_alloc();
  if (sp == NULL) { perror("s_alloc"); exit(1); }
  /* The name is gone already: opening it again fails. */
  sem_t *again = sem_open(sp->name, 0);
  printf("sem_open of the unlinked name: %s\n", again == SEM_FAILED ? strerror(errno) : "opened");
  long *counter = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counter == MAP_FAILED) { perror("mmap"); exit(1); }

  if (s_lock(sp) < 0) { perror("s_lock"); exit(1); }
  errno = 0;
  int tr = s_trylock(sp);
  printf("trylock while held: %d %s\n", tr, strerror(errno));
  fflush(stdout);
  for (int c = 0; c < NCHILD; c++) {
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(1); }
    if (pid == 0) {
      for (int i = 0; i < NINC; i++) {
        if (s_lock(sp) < 0) { perror("s_lock"); _exit(1); }
        long v = *counter;
        getppid(); /* a system call between the load and the store: where another process could run */
        *counter = v + 1;
        if (s_unlock(sp) < 0) { perror("s_unlock"); _exit(1); }
      }
      _exit(0);
    }
  }
  /* The children wait for the lock the parent still holds. */
  *counter = 1000;
  if (s_unlock(sp) < 0) { perror("s_unlock"); exit(1); }
  int st, ok = 0;
  while (wait(&st) > 0) ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
  printf("%d children exited 0; counter %ld (expected %d)\n", ok, *counter, 1000 + NCHILD * NINC);
  int val;
  sem_getvalue(sp->semp, &val);
  printf("semaphore value %d\n", val);
  s_free(sp);
  exit(0);
}
