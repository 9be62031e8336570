/* TLPI (Kerrisk, The Linux Programming Interface): t_select, poll_pipes, demo_sigio, epoll_input, self_pipe (63.2-63.5), re-typed from the book's
 * logic with the parts of its library it uses, from tests/c/tlpi/ (shared by the tl_*.c programs). Run by tests/tlpi.test.ts. */
#define _GNU_SOURCE
#include "tlpi/tlpi_hdr.h"
#include "test_tmp.h"
#include "tlpi/error_functions.h"
#include "tlpi/get_num.h"
#include "tlpi/pair_driver.h"
/* ---- Chapter 63's alternative I/O models: t_select.c (63.2.1), poll_pipes.c (63.2.2),
 * demo_sigio.c (63.3: signal-driven I/O, on a pipe here as the book's terminal is not one a test
 * has), epoll_input.c (63.4.3: on pipes, named by /dev/fd/N as there are no FIFOs to open),
 * self_pipe.c (63.5.2: select and a signal, the self-pipe trick). Each runs in a child of its own
 * with the pipes the driver made as the book's descriptors. ---- */

static void usageError(const char *progName) {
  fprintf(stderr, "Usage: %s {timeout|-} fd-num[rw]...\n", progName);
  fprintf(stderr, "    - means infinite timeout; \n");
  fprintf(stderr, "    r = monitor for read\n");
  fprintf(stderr, "    w = monitor for write\n\n");
  fprintf(stderr, "    e.g.: %s - 0rw 1w\n", progName);
  exit(EXIT_FAILURE);
}

static int t_select(int argc, char *argv[]) {
  fd_set readfds, writefds;
  int ready, nfds, fd, numRead, j;
  struct timeval timeout;
  struct timeval *pto;
  char buf[10];
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageError(argv[0]);
  if (strcmp(argv[1], "-") == 0) {
    pto = NULL;
  } else {
    pto = &timeout;
    timeout.tv_sec = getLong(argv[1], 0, "timeout");
    timeout.tv_usec = 0;
  }
  nfds = 0;
  FD_ZERO(&readfds);
  FD_ZERO(&writefds);
  for (j = 2; j < argc; j++) {
    numRead = sscanf(argv[j], "%d%2[rw]", &fd, buf);
    if (numRead != 2) usageError(argv[0]);
    if (fd >= FD_SETSIZE) fatal("file descriptor exceeds limit (%d)\n", FD_SETSIZE);
    if (fd >= nfds) nfds = fd + 1;
    if (strchr(buf, 'r') != NULL) FD_SET(fd, &readfds);
    if (strchr(buf, 'w') != NULL) FD_SET(fd, &writefds);
  }
  ready = select(nfds, &readfds, &writefds, NULL, pto);
  if (ready == -1) errExit("select");
  printf("ready = %d\n", ready);
  for (fd = 0; fd < nfds; fd++)
    printf("%d: %s%s\n", fd, FD_ISSET(fd, &readfds) ? "r" : "", FD_ISSET(fd, &writefds) ? "w" : "");
  if (pto != NULL) printf("timeout after select(): %ld.%03ld\n", (long)timeout.tv_sec, (long)timeout.tv_usec / 1000);
  exit(EXIT_SUCCESS);
}

/* The book seeds random() with the time: a fixed generator here, as glibc's random() and the SDK's
 * differ for one seed, and a test needs the same pipes chosen on both sides. */
static unsigned long rndState = 1;
static long tlpi_random(void) {
  rndState = rndState * 1103515245 + 12345;
  return (long)((rndState / 65536) % 32768);
}

static int poll_pipes(int argc, char *argv[]) {
  int numPipes, j, ready, randPipe, numWrites;
  int(*pfds)[2];
  struct pollfd *pollFd;
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s num-pipes [num-writes]\n", argv[0]);
  numPipes = getInt(argv[1], GN_GT_0, "num-pipes");
  pfds = calloc(numPipes, sizeof(int[2]));
  if (pfds == NULL) errExit("calloc");
  pollFd = calloc(numPipes, sizeof(struct pollfd));
  if (pollFd == NULL) errExit("calloc");
  for (j = 0; j < numPipes; j++)
    if (pipe(pfds[j]) == -1) errExit("pipe %d", j);
  numWrites = (argc > 2) ? getInt(argv[2], GN_GT_0, "num-writes") : 1;
  for (j = 0; j < numWrites; j++) {
    randPipe = tlpi_random() % numPipes;
    printf("Writing to fd: %3d (read fd: %3d)\n", pfds[randPipe][1], pfds[randPipe][0]);
    if (write(pfds[randPipe][1], "a", 1) == -1) errExit("write %d", pfds[randPipe][1]);
  }
  for (j = 0; j < numPipes; j++) {
    pollFd[j].fd = pfds[j][0];
    pollFd[j].events = POLLIN;
  }
  ready = poll(pollFd, numPipes, 0);
  if (ready == -1) errExit("poll");
  printf("poll() returned: %d\n", ready);
  for (j = 0; j < numPipes; j++)
    if (pollFd[j].revents & POLLIN) printf("Readable: %3d\n", pollFd[j].fd);
  exit(EXIT_SUCCESS);
}

