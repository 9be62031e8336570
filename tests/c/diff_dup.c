/* dup, dup2, dup3 and fcntl as on Linux: fd numbers printed raw (the first
 * fd a program opens is 3, the lowest free number is always used), a shared
 * offset and O_NONBLOCK after dup, FD_CLOEXEC per fd, dup2 onto a used fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test_tmp.h"

static const char *err(void) {
  return errno == EBADF ? "EBADF" : errno == EINVAL ? "EINVAL" : errno == EMFILE ? "EMFILE" : "other";
}

int main(void) {
  char pbuf[256];
  const char *path = tmp_path(pbuf, sizeof pbuf, "socklab_diff_dup.txt");
  int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0) return perror("open"), 1;
  printf("open: %d\n", fd);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  printf("socket: %d\n", s);

  int d = dup(fd);
  printf("dup(%d): %d\n", fd, d);
  write(fd, "abc", 3);
  printf("offset through the dup after writing 3: %ld\n", (long)lseek(d, 0, SEEK_CUR));
  lseek(d, 1, SEEK_SET);
  char c = 0;
  read(fd, &c, 1);
  printf("read through the original after seeking the dup to 1: %c\n", c);

  printf("F_GETFD: %d\n", fcntl(fd, F_GETFD));
  int e = dup3(fd, 10, O_CLOEXEC);
  printf("dup3(%d, 10, O_CLOEXEC): %d F_GETFD %d, original still %d\n", fd, e, fcntl(10, F_GETFD), fcntl(fd, F_GETFD));
  fcntl(10, F_SETFD, 0);
  printf("after F_SETFD 0: %d\n", fcntl(10, F_GETFD));
  int f = fcntl(fd, F_DUPFD_CLOEXEC, 20);
  printf("F_DUPFD_CLOEXEC 20: %d F_GETFD %d\n", f, fcntl(f, F_GETFD));
  int g = fcntl(fd, F_DUPFD, 7);
  printf("F_DUPFD 7: %d\n", g);
  int h = fcntl(fd, F_DUPFD, 0);
  printf("F_DUPFD 0: %d (lowest free)\n", h);

  int sd = dup(s);
  fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
  printf("O_NONBLOCK set on %d, seen on its dup %d: %d\n", s, sd, (fcntl(sd, F_GETFL) & O_NONBLOCK) != 0);
  printf("socket access mode O_RDWR: %d\n", (fcntl(s, F_GETFL) & O_ACCMODE) == O_RDWR);

  printf("dup2(%d, %d): %d\n", fd, fd, dup2(fd, fd));
  int r = dup2(99, 5);
  printf("dup2(99, 5): %d %s\n", r, r < 0 ? err() : "");
  r = dup3(fd, fd, 0);
  printf("dup3(%d, %d, 0): %d %s\n", fd, fd, r, r < 0 ? err() : "");
  r = fcntl(99, F_GETFD);
  printf("fcntl(99, F_GETFD): %d %s\n", r, r < 0 ? err() : "");
  r = fcntl(fd, F_DUPFD, -1);
  printf("F_DUPFD -1: %d %s\n", r, r < 0 ? err() : "");

  /* dup2 onto a used fd closes it first: stdout into the file and back. */
  fflush(stdout);
  int saved = dup(1);
  lseek(fd, 0, SEEK_END);
  printf("saved stdout: %d\n", saved);
  fflush(stdout);
  r = dup2(fd, 1);
  write(1, "to the file\n", 12);
  dup2(saved, 1);
  close(saved);
  printf("dup2 onto stdout returned %d\n", r);
  char buf[64] = {0};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  printf("file holds %zd bytes: %s", n, buf);

  /* dup2 onto another used fd: g's old description is released, g now the socket. */
  r = dup2(s, g);
  printf("dup2(%d, %d): %d, offset of %d now %s\n", s, g, r, g, lseek(g, 0, SEEK_CUR) < 0 ? "ESPIPE (a socket)" : "a file's");

  close(3);
  int s2 = socket(AF_INET, SOCK_DGRAM, 0);
  printf("after close(3), socket: %d\n", s2);
  close(s2);
  int fds[2];
  pipe(fds);
  printf("pipe: %d %d\n", fds[0], fds[1]);
  unlink(path);
  return 0;
}
