// Interrupted socket calls (signal(7)): alarm() interrupts a blocked
// recvfrom with EINTR when the handler was installed without SA_RESTART;
// signal() (SA_RESTART) restarts it, and the restarted call receives the
// datagram the handler itself sent; with SO_RCVTIMEO set the call fails with
// EINTR even under SA_RESTART. setitimer's periodic SIGALRM is counted, and
// getitimer/alarm report the time left.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int alarms;
static int sock;
static struct sockaddr_in self;

static void on_alarm(int sig) { (void)sig; alarms++; }
static void send_self(int sig) {
  (void)sig;
  alarms++;
  sendto(sock, "from handler", 12, 0, (struct sockaddr *)&self, sizeof self);
}

static const char *err(void) { return errno == EINTR ? "EINTR" : errno == EAGAIN ? "EAGAIN" : strerror(errno); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sock = socket(AF_INET, SOCK_DGRAM, 0);
  memset(&self, 0, sizeof self);
  self.sin_family = AF_INET;
  self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(sock, (struct sockaddr *)&self, sizeof self);
  socklen_t sl = sizeof self;
  getsockname(sock, (struct sockaddr *)&self, &sl);
  char buf[64];

  // 1. sigaction without SA_RESTART: EINTR.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  ssize_t n = recvfrom(sock, buf, sizeof buf, 0, NULL, NULL);
  printf("no SA_RESTART: recvfrom=%zd errno=%s alarms=%d\n", n, err(), alarms);

  // 2. signal() is BSD-style: SA_RESTART, the call restarts and gets the handler's datagram.
  signal(SIGALRM, send_self);
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_value.tv_usec = 100000;
  setitimer(ITIMER_REAL, &it, NULL);
  n = recvfrom(sock, buf, sizeof buf - 1, 0, NULL, NULL);
  buf[n > 0 ? n : 0] = 0;
  printf("SA_RESTART: recvfrom=%zd '%s' alarms=%d\n", n, buf, alarms);

  // 3. SO_RCVTIMEO: never restarted, EINTR even with SA_RESTART.
  signal(SIGALRM, on_alarm);
  struct timeval tv = {3, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setitimer(ITIMER_REAL, &it, NULL);
  n = recvfrom(sock, buf, sizeof buf, 0, NULL, NULL);
  printf("SO_RCVTIMEO + SA_RESTART: recvfrom=%zd errno=%s alarms=%d\n", n, err(), alarms);
  // And without a signal it times out with EAGAIN.
  tv.tv_sec = 0;
  tv.tv_usec = 50000;
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  n = recvfrom(sock, buf, sizeof buf, 0, NULL, NULL);
  printf("SO_RCVTIMEO alone: recvfrom=%zd errno=%s\n", n, err());
  tv.tv_usec = 0;
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  // 4. A periodic timer: ticks counted while the process waits in sigsuspend.
  alarms = 0;
  it.it_interval.tv_usec = 20000;
  it.it_value.tv_usec = 20000;
  sigset_t alrm, old, none;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &alrm, &old);
  setitimer(ITIMER_REAL, &it, NULL);
  int wakes = 0;
  while (alarms < 5) {
    sigsuspend(&none);
    wakes++;
  }
  struct itimerval cur;
  getitimer(ITIMER_REAL, &cur);
  printf("ticks=%d wakes=%d interval=%ld.%06ld armed=%d\n", alarms, wakes, (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec,
         cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
  // Stop it; a tick already pending stays pending while blocked.
  memset(&it, 0, sizeof it);
  struct itimerval was;
  setitimer(ITIMER_REAL, &it, &was);
  printf("stopped: old interval=%ld.%06ld\n", (long)was.it_interval.tv_sec, (long)was.it_interval.tv_usec);
  // A tick may have come since the last wake (natively, when this machine is slow): SIG_IGN discards a pending
  // signal, so unblocking delivers nothing either way.
  signal(SIGALRM, SIG_IGN);
  sigprocmask(SIG_SETMASK, &old, NULL);

  // 5. alarm() returns the seconds left of the previous alarm; alarm(0) cancels.
  alarm(10);
  printf("alarm(3) after alarm(10): %u\n", alarm(3));
  printf("alarm(0): %u\n", alarm(0));
  printf("alarm(0) again: %u\n", alarm(0));
  return 0;
}
