/* APUE 15.18: a program that drives the add2 coprocess. The book execs "./add2"; here argv[1] is its module file
 * (argv[2], if any, its argument).
 * Not in the book: after stdin's end, the coprocess is closed and waited for, and a write to it then gets
 * SIGPIPE (the book's sig_pipe handler) and EPIPE. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define MAXLINE 4096

static void err_sys(const char *m) { perror(m); exit(1); }

static void sig_pipe(int signo) {
  static const char msg[] = "SIGPIPE caught\n";
  write(STDOUT_FILENO, msg, sizeof msg - 1);
}

int main(int argc, char *argv[]) {
  int n, fd1[2], fd2[2];
  pid_t pid;
  char line[MAXLINE];

  if (signal(SIGPIPE, sig_pipe) == SIG_ERR) err_sys("signal error");
  if (pipe(fd1) < 0 || pipe(fd2) < 0) err_sys("pipe error");

  if ((pid = fork()) < 0) {
    err_sys("fork error");
  } else if (pid > 0) { /* parent */
    close(fd1[0]);
    close(fd2[1]);
    while (fgets(line, MAXLINE, stdin) != NULL) {
      n = strlen(line);
      if (write(fd1[1], line, n) != n) err_sys("write error to pipe");
      if ((n = read(fd2[0], line, MAXLINE)) < 0) err_sys("read error from pipe");
      if (n == 0) { fprintf(stderr, "child closed pipe\n"); break; }
      line[n] = 0; /* null terminate */
      if (fputs(line, stdout) == EOF) err_sys("fputs error");
    }
    if (ferror(stdin)) err_sys("fgets error on stdin");
    fflush(stdout);
    close(fd1[1]);
    int st;
    if (waitpid(pid, &st, 0) != pid) err_sys("waitpid error");
    printf("add2 exited %d; read now %zd\n", WEXITSTATUS(st), read(fd2[0], line, MAXLINE));
    fflush(stdout);
    /* A pipe whose reader is gone: a fresh one, its read end closed. */
    int p[2];
    if (pipe(p) < 0) err_sys("pipe error");
    close(p[0]);
    errno = 0;
    ssize_t w = write(p[1], "1 2\n", 4);
    printf("write with no reader: %zd %s\n", w, strerror(errno));
    exit(0);
  } else { /* child */
    close(fd1[1]);
    close(fd2[0]);
    if (fd1[0] != STDIN_FILENO) {
      if (dup2(fd1[0], STDIN_FILENO) != STDIN_FILENO) err_sys("dup2 error to stdin");
      close(fd1[0]);
    }
    if (fd2[1] != STDOUT_FILENO) {
      if (dup2(fd2[1], STDOUT_FILENO) != STDOUT_FILENO) err_sys("dup2 error to stdout");
      close(fd2[1]);
    }
    if (execl(argv[1], "add2", argv[2], (char *)0) < 0) err_sys("execl error");
  }
  exit(0);
}
