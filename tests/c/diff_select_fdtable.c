// select() and the size of the fd array. Linux cuts nfds to fdt->max_fds:
// 64 descriptors at first, the next power of two once a descriptor at or
// past it has been used (never shrunk), and, after fork, what the child's
// open descriptors need. A closed descriptor past that size is neither
// EBADF nor watched, and its bit comes back as the caller set it.
// Each part runs in a child, after closing what this program inherited, so
// the native table does not depend on whoever started it.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static void probe(const char *what, int fd) {
  fd_set r;
  struct timeval zero = {0, 0};
  FD_ZERO(&r);
  FD_SET(fd, &r);
  errno = 0;
  int n = select(fd + 1, &r, NULL, NULL, &zero);
  printf("%s: select fd %d = %d%s%s, bit %s\n", what, fd, n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "", FD_ISSET(fd, &r) ? "kept" : "cleared");
}

static void in_child(void (*part)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    part();
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
}

static void fresh(void) {
  probe("fresh table", 63);
  probe("fresh table", 64);
  probe("fresh table", 99);
  probe("fresh table", 1000);
}

static void grown(void) {
  dup2(1, 64);
  close(64);
  probe("after fd 64", 99);
  probe("after fd 64", 127);
  probe("after fd 64", 128);
  dup2(1, 300);
  close(300);
  probe("after fd 300", 511);
  probe("after fd 300", 512);
  // Nothing above 2 is open now: a child's table is small again.
  in_child(fresh);
}

static void inherited(void) {
  // Open at fork: 70 needs 128 slots in the child, 200 needs 256.
  dup2(1, 70);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    probe("child of a table with fd 70", 99);
    probe("child of a table with fd 70", 128);
    close(70);
    dup2(1, 200);
    fflush(stdout);
    pid_t g = fork();
    if (g == 0) {
      probe("child of a table with fd 200", 255);
      probe("child of a table with fd 200", 256);
      _exit(0);
    }
    waitpid(g, NULL, 0);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // Whatever the parent left open (a shell's fd 255, a test runner's pipes) sizes our children's tables.
  for (int fd = 3; fd < 1024; fd++) close(fd);
  in_child(fresh);
  in_child(grown);
  in_child(inherited);
  // A watched descriptor below the size still works.
  int p[2];
  pipe(p);
  write(p[1], "x", 1);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  FD_SET(900, &r);
  struct timeval zero = {0, 0};
  int n = select(901, &r, NULL, NULL, &zero);
  printf("pipe and fd 900 in a small table: %d, pipe %d, 900 %s\n", n, FD_ISSET(p[0], &r) ? 1 : 0, FD_ISSET(900, &r) ? "kept" : "cleared");
  return 0;
}
