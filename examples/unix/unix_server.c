/* An AF_UNIX stream server: binds a path in the filesystem (it appears as a
 * socket file), serves COUNT clients by upper-casing what they send, then
 * removes the path. usage: unix_server PATH COUNT */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PATH COUNT\n", argv[0]); return 2; }
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  struct stat st;
  if (stat(argv[1], &st) == 0) printf("%s is a %s\n", argv[1], S_ISSOCK(st.st_mode) ? "socket" : "file");
  listen(l, 4);
  for (int n = atoi(argv[2]); n > 0; n--) {
    int c = accept(l, NULL, NULL);
    char buf[256];
    ssize_t k = read(c, buf, sizeof buf);
    for (ssize_t i = 0; i < k; i++) buf[i] = (char)toupper((unsigned char)buf[i]);
    if (k > 0) write(c, buf, (size_t)k);
    close(c);
  }
  close(l);
  unlink(argv[1]);
  printf("done, %s removed\n", argv[1]);
  return 0;
}
