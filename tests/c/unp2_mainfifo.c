/* UNP vol. 2 ch. 4.6 (mainfifo.c): the ch. 4.3 file server over two FIFOs, the client the parent and the server
 * a forked child. The FIFOs live in the test's temp dir (tmp_dir()), not the book's /tmp/fifo.1, so native runs
 * at once never share them. The parent opens FIFO1 for writing first, the child FIFO1 for reading first: the
 * order that does not deadlock. Compared with the gcc build (tests/unpv2.test.ts). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define MAXLINE 4096
#define FIFO1 "unp2_fifo.1"
#define FIFO2 "unp2_fifo.2"
#define FILE_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)

static void server(int readfd, int writefd) {
  char buff[MAXLINE + 1];
  ssize_t n = read(readfd, buff, MAXLINE);
  if (n <= 0) { fprintf(stderr, "server: end-of-file while reading pathname\n"); exit(1); }
  buff[n] = '\0';
  int fd = open(buff, O_RDONLY);
  if (fd < 0) {
    snprintf(buff + n, sizeof(buff) - n, ": can't open, %s\n", strerror(errno));
    write(writefd, buff, strlen(buff));
  } else {
    while ((n = read(fd, buff, MAXLINE)) > 0) write(writefd, buff, n);
    close(fd);
  }
}

static void client(const char *path, int readfd, int writefd) {
  char buff[MAXLINE];
  write(writefd, path, strlen(path));
  ssize_t n;
  while ((n = read(readfd, buff, MAXLINE)) > 0) write(STDOUT_FILENO, buff, n);
}

static void one(const char *path) {
  if (mkfifo(FIFO1, FILE_MODE) < 0 && errno != EEXIST) { perror("mkfifo 1"); exit(1); }
  if (mkfifo(FIFO2, FILE_MODE) < 0 && errno != EEXIST) { perror("mkfifo 2"); unlink(FIFO1); exit(1); }
  pid_t childpid = fork();
  if (childpid == 0) { /* child: the server */
    int readfd = open(FIFO1, O_RDONLY, 0);
    int writefd = open(FIFO2, O_WRONLY, 0);
    server(readfd, writefd);
    exit(0);
  }
  int writefd = open(FIFO1, O_WRONLY, 0);
  int readfd = open(FIFO2, O_RDONLY, 0);
  client(path, readfd, writefd);
  int status;
  pid_t w = waitpid(childpid, &status, 0);
  printf("-- waitpid %s, exit %d\n", w == childpid ? "ok" : "wrong pid", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  fflush(stdout);
  close(readfd);
  close(writefd);
  struct stat st;
  int isfifo = stat(FIFO1, &st) == 0 && S_ISFIFO(st.st_mode);
  printf("-- %s is a fifo: %d, mode %o\n", FIFO1, isfifo, st.st_mode & 0777);
  int r = mkfifo(FIFO1, FILE_MODE);
  printf("-- mkfifo again: %d %s\n", r, strerror(errno));
  fflush(stdout);
  unlink(FIFO1);
  unlink(FIFO2);
}

int main(void) {
  if (chdir(tmp_dir()) < 0) { perror("chdir"); return 1; }
  umask(022);
  FILE *f = fopen("unp2_fifo.txt", "w");
  for (int i = 1; i <= 2000; i++) fprintf(f, "record %d through the FIFOs\n", i);
  fclose(f);
  one("unp2_fifo.txt");
  one("/nonexistent/file");
  unlink("unp2_fifo.txt");
  return 0;
}
