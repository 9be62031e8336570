/* A server that reports on Ctrl-C, as course servers do (UNP 30.11's
 * pr_cpu_time at SIGINT): it waits in accept() on port 7001 (published, so
 * a client could always come), and the handler prints what it did and
 * exits 0. With "ignore" it ignores SIGINT instead, as a program that wants
 * no Ctrl-C does, and goes on waiting. */
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t served = 3;

static void on_int(int sig) {
  (void)sig;
  char line[64];
  int n = snprintf(line, sizeof line, "interrupted after %d requests\n", (int)served);
  write(1, line, n);
  _exit(0);
}

int main(int argc, char **argv) {
  int ignore = argc > 1 && !strcmp(argv[1], "ignore");
  signal(SIGINT, ignore ? SIG_IGN : on_int);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7001)};
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 5)) {
    perror("listen");
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) accept(l, NULL, NULL);
}
