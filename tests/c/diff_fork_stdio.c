/* APUE 8.3 (Figure 8.1): stdio's buffer is copied by fork(). Written to a
 * pipe or a file, stdout is fully buffered (glibc decides so at its first
 * use), so the line printed before fork() is still in the buffer and comes
 * out twice, once per process; write() is not buffered and comes out once,
 * first. On a terminal the line would be flushed at its newline, once. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int globvar = 6;
char buf[] = "a write to stdout\n";

int main(void) {
  int var = 88;
  if (write(STDOUT_FILENO, buf, sizeof buf - 1) != sizeof buf - 1) perror("write");
  printf("before fork\n");
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    globvar++;
    var++;
  } else {
    waitpid(pid, NULL, 0); /* the book sleeps 2 s: waiting orders the two the same way */
  }
  printf("%s: glob = %d, var = %d\n", pid == 0 ? "child" : "parent", globvar, var);
  exit(0);
}
