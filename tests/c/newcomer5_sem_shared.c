/* SDK difference (newcomer5): POSIX unnamed semaphores in a MAP_SHARED region
 * shared across fork, as course programs use them. wasi-libc declares
 * <semaphore.h> but nothing defines sem_init/sem_wait/sem_post, so a plain
 * call fails to link ("undefined symbol: sem_init"). Declared weak here so
 * that the program builds and says so: gcc on Linux prints "counter = 4000". */
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern int sem_init(sem_t *, int, unsigned) __attribute__((weak));
extern int sem_wait(sem_t *) __attribute__((weak));
extern int sem_post(sem_t *) __attribute__((weak));

struct shared {
  sem_t lock;
  int counter;
};

int main(void) {
  if (!sem_init) {
    printf("sem_init: not provided by the SDK\n");
    return 1;
  }
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return perror("mmap"), 1;
  if (sem_init(&sh->lock, 1, 1) < 0) return perror("sem_init"), 1;
  for (int i = 0; i < 4; i++)
    if (fork() == 0) {
      for (int k = 0; k < 1000; k++) {
        sem_wait(&sh->lock);
        sh->counter++;
        sem_post(&sh->lock);
      }
      _exit(0);
    }
  while (wait(NULL) > 0) {
  }
  printf("counter = %d\n", sh->counter);
  return 0;
}