/* A child that does what the book's user does at this point (types, or presses Control-C): FN. */
static void meanwhile(void (*fn)(pid_t)) {
  pid_t me = getpid();
  fflush(stdout);
  switch (fork()) {
  case -1: errExit("fork");
  case 0: fn(me); _exit(EXIT_SUCCESS);
  default: break;
  }
}

static volatile sig_atomic_t gotSigio = 0;
static void sigioHandler(int sig) { gotSigio = 1; }
static int typistFd = -1; /* the pipe's write end, demo_sigio's "keyboard" */
static void typist(pid_t reader) {
  /* Two bursts: the reader sees one SIGIO or two, and reads the same characters either way. */
  write(typistFd, "ab", 2);
  write(typistFd, "c#", 2);
}

static int demo_sigio(int argc, char *argv[]) {
  int flags, j, cnt;
  char ch;
  struct sigaction sa;
  bool done;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sa.sa_handler = sigioHandler;
  if (sigaction(SIGIO, &sa, NULL) == -1) errExit("sigaction");
  if (fcntl(STDIN_FILENO, F_SETOWN, getpid()) == -1) errExit("fcntl(F_SETOWN)");
  flags = fcntl(STDIN_FILENO, F_GETFL);
  if (fcntl(STDIN_FILENO, F_SETFL, flags | O_ASYNC | O_NONBLOCK) == -1) errExit("fcntl(F_SETFL)");
  /* The book puts the terminal in cbreak mode here; stdin is a pipe, whose writer starts now. */
  meanwhile(typist);
  close(typistFd);
  for (done = false, cnt = 0; !done; cnt++) {
    for (j = 0; j < 100000000; j++) continue; /* Slow main loop down a little */
    if (gotSigio) {
      gotSigio = 0;
      while (read(STDIN_FILENO, &ch, 1) > 0 && !done) {
        printf("cnt=%d; read %c\n", cnt, ch);
        done = ch == '#';
      }
    }
  }
  exit(EXIT_SUCCESS);
}

#define MAX_BUF 1000
#define MAX_EVENTS 5
static int epoll_input(int argc, char *argv[]) {
  int epfd, ready, fd, s, j, numOpenFds;
  struct epoll_event ev;
  struct epoll_event evlist[MAX_EVENTS];
  char buf[MAX_BUF];
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s file...\n", argv[0]);
  epfd = epoll_create(argc - 1);
  if (epfd == -1) errExit("epoll_create");
  for (j = 1; j < argc; j++) {
    fd = open(argv[j], O_RDONLY);
    if (fd == -1) errExit("open");
    printf("Opened \"%s\" on fd %d\n", argv[j], fd);
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == -1) errExit("epoll_ctl");
  }
  numOpenFds = argc - 1;
  while (numOpenFds > 0) {
    printf("About to epoll_wait()\n");
    ready = epoll_wait(epfd, evlist, MAX_EVENTS, -1);
    if (ready == -1) {
      if (errno == EINTR) continue;
      else errExit("epoll_wait");
    }
    printf("Ready: %d\n", ready);
    for (j = 0; j < ready; j++) {
      printf("  fd=%d; events: %s%s%s\n", evlist[j].data.fd, (evlist[j].events & EPOLLIN) ? "EPOLLIN " : "",
             (evlist[j].events & EPOLLHUP) ? "EPOLLHUP " : "", (evlist[j].events & EPOLLERR) ? "EPOLLERR " : "");
      if (evlist[j].events & EPOLLIN) {
        s = read(evlist[j].data.fd, buf, MAX_BUF);
        if (s == -1) errExit("read");
        printf("    read %d bytes: %.*s\n", s, s, buf);
      } else if (evlist[j].events & (EPOLLHUP | EPOLLERR)) {
        printf("    closing fd %d\n", evlist[j].data.fd);
        if (close(evlist[j].data.fd) == -1) errExit("close");
        numOpenFds--;
      }
    }
  }
  printf("All file descriptors closed; bye\n");
  exit(EXIT_SUCCESS);
}

static int pfd[2]; /* File descriptors for pipe */
static void handler(int sig) {
  int savedErrno;
  savedErrno = errno;
  if (write(pfd[1], "x", 1) == -1 && errno != EAGAIN) errExit("write");
  errno = savedErrno;
}
static void controlC(pid_t target) { kill(target, SIGINT); }

