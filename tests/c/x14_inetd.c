/* UNP 13.5/13.6's inetd, two services: a TCP "nowait" one (accept, fork,
 * dup2 the connection onto 0, 1 and 2, exec) and a UDP "wait" one (fork,
 * dup2 the datagram socket itself onto 0-2, exec; the socket leaves the
 * select set until that child exits, as inetd's wait flag does). Ends once
 * NTCP connections and NUDP wait-children were served and reaped.
 * usage: x14_inetd TCPPORT UDPPORT SVCDIR NTCP NUDP  (SVCDIR/tcpsvc, SVCDIR/udpsvc) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld;
static void on_chld(int sig) { (void)sig; chld = 1; }

static int bound(int type, int port) {
  int fd = socket(AF_INET, type, 0), one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || (type == SOCK_STREAM && listen(fd, 8) < 0)) { perror("bind"); exit(1); }
  return fd;
}

static pid_t spawn(int fd, int other, const char *prog) {
  pid_t pid = fork();
  if (pid == 0) {
    close(other);
    for (int i = 0; i < 3; i++) dup2(fd, i);
    if (fd > 2) close(fd);
    signal(SIGCHLD, SIG_DFL);
    execl(prog, strrchr(prog, '/') + 1, (char *)0);
    _exit(127);
  }
  return pid;
}

int main(int argc, char *argv[]) {
  if (argc < 6) { fprintf(stderr, "usage: x14_inetd TCPPORT UDPPORT SVCDIR NTCP NUDP\n"); return 2; }
  char tcpsvc[512], udpsvc[512];
  snprintf(tcpsvc, sizeof tcpsvc, "%s/tcpsvc", argv[3]);
  snprintf(udpsvc, sizeof udpsvc, "%s/udpsvc", argv[3]);
  int ntcp = atoi(argv[4]), nudp = atoi(argv[5]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sigaction(SIGCHLD, &sa, NULL);
  int t = bound(SOCK_STREAM, atoi(argv[1])), u = bound(SOCK_DGRAM, atoi(argv[2]));
  printf("inetd: listening\n");
  fflush(stdout);
  int accepted = 0, udpstarted = 0, reaped = 0, tcpdone = 0, udpdone = 0;
  pid_t udpchild = -1;
  while (tcpdone < ntcp || udpdone < nudp) {
    if (chld) {
      chld = 0;
      int status;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        reaped++;
        if (pid == udpchild) { udpchild = -1; udpdone++; }
        else tcpdone++;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) printf("inetd: a service failed: %#x\n", status);
      }
      continue;
    }
    fd_set rs;
    FD_ZERO(&rs);
    if (accepted < ntcp) FD_SET(t, &rs);
    if (udpchild < 0 && udpstarted < nudp) FD_SET(u, &rs);
    if (select((t > u ? t : u) + 1, &rs, NULL, NULL, NULL) < 0) {
      if (errno == EINTR) continue;
      perror("select");
      return 1;
    }
    if (FD_ISSET(t, &rs)) {
      int c = accept(t, NULL, NULL);
      if (c < 0) { if (errno == EINTR) continue; perror("accept"); return 1; }
      spawn(c, -1, tcpsvc);
      close(c);
      accepted++;
    }
    if (FD_ISSET(u, &rs)) { udpchild = spawn(u, t, udpsvc); udpstarted++; }
  }
  printf("inetd: %d tcp, %d udp served; %d reaped\n", tcpdone, udpdone, reaped);
  return 0;
}
