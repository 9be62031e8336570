// O_ASYNC on pipe ends: pipe_write signals the read end's owners (POLL_IN)
// and pipe_read the write end's (POLL_OUT), each also when it finds no data
// or no room; closing an end signals the other end's owners. F_SETSIG
// SIGUSR1 gives si_code, si_band and si_fd.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int n;
static volatile int fds[16], codes[16];
static volatile long bands[16];

static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  if (n < 16) {
    fds[n] = si->si_fd;
    codes[n] = si->si_code;
    bands[n] = si->si_band;
  }
  n++;
}

static int rd, wr;

static void show(const char *what) {
  printf("%s: %d signal(s)", what, n);
  for (int i = 0; i < n && i < 16; i++) printf(" [%s code=%d band=%#lx]", fds[i] == rd ? "rd" : fds[i] == wr ? "wr" : "?", codes[i], bands[i]);
  printf("\n");
  n = 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  int p[2];
  pipe(p);
  rd = p[0];
  wr = p[1];
  for (int i = 0; i < 2; i++) {
    fcntl(p[i], F_SETOWN, getpid());
    fcntl(p[i], F_SETSIG, SIGUSR1);
    fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_ASYNC | O_NONBLOCK);
  }
  printf("F_GETFL has O_ASYNC: %d\n", (fcntl(rd, F_GETFL) & O_ASYNC) != 0);
  write(wr, "ab", 2);
  show("write 2 bytes");
  char b[8];
  read(rd, b, 1);
  show("read 1 byte");
  read(rd, b, 8);
  show("read the rest");
  errno = 0;
  int r = read(rd, b, 8);
  printf("empty read: %d %s\n", r, strerror(errno));
  show("empty read");
  static char big[65536];
  r = write(wr, big, sizeof big);
  show("fill");
  errno = 0;
  r = write(wr, "x", 1);
  printf("full write: %d %s\n", r, strerror(errno));
  show("full write");
  // O_ASYNC off on the read end: only the write end hears now.
  fcntl(rd, F_SETFL, fcntl(rd, F_GETFL) & ~O_ASYNC);
  read(rd, b, 8);
  show("read with the reader's O_ASYNC off");
  fcntl(rd, F_SETFL, fcntl(rd, F_GETFL) | O_ASYNC);
  show("O_ASYNC on again");
  close(wr);
  show("close the write end");
  return 0;
}
