/* A child stores into MAP_SHARED|MAP_ANONYMOUS memory, then execs (the mapping goes with its old image, its
 * store stays in the region); the parent sees the store (tests/mman.test.ts). argv[1]: this program's path;
 * run with "exec" as argv[1], it is the exec'd image and only prints. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "exec")) {
    printf("exec'd image runs\n");
    return 0;
  }
  volatile int *n = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *n = 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    *n = 5;
    execl(argv[1], argv[1], "exec", (char *)NULL);
    perror("execl");
    _exit(1);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child status %d, counter %d\n", WEXITSTATUS(st), *n);
  *n = 9;
  printf("parent store: %d\n", *n);
  return 0;
}
