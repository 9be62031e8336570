/* UNP vol. 2 ch. 12 (incr1, incr2, incr3, incr_dev_zero, incr_map_anon): a parent and a forked child each add 1
 * to a counter NLOOP times under a semaphore. incr1: the counter is the process's own memory, so each ends with
 * NLOOP (fork copies it); incr2: a file mapped MAP_SHARED, a named semaphore; incr3: the file mapped, a
 * memory-based semaphore (sem_init, pshared 1) beside the counter; then the same over /dev/zero and over
 * MAP_ANON. The book prints each step (parent and child interleave in the machine's order); here each process
 * counts its own steps and the parent prints the shared total. Compared with gcc (tests/unpv2.test.ts). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define NLOOP 500
struct shared { sem_t mutex; int count; };

static int add(sem_t *mutex, int *count) {
  int seen = 0;
  for (int i = 0; i < NLOOP; i++) {
    sem_wait(mutex);
    int v = (*count)++;
    if (v >= 0) seen++;
    if (i % 50 == 0) sched_yield(); /* let the other process in while holding the lock */
    sem_post(mutex);
  }
  return seen;
}

/* Parent and child both run add(); the parent reports the total it then reads. */
static void both(const char *what, sem_t *mutex, int *count) {
  pid_t pid = fork();
  if (pid == 0) _exit(add(mutex, count) == NLOOP ? 0 : 1);
  int mine = add(mutex, count);
  int status;
  waitpid(pid, &status, 0);
  printf("%s: parent %d, child exit %d, count %d\n", what, mine, WEXITSTATUS(status), *count);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (chdir(tmp_dir()) < 0) { perror("chdir"); return 1; }
  char name[64];
  snprintf(name, sizeof name, "/unp2.incr.%d", (int)getpid());

  /* incr1: a global counter: not shared. */
  static int count1;
  sem_t *mutex = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
  if (mutex == SEM_FAILED) { perror("sem_open"); return 1; }
  both("incr1 (private)", mutex, &count1);

  /* incr2: a file of one int mapped shared; the named semaphore. */
  int fd = open("unp2_incr.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  int zero = 0;
  write(fd, &zero, sizeof zero);
  int *ptr = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  both("incr2 (file, sem_open)", mutex, ptr);
  sem_close(mutex);
  sem_unlink(name);
  munmap(ptr, sizeof(int));
  fd = open("unp2_incr.dat", O_RDONLY);
  int infile = -1;
  read(fd, &infile, sizeof infile);
  close(fd);
  printf("incr2: the file holds %d\n", infile);

  /* incr3: the file holds the semaphore and the counter. */
  fd = open("unp2_incr.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct shared zs;
  memset(&zs, 0, sizeof zs);
  write(fd, &zs, sizeof zs);
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  sem_init(&sh->mutex, 1, 1);
  both("incr3 (file, sem_init)", &sh->mutex, &sh->count);
  munmap(sh, sizeof *sh);
  unlink("unp2_incr.dat");

  /* incr_dev_zero */
  fd = open("/dev/zero", O_RDWR);
  sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  printf("dev/zero starts at %d\n", sh->count);
  sem_init(&sh->mutex, 1, 1);
  both("incr_dev_zero", &sh->mutex, &sh->count);
  munmap(sh, sizeof *sh);

  /* incr_map_anon */
  sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
  printf("MAP_ANON starts at %d\n", sh->count);
  sem_init(&sh->mutex, 1, 1);
  both("incr_map_anon", &sh->mutex, &sh->count);
  /* MAP_PRIVATE|MAP_ANON: fork copies it, nothing shared. */
  sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
  sem_init(&sh->mutex, 0, 1);
  both("MAP_PRIVATE (not shared)", &sh->mutex, &sh->count);
  return 0;
}
