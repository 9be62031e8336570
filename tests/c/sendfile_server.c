/* A small file server (TLPI 61.4's way): a forked client connects, the server
 * sends it a file with sendfile(), in a loop as a short count needs, then part
 * of it again from an offset. The file is larger than the socket's buffers, so
 * sendfile blocks until the client reads. tests/sendfile.test.ts runs it on the
 * virtual network and --net=real, and natively. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (600 * 1024)

static unsigned sum(const unsigned char *b, size_t n, unsigned h) {
  for (size_t i = 0; i < n; i++) h = h * 31 + b[i];
  return h;
}

int main(void) {
  static unsigned char data[SIZE];
  for (size_t i = 0; i < SIZE; i++) data[i] = (unsigned char)(i * 7 + i / 251);
  int f = open("sf_served.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (f < 0 || write(f, data, SIZE) != SIZE) return perror("file"), 1;
  lseek(f, 0, SEEK_SET);

  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1) || getsockname(ls, (struct sockaddr *)&a, &al)) return perror("listen"), 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a)) return perror("connect"), 1;
    static unsigned char got[SIZE + 8192];
    size_t n = 0;
    ssize_t r;
    while ((r = read(c, got + n, sizeof got - n)) > 0) n += r;
    unsigned want = sum(data, SIZE, sum(data + 1000, 5000, 0));
    /* The whole file, then its 5000 bytes from offset 1000. */
    unsigned have = n == SIZE + 5000 ? sum(got, SIZE, sum(got + SIZE, 5000, 0)) : 0;
    printf("client: %zu bytes, %s\n", n, have == want ? "content ok" : "content WRONG");
    return 0;
  }
  int s = accept(ls, NULL, NULL);
  off_t left = SIZE;
  int calls = 0;
  while (left > 0) {
    ssize_t r = sendfile(s, f, NULL, left);
    if (r <= 0) return perror("sendfile"), 1;
    left -= r;
    calls++;
  }
  printf("server: file sent, offset now %lld\n", (long long)lseek(f, 0, SEEK_CUR));
  off_t off = 1000;
  ssize_t r = sendfile(s, f, &off, 5000);
  printf("server: %zd from offset 1000, offset now %lld, file offset %lld\n", r, (long long)off, (long long)lseek(f, 0, SEEK_CUR));
  close(s);
  int st;
  waitpid(pid, &st, 0);
  printf("server: client exited %d\n", WEXITSTATUS(st));
  unlink("sf_served.bin");
  return 0;
}
