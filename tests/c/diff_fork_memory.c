// fork copies memory: the child's changes to a global, the heap and the
// stack stay in the child; the parent collects its exit status.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

int counter = 1;

int main(void) {
  char local[32] = "parent";
  char *heap = malloc(32);
  strcpy(heap, "heap-parent");
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 1; }
  if (pid == 0) {
    counter = 42;
    strcpy(local, "child");
    strcpy(heap, "heap-child");
    printf("child: counter=%d local=%s heap=%s ppid_is_parent=%d\n", counter, local, heap, getppid() > 0);
    exit(7);
  }
  int status = 0;
  pid_t got = waitpid(pid, &status, 0);
  printf("parent: waited=%d exited=%d code=%d\n", got == pid, WIFEXITED(status), WEXITSTATUS(status));
  printf("parent: counter=%d local=%s heap=%s\n", counter, local, heap);
  errno = 0;
  int again = waitpid(pid, &status, 0);
  printf("parent: again=%d errno_echild=%d\n", again, errno == ECHILD);
  return 0;
}
