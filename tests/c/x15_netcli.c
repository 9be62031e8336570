/* The client of x15_netd: x15_netcli HOST PORT WORD... one connection per
 * word, one at a time; prints what came back. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: x15_netcli HOST PORT WORD...\n");
    return 2;
  }
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(argv[1], argv[2], &hints, &res) != 0) return 3;
  for (int i = 3; i < argc; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
      perror("connect");
      return 1;
    }
    char line[128];
    int len = snprintf(line, sizeof line, "%s\n", argv[i]);
    write(fd, line, len);
    ssize_t n, got = 0;
    while ((n = read(fd, line + got, sizeof line - 1 - got)) > 0) got += n;
    line[got] = 0;
    printf("netcli: %s", line);
    close(fd);
  }
  freeaddrinfo(res);
  return 0;
}
