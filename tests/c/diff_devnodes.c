/* Device files by path as Linux has them (tests/strace-diff.test.ts, tests/devnodes.test.ts): /dev/null, zero,
 * full, random, urandom, tty; /dev/stdin, /dev/stdout, /dev/fd/N; stat of each; poll, select and epoll on them;
 * lseek; getdents of /dev; what a program may not do in /dev. Prints what both sides must agree on (never the
 * random bytes themselves). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void res(const char *what, long r) {
  printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static void show(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) {
    printf("stat %s: %s\n", path, strerror(errno));
    return;
  }
  printf("stat %s: mode %07o rdev %u:%u size %ld nlink %ld\n", path, (unsigned)st.st_mode, (unsigned)(st.st_rdev >> 8) & 0xfff,
         (unsigned)(st.st_rdev & 0xff), (long)st.st_size, (long)st.st_nlink);
}

static int zeros(const unsigned char *b, int n) {
  for (int i = 0; i < n; i++)
    if (b[i]) return 0;
  return 1;
}

int main(void) {
  unsigned char buf[64];
  /* No controlling terminal on either side: /dev/tty is ENXIO. */
  setsid();

  int null = open("/dev/null", O_RDWR);
  res("open /dev/null", null >= 0 ? 0 : -1);
  res("write null", write(null, "gone", 4));
  res("read null", read(null, buf, sizeof buf));
  res("lseek null", lseek(null, 100, SEEK_SET));
  res("lseek null end", lseek(null, 0, SEEK_END));
  struct stat st;
  if (fstat(null, &st) == 0)
    printf("fstat null: mode %07o rdev %u:%u chr %d\n", (unsigned)st.st_mode, (unsigned)(st.st_rdev >> 8), (unsigned)(st.st_rdev & 0xff),
           S_ISCHR(st.st_mode));

  /* Not a terminal (wasi-libc's isatty asks for a character device without seek rights). */
  printf("isatty null: %d\n", isatty(null));
  int zero = open("/dev/zero", O_RDONLY);
  memset(buf, 0x55, sizeof buf);
  res("read zero", read(zero, buf, sizeof buf));
  printf("zero all zeros: %d\n", zeros(buf, sizeof buf));
  res("write zero (read-only fd)", write(zero, "x", 1));
  res("lseek zero", lseek(zero, 10, SEEK_CUR));

  int full = open("/dev/full", O_RDWR);
  res("write full", write(full, "x", 1));
  res("write full empty", write(full, "", 0));
  memset(buf, 0x55, sizeof buf);
  res("read full", read(full, buf, 16));
  printf("full all zeros: %d\n", zeros(buf, 16));

  int ur = open("/dev/urandom", O_RDONLY);
  res("read urandom", read(ur, buf, sizeof buf));
  printf("urandom all zeros: %d\n", zeros(buf, sizeof buf));
  int rnd = open("/dev/random", O_RDONLY | O_NONBLOCK);
  res("read random", read(rnd, buf, 16));

  int tty = open("/dev/tty", O_RDWR);
  res("open /dev/tty", tty);

  show("/dev/null");
  show("/dev/zero");
  show("/dev/full");
  show("/dev/random");
  show("/dev/urandom");
  show("/dev/tty");

  /* Always ready. */
  struct pollfd pfd[3] = {{null, POLLIN | POLLOUT, 0}, {zero, POLLIN, 0}, {full, POLLOUT, 0}};
  res("poll", poll(pfd, 3, 1000));
  printf("revents %#x %#x %#x\n", pfd[0].revents, pfd[1].revents, pfd[2].revents);
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(null, &r);
  FD_SET(ur, &r);
  FD_SET(full, &w);
  struct timeval tv = {1, 0};
  res("select", select(full + 1, &r, &w, NULL, &tv));
  /* null, zero and full have no poll operation: epoll refuses them. */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN};
  res("epoll_ctl null", epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev));
  res("epoll_ctl zero", epoll_ctl(ep, EPOLL_CTL_ADD, zero, &ev));
  res("epoll_ctl random", epoll_ctl(ep, EPOLL_CTL_ADD, rnd, &ev));
  res("epoll_ctl urandom", epoll_ctl(ep, EPOLL_CTL_ADD, ur, &ev));
  res("epoll_ctl full", epoll_ctl(ep, EPOLL_CTL_ADD, full, &ev));
  res("epoll_wait", epoll_wait(ep, &ev, 1, 0));
  close(ep);

  /* /dev/fd/N and /dev/stdout: the fd's file. */
  int p[2];
  pipe(p);
  char path[32];
  snprintf(path, sizeof path, "/dev/fd/%d", p[1]);
  int w2 = open(path, O_WRONLY);
  res("open /dev/fd/pipe", w2 >= 0 ? 0 : -1);
  res("write via /dev/fd", write(w2, "hi", 2));
  res("read pipe", read(p[0], buf, sizeof buf));
  close(w2);
  res("open /dev/fd/99", open("/dev/fd/99", O_RDONLY));
  int s = socket(AF_INET, SOCK_STREAM, 0);
  snprintf(path, sizeof path, "/dev/fd/%d", s);
  res("open /dev/fd/socket", open(path, O_RDWR));
  close(s);
  char link[64];
  ssize_t n = readlink("/dev/stdin", link, sizeof link - 1);
  if (n >= 0) link[n] = 0;
  printf("readlink /dev/stdin: %s\n", n >= 0 ? link : strerror(errno));
  n = readlink("/dev/stderr", link, sizeof link - 1);
  if (n >= 0) link[n] = 0;
  printf("readlink /dev/stderr: %s\n", n >= 0 ? link : strerror(errno));
  struct stat ls;
  res("lstat /dev/stdout", lstat("/dev/stdout", &ls));
  printf("is link: %d\n", S_ISLNK(ls.st_mode));

  /* getdents: the devices are there, as character devices. */
  DIR *d = opendir("/dev");
  struct dirent *e;
  int seen = 0;
  while (d && (e = readdir(d)))
    if (!strcmp(e->d_name, "null") || !strcmp(e->d_name, "zero") || !strcmp(e->d_name, "full") || !strcmp(e->d_name, "urandom") ||
        !strcmp(e->d_name, "random") || !strcmp(e->d_name, "tty"))
      seen += e->d_type == DT_CHR;
  if (d) closedir(d);
  printf("devices listed: %d\n", seen);
  /* /dev/fd: the process's fds (the directory's own among them), as links; natively the machine may add fds it leaks. */
  d = opendir("/dev/fd");
  int own[] = {0, 1, 2, null, zero, full, ur, rnd, p[0], p[1], d ? dirfd(d) : -1}, found = 0, links = 0;
  while (d && (e = readdir(d))) {
    for (unsigned i = 0; i < sizeof own / sizeof own[0]; i++)
      if (e->d_name[0] != '.' && atoi(e->d_name) == own[i]) found++;
    links += e->d_type == DT_LNK;
  }
  printf("/dev/fd: %d of %d fds listed, all links %d\n", found, (int)(sizeof own / sizeof own[0]), links >= found);
  if (d) closedir(d);

  /* O_CREAT|O_EXCL on an existing device; O_DIRECTORY; O_TRUNC is ignored. */
  res("O_EXCL /dev/null", open("/dev/null", O_CREAT | O_EXCL | O_WRONLY, 0666));
  res("O_DIRECTORY /dev/null", open("/dev/null", O_RDONLY | O_DIRECTORY));
  int t = open("/dev/null", O_WRONLY | O_TRUNC);
  res("O_TRUNC /dev/null", t >= 0 ? 0 : -1);
  close(t);

  /* A device is no program: EACCES, as Linux's may_open for exec. */
  char *argv[] = {"x", NULL};
  res("execv /dev/null", execv("/dev/null", argv));
  res("execv /dev/urandom", execv("/dev/urandom", argv));

  close(null);
  close(zero);
  close(full);
  close(ur);
  close(rnd);
  return 0;
}