static int self_pipe(int argc, char *argv[]) {
  fd_set readfds;
  int ready, nfds, flags;
  struct timeval timeout;
  struct timeval *pto;
  struct sigaction sa;
  char ch;
  int fd, j;
  if (argc < 2 || strcmp(argv[1], "--help") == 0) usageErr("%s {timeout|-} fd...\n\t\t('-' means infinite timeout)\n", argv[0]);
  if (strcmp(argv[1], "-") == 0) {
    pto = NULL;
  } else {
    pto = &timeout;
    timeout.tv_sec = getLong(argv[1], 0, "timeout");
    timeout.tv_usec = 0;
  }
  nfds = 0;
  FD_ZERO(&readfds);
  for (j = 2; j < argc; j++) {
    fd = getInt(argv[j], 0, "fd");
    if (fd >= FD_SETSIZE) fatal("file descriptor exceeds limit (%d)\n", FD_SETSIZE);
    if (fd >= nfds) nfds = fd + 1;
    FD_SET(fd, &readfds);
  }
  if (pipe(pfd) == -1) errExit("pipe");
  FD_SET(pfd[0], &readfds);
  nfds = max(nfds, pfd[0] + 1);
  flags = fcntl(pfd[0], F_GETFL);
  if (flags == -1) errExit("fcntl-F_GETFL");
  flags |= O_NONBLOCK;
  if (fcntl(pfd[0], F_SETFL, flags) == -1) errExit("fcntl-F_SETFL");
  flags = fcntl(pfd[1], F_GETFL);
  if (flags == -1) errExit("fcntl-F_GETFL");
  flags |= O_NONBLOCK;
  if (fcntl(pfd[1], F_SETFL, flags) == -1) errExit("fcntl-F_SETFL");
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sa.sa_handler = handler;
  if (sigaction(SIGINT, &sa, NULL) == -1) errExit("sigaction");
  meanwhile(controlC); /* the book's user presses Control-C: before select or during it */
  while ((ready = select(nfds, &readfds, NULL, NULL, pto)) == -1 && errno == EINTR)
    continue;
  if (ready == -1) errExit("select");
  if (FD_ISSET(pfd[0], &readfds)) {
    printf("A signal was caught\n");
    for (;;) {
      if (read(pfd[0], &ch, 1) == -1) {
        if (errno == EAGAIN) break;
        else errExit("read");
      }
    }
  }
  printf("ready = %d\n", ready);
  for (j = 2; j < argc; j++) {
    fd = getInt(argv[j], 0, "fd");
    printf("%d: %s\n", fd, FD_ISSET(fd, &readfds) ? "r" : "");
  }
  printf("%d: %s   (read end of pipe)\n", pfd[0], FD_ISSET(pfd[0], &readfds) ? "r" : "");
  if (pto != NULL) printf("timeout after select(): %ld.%03ld\n", (long)timeout.tv_sec, (long)timeout.tv_usec / 1000);
  exit(EXIT_SUCCESS);
}

#define RUN(fn, ...)                                                   \
  do {                                                                 \
    char *a_[] = {#fn, __VA_ARGS__, NULL};                             \
    int n_ = sizeof a_ / sizeof a_[0] - 1;                             \
    printf("== %s", #fn);                                              \
    for (int i_ = 1; i_ < n_; i_++) printf(" %s", a_[i_]);            \
    printf(" ==\n");                                                   \
    reportStatus(#fn, runClient(fn, n_, a_));                          \
  } while (0)

int main(void) {
  int a[2], b[2], c[2], d[2], in[2];
  char regular[100];
  setvbuf(stdout, NULL, _IOLBF, 0);
  dup2(STDOUT_FILENO, STDERR_FILENO); /* one stream, so errors come where they happen */
  if (pipe(a) == -1 || pipe(b) == -1) errExit("pipe"); /* 3,4 and 5,6 */
  if (write(a[1], "z", 1) != 1) errExit("write");       /* a is readable, b is not */
  RUN(t_select, "-", "3r", "5r", "6w");
  RUN(t_select, "0", "3rw", "5r");
  RUN(t_select, "1", "5r");
  RUN(t_select, "0", "9r");
  RUN(t_select, "x");
  RUN(poll_pipes, "10", "3");
  RUN(poll_pipes, "4", "20");
  RUN(poll_pipes, "0");
  RUN(self_pipe, "-", "5");
  RUN(self_pipe, "-", "5", "6");
  /* epoll_input on two pipes whose writers wrote and closed: data, then end of file (EPOLLHUP). */
  if (pipe(c) == -1 || pipe(d) == -1) errExit("pipe"); /* 7,8 and 9,10 */
  write(c[1], "first pipe", 10);
  write(d[1], "second", 6);
  close(c[1]);
  close(d[1]);
  RUN(epoll_input, "/dev/fd/7", "/dev/fd/9");
  close(c[0]);
  close(d[0]);
  tmp_path(regular, sizeof regular, "epoll_regular");
  FILE *f = fopen(regular, "w");
  if (f == NULL) errExit("fopen");
  fclose(f);
  RUN(epoll_input, regular); /* a regular file: epoll_ctl fails with EPERM */
  remove(regular);
  /* demo_sigio with stdin a pipe that a child of its own writes. */
  if (pipe(in) == -1) errExit("pipe");
  int saved = dup(STDIN_FILENO);
  dup2(in[0], STDIN_FILENO);
  close(in[0]);
  typistFd = in[1];
  RUN(demo_sigio, "--");
  close(in[1]);
  dup2(saved, STDIN_FILENO);
  return 0;
}
