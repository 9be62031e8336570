/* APUE 15.7: TELL_WAIT, TELL_PARENT, WAIT_PARENT, TELL_CHILD, WAIT_CHILD with two pipes, used by Figure 8.13's
 * race-free charatatime program, each way round (the parent first, then the child first). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static int pfd1[2], pfd2[2];

static void err_sys(const char *m) { perror(m); exit(1); }
static void err_quit(const char *m) { fprintf(stderr, "%s\n", m); exit(1); }

void TELL_WAIT(void) {
  if (pipe(pfd1) < 0 || pipe(pfd2) < 0) err_sys("pipe error");
}
void TELL_PARENT(pid_t pid) {
  if (write(pfd2[1], "c", 1) != 1) err_sys("write error");
}
void WAIT_PARENT(void) {
  char c;
  if (read(pfd1[0], &c, 1) != 1) err_sys("read error");
  if (c != 'p') err_quit("WAIT_PARENT: incorrect data");
}
void TELL_CHILD(pid_t pid) {
  if (write(pfd1[1], "p", 1) != 1) err_sys("write error");
}
void WAIT_CHILD(void) {
  char c;
  if (read(pfd2[0], &c, 1) != 1) err_sys("read error");
  if (c != 'c') err_quit("WAIT_CHILD: incorrect data");
}

static void charatatime(char *str) {
  char *ptr;
  int c;
  setbuf(stdout, NULL); /* set unbuffered */
  for (ptr = str; (c = *ptr++) != 0;) putc(c, stdout);
}

int main(void) {
  pid_t pid;

  TELL_WAIT();
  if ((pid = fork()) < 0) {
    err_sys("fork error");
  } else if (pid == 0) {
    WAIT_PARENT(); /* parent goes first */
    charatatime("output from child\n");
    TELL_PARENT(getppid()); /* not in 8.13: the second round, child first */
    charatatime("child again, first this time\n");
    TELL_PARENT(getppid());
    exit(0);
  }
  charatatime("output from parent\n");
  TELL_CHILD(pid);
  WAIT_CHILD();
  WAIT_CHILD();
  charatatime("parent again, after the child\n");
  /* After the child's exit, reading its pipe gives EOF: WAIT_CHILD would fail. */
  char c;
  int st;
  waitpid(pid, &st, 0);
  close(pfd2[1]);
  printf("read after the child exited: %zd\n", read(pfd2[0], &c, 1));
  exit(0);
}
