/* APUE 15.5: send data from parent to child over a pipe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define MAXLINE 4096

static void err_sys(const char *m) { perror(m); exit(1); }

int main(void) {
  int n, fd[2];
  pid_t pid;
  char line[MAXLINE];

  if (pipe(fd) < 0) err_sys("pipe error");
  if ((pid = fork()) < 0) {
    err_sys("fork error");
  } else if (pid > 0) { /* parent */
    close(fd[0]);
    write(fd[1], "hello world\n", 12);
    close(fd[1]); /* not in the book: so the child's second read sees the end */
    /* Not in the book: wait, so the exit status says the child read it. */
    int st;
    if (waitpid(pid, &st, 0) != pid) err_sys("waitpid error");
    printf("parent: child exited %d\n", WEXITSTATUS(st));
  } else { /* child */
    close(fd[1]);
    n = read(fd[0], line, MAXLINE);
    write(STDOUT_FILENO, line, n);
    /* The write end is closed in both processes once the parent's copy goes: EOF after the data. */
    n = read(fd[0], line, MAXLINE);
    printf("child: second read %d\n", n);
    exit(3);
  }
  exit(0);
}
