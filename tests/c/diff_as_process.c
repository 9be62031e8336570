#define _GNU_SOURCE
/* The C twin of guest/as/tests/process.ts (tests/as-process.test.ts): the
 * same calls in the same order, so the native gcc build's output is what
 * the AssemblyScript program must print under socklab. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2];
  pipe(p);
  printf("pipe fds %d %d\n", p[0], p[1]);
  int shared = 10;
  pid_t me = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    shared = 20;
    close(p[0]);
    char line[128];
    int n = snprintf(line, sizeof line, "child %s shared=%d\n", getppid() == me ? "of the forker" : "of someone else", shared);
    write(p[1], line, (size_t)n);
    close(p[1]);
    exit(7);
  }
  close(p[1]);
  char text[256] = "", buf[128];
  ssize_t n;
  size_t len = 0;
  while ((n = read(p[0], buf, sizeof buf)) > 0) {
    memcpy(text + len, buf, (size_t)n);
    len += (size_t)n;
  }
  close(p[0]);
  while (len && text[len - 1] == '\n') len--;
  text[len] = 0;
  printf("parent read: %s\n", text);
  printf("parent shared=%d\n", shared);
  int st;
  pid_t got = waitpid(pid, &st, 0);
  printf("waitpid: same pid %s, exited %s, code %d, signaled %s\n", got == pid ? "yes" : "no", WIFEXITED(st) ? "yes" : "no", WEXITSTATUS(st), WIFSIGNALED(st) ? "yes" : "no");
  if (waitpid(-1, &st, WNOHANG) < 0) printf("waitpid again: ECHILD%s\n", errno == ECHILD ? " (ECHILD)" : "");
  else printf("waitpid again: ok\n");

  int q[2];
  pipe2(q, O_NONBLOCK);
  int d = dup(q[1]);
  printf("dup gave %d\n", d);
  printf("dup2 onto 20: %d\n", dup2(q[1], 20));
  close(q[1]);
  write(20, "via 20\n", 7);
  close(d);
  close(20);
  n = read(q[0], buf, sizeof buf);
  buf[n > 0 && buf[n - 1] == '\n' ? n - 1 : n] = 0;
  printf("read through the dups: %s\n", buf);
  n = read(q[0], buf, sizeof buf);
  if (n >= 0) printf("after every writer closed: eof %zd\n", n);
  else printf("after every writer closed: %s\n", strerror(errno));
  int e[2];
  pipe2(e, O_NONBLOCK);
  n = read(e[0], buf, sizeof buf);
  printf("empty non-blocking pipe: %s\n", n < 0 && errno == EAGAIN ? "EAGAIN" : "data?");
  printf("dup2 of a closed fd: %s\n", dup2(55, 56) < 0 && errno == EBADF ? "EBADF" : strerror(errno));

  int k[2];
  pipe(k);
  pid_t victim = fork();
  if (victim == 0) {
    close(k[1]);
    read(k[0], buf, sizeof buf);
    exit(0);
  }
  close(k[0]);
  printf("kill SIGTERM: %s\n", kill(victim, SIGTERM) == 0 ? "ok" : "failed");
  waitpid(victim, &st, 0);
  printf("killed child: signaled %s, signal %d\n", WIFSIGNALED(st) ? "yes" : "no", WTERMSIG(st));
  close(k[1]);
  int kr = kill(99999, 0);
  printf("kill(99999, 0): %s\n", kr == 0 ? "ok" : errno == ESRCH ? "ESRCH" : strerror(errno));
  return 0;
}
