/* A client of inetd_server: sends two lines, half-closes, prints the reply.
 * usage: inetd_client HOST PORT WORD */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
  if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) { fprintf(stderr, "getaddrinfo failed\n"); return 1; }
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0) { perror("connect"); return 1; }
  char msg[128];
  int n = snprintf(msg, sizeof msg, "hello %s\nbye %s\n", argv[3], argv[3]);
  write(s, msg, (size_t)n);
  shutdown(s, SHUT_WR);
  char buf[256];
  size_t got = 0;
  ssize_t r;
  while ((r = read(s, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)r;
  buf[got] = 0;
  printf("%s", buf);
  return 0;
}
