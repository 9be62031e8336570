/* UNP vol. 2 ch. 4.3 (mainpipe.c, client.c, server.c): a file server over two pipes, the client the parent and
 * the server a forked child. The client writes a pathname to pipe 1; the server opens the file and sends its
 * contents back over pipe 2, or an error message; the client copies what it reads to stdout until EOF.
 * Compared with the gcc build (tests/unpv2.test.ts). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define MAXLINE 4096

static void server(int readfd, int writefd) {
  char buff[MAXLINE + 1];
  ssize_t n = read(readfd, buff, MAXLINE);
  if (n <= 0) { fprintf(stderr, "server: end-of-file while reading pathname\n"); exit(1); }
  buff[n] = '\0';
  int fd = open(buff, O_RDONLY);
  if (fd < 0) {
    /* The book's message: tell the client the error through the pipe. */
    snprintf(buff + n, sizeof(buff) - n, ": can't open, %s\n", strerror(errno));
    n = strlen(buff);
    write(writefd, buff, n);
  } else {
    while ((n = read(fd, buff, MAXLINE)) > 0) write(writefd, buff, n);
    close(fd);
  }
}

static void client(const char *path, int readfd, int writefd) {
  char buff[MAXLINE];
  size_t len = strlen(path);
  write(writefd, path, len);
  ssize_t n;
  while ((n = read(readfd, buff, MAXLINE)) > 0) write(STDOUT_FILENO, buff, n);
}

static void one(const char *path) {
  int pipe1[2], pipe2[2];
  if (pipe(pipe1) < 0 || pipe(pipe2) < 0) { perror("pipe"); exit(1); }
  pid_t childpid = fork();
  if (childpid == 0) { /* child: the server */
    close(pipe1[1]);
    close(pipe2[0]);
    server(pipe1[0], pipe2[1]);
    exit(0);
  }
  close(pipe1[0]);
  close(pipe2[1]);
  client(path, pipe2[0], pipe1[1]);
  int status;
  pid_t w = waitpid(childpid, &status, 0);
  printf("-- waitpid %s, exit %d\n", w == childpid ? "ok" : "wrong pid", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  fflush(stdout);
  close(pipe1[1]);
  close(pipe2[0]);
}

int main(void) {
  if (chdir(tmp_dir()) < 0) { perror("chdir"); return 1; }
  FILE *f = fopen("unp2_pipe.txt", "w");
  for (int i = 1; i <= 300; i++) fprintf(f, "line %d of the file the server sends\n", i);
  fclose(f);
  one("unp2_pipe.txt");
  one("no_such_file");
  unlink("unp2_pipe.txt");
  return 0;
}
