/* APUE 15.6: copy a file to a pager program through a pipe. The book execs $PAGER or /bin/more; socklab has no
 * shell and no /bin/more, so the pager is a module file: argv[2] (x15ipc_more, built for each side). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define MAXLINE 4096

static void err_sys(const char *m) { perror(m); exit(1); }
static void err_quit(const char *m) { fprintf(stderr, "%s\n", m); exit(1); }

int main(int argc, char *argv[]) {
  int n, fd[2];
  pid_t pid;
  char *pager, *argv0;
  char line[MAXLINE];
  FILE *fp;

  if (argc != 3) err_quit("usage: x15ipc_pager <pathname> <pager>");
  if ((fp = fopen(argv[1], "r")) == NULL) err_sys("can't open file");
  if (pipe(fd) < 0) err_sys("pipe error");

  if ((pid = fork()) < 0) {
    err_sys("fork error");
  } else if (pid > 0) { /* parent */
    close(fd[0]);       /* close read end */
    /* parent copies argv[1] to pipe */
    while (fgets(line, MAXLINE, fp) != NULL) {
      n = strlen(line);
      if (write(fd[1], line, n) != n) err_sys("write error to pipe");
    }
    if (ferror(fp)) err_sys("fgets error");
    close(fd[1]); /* close write end of pipe for reader */
    if (waitpid(pid, NULL, 0) < 0) err_sys("waitpid error");
    exit(0);
  } else { /* child */
    close(fd[1]); /* close write end */
    if (fd[0] != STDIN_FILENO) {
      if (dup2(fd[0], STDIN_FILENO) != STDIN_FILENO) err_sys("dup2 error to stdin");
      close(fd[0]); /* don't need this after dup2 */
    }
    pager = argv[2];
    if ((argv0 = strrchr(pager, '/')) != NULL)
      argv0++; /* step past rightmost slash */
    else
      argv0 = pager; /* no slash in pager */
    if (execl(pager, argv0, (char *)0) < 0) err_sys("execl error");
  }
  exit(0);
}
