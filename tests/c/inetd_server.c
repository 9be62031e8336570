/* A super-server as inetd runs one (UNP 13.5, "nowait" stream service): it
 * accepts each connection, forks, makes the connection the child's stdin,
 * stdout and stderr with dup2, closes everything else and execs the service
 * program, which knows nothing of sockets. The parent reaps children from a
 * SIGCHLD handler. usage: inetd_server PORT SERVICE-PATH CONNECTIONS */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int reaped;
static void on_chld(int sig) {
  (void)sig;
  int saved = errno, st;
  while (waitpid(-1, &st, WNOHANG) > 0) reaped++;
  errno = saved;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: inetd_server PORT SERVICE-PATH CONNECTIONS\n"); return 2; }
  int n = atoi(argv[3]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_ANY) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 8) < 0) { perror("listen"); return 1; }
  printf("inetd: listening on %s\n", argv[1]);
  fflush(stdout);
  for (int i = 0; i < n; i++) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    pid_t pid = fork();
    if (pid == 0) {
      close(ls);
      dup2(c, 0);
      dup2(c, 1);
      dup2(c, 2);
      if (c > 2) close(c);
      execl(argv[2], "inetd_service", (char *)NULL);
      _exit(127);
    }
    close(c);
  }
  while (reaped < n) pause();
  printf("inetd: served and reaped %d\n", reaped);
  return 0;
}
