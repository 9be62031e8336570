/* An AF_UNIX stream client: connects to PATH, sends TEXT, prints the reply.
 * A missing path gives ENOENT; a path with no listener, ECONNREFUSED.
 * usage: unix_client PATH TEXT */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PATH TEXT\n", argv[0]); return 2; }
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  write(fd, argv[2], strlen(argv[2]));
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("reply: %s\n", buf);
  close(fd);
  return 0;
}
