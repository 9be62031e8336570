/* sendfile(2) against Linux (tests/strace-diff.test.ts, tests/sendfile.test.ts): file to pipe,
 * socket and file, with and without an offset, at EOF, and its errors. Prints what it got. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __wasi__
#define BADP ((void *)(uintptr_t)0xfffffff0u)
#else
#define BADP ((void *)(uintptr_t)1)
#endif

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  int f = open("sf_data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(f, "hello, sendfile world\n", 22) != 22) return 1;
  lseek(f, 0, SEEK_SET);
  int p[2];
  if (pipe(p) != 0) return 1;
  char buf[64];

  /* NULL offset: from the file's offset, which moves. */
  show("null", sendfile(p[1], f, NULL, 5));
  show("lseek after null", lseek(f, 0, SEEK_CUR));
  /* An offset: read there, written back, the file offset stays. */
  off_t off = 7;
  show("offset", sendfile(p[1], f, &off, 8));
  printf("off now %lld, lseek %lld\n", (long long)off, (long long)lseek(f, 0, SEEK_CUR));
  /* Short at the end, 0 past it. */
  off = 18;
  show("short", sendfile(p[1], f, &off, 100));
  off = 100;
  show("past end", sendfile(p[1], f, &off, 10));
  show("count 0", sendfile(p[1], f, NULL, 0));
  ssize_t n = read(p[0], buf, sizeof buf);
  printf("pipe got %zd: %.*s", n, (int)n, buf);
  printf("\n");

  /* File to file (the rest from the file's offset, 5). */
  int g = open("sf_copy.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  show("to file", sendfile(g, f, NULL, 1000));
  close(g);
  /* Errors. */
  off = -1;
  show("negative offset", sendfile(p[1], f, &off, 4));
  show("bad offset pointer", sendfile(p[1], f, BADP, 4));
  show("bad in fd", sendfile(p[1], 99, NULL, 4));
  show("bad out fd", sendfile(99, f, NULL, 4));
  show("in is pipe", sendfile(p[1], p[0], NULL, 4));
  off = 0;
  show("in is pipe, offset", sendfile(p[1], p[0], &off, 4));
  show("out is pipe's read end", sendfile(p[0], f, NULL, 4));
  int ro = open("sf_data.txt", O_RDONLY);
  show("out read-only", sendfile(ro, f, NULL, 4));
  int wo = open("sf_copy.txt", O_WRONLY);
  show("in write-only", sendfile(p[1], wo, NULL, 4));
  int ap = open("sf_copy.txt", O_WRONLY | O_APPEND);
  off = 0;
  show("out O_APPEND", sendfile(ap, f, &off, 4));
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
  show("in is socket", sendfile(sv[0], sv[1], NULL, 4));
  /* To a socket. */
  off = 0;
  show("to socket", sendfile(sv[0], f, &off, 22));
  n = recv(sv[1], buf, sizeof buf, 0);
  printf("socket got %zd: %.*s", n, (int)n, buf);
  /* A peer gone: EPIPE (SIGPIPE ignored). */
  signal(SIGPIPE, SIG_IGN);
  close(sv[1]);
  off = 0;
  show("peer closed", sendfile(sv[0], f, &off, 4));
  /* Non-blocking socket with a full buffer: EAGAIN. */
  int s2[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s2) != 0) return 1;
  fcntl(s2[0], F_SETFL, O_NONBLOCK);
  while (send(s2[0], buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
  off = 0;
  show("full nonblocking", sendfile(s2[0], f, &off, 4));
  /* Directories, an eventfd, devices: Linux's splice rules. A device keeps its position (0) and *offset. */
  mkdir("sf_dir", 0755);
  int d = open("sf_dir", O_RDONLY | O_DIRECTORY);
  off = 0;
  show("in dir", sendfile(p[1], d, NULL, 4));
  show("in dir, offset", sendfile(p[1], d, &off, 4));
  show("out dir", sendfile(d, f, &off, 4));
  int e = eventfd(0, 0);
  show("out eventfd", sendfile(e, f, &off, 8));
  int null = open("/dev/null", O_WRONLY);
  show("out /dev/null", sendfile(null, f, &off, 4));
  const char *devs[] = {"/dev/zero", "/dev/full", "/dev/urandom", "/dev/null"};
  for (int i = 0; i < 4; i++) {
    int z = open(devs[i], O_RDONLY);
    off = 3;
    show(devs[i], sendfile(null, z, &off, 100000));
    printf("offset %lld\n", (long long)off);
    show(devs[i], sendfile(null, z, NULL, 5));
    close(z);
  }
  rmdir("sf_dir");
  unlink("sf_data.txt");
  unlink("sf_copy.txt");
  return 0;
}
