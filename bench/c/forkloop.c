/* Benchmark guest: N times fork(), the child _exit()s, the parent waitpid()s
 * it (issue #13: fork + exit + waitpid per second, socklab vs native). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  /* Some heap in use, as a real server has: fork copies it. */
  char *heap = malloc(256 * 1024);
  for (int i = 0; i < 256 * 1024; i += 4096) heap[i] = (char)i;
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) _exit(heap[4096] == 0 ? 0 : 3);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "bad child %d\n", i); return 1; }
  }
  free(heap);
  return 0;
}
