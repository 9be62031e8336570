/* A course program (newcomer5's): four forked workers add to a counter in a
 * MAP_SHARED region under a POSIX semaphore there (sem_init pshared 1). gcc on
 * Linux prints "counter = 4000"; so must socklab (differential.test.ts). */
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
  sem_t lock;
  int counter;
};

int main(void) {
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return perror("mmap"), 1;
  if (sem_init(&sh->lock, 1, 1) < 0) return perror("sem_init"), 1;
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      for (int k = 0; k < 1000; k++) {
        sem_wait(&sh->lock);
        int v = sh->counter;
        if (k % 100 == 0) usleep(1); /* a blocking call inside the lock: another worker runs and must wait */
        sh->counter = v + 1;
        sem_post(&sh->lock);
      }
      _exit(0);
    }
  while (wait(NULL) > 0) {
  }
  printf("counter = %d\n", sh->counter);
  return 0;
}
