/* recv(2)'s flags as course assignments use them: MSG_PEEK (look, leave the
 * bytes), MSG_WAITALL (wait for the whole count across several writes),
 * MSG_DONTWAIT (EAGAIN on a blocking socket), MSG_TRUNC on UDP (the real
 * datagram length), and recv of 0 bytes on TCP and on UDP. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void showr(const char *what, ssize_t n, const char *buf) {
  if (n < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %zd '%.*s'\n", what, n, (int)(n > 0 && buf ? n : 0), buf ? buf : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sin, sizeof sin);
  listen(lfd, 5);
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);

  int go[2];
  pipe(go);
  pid_t writer = fork();
  if (writer == 0) {
    /* Three pieces; the parent says when to send each, so MSG_WAITALL sees them arrive apart. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    connect(s, (struct sockaddr *)&sin, sizeof sin);
    char c;
    read(go[0], &c, 1);
    write(s, "peek", 4);
    read(go[0], &c, 1);
    write(s, "abcd", 4);
    write(s, "efgh", 4);
    write(s, "ijkl", 4);
    read(go[0], &c, 1);
    write(s, "tail", 4);
    close(s);
    _exit(0);
  }
  int c = accept(lfd, NULL, NULL);
  char buf[64];
  ssize_t n;

  n = recv(c, buf, sizeof buf, MSG_DONTWAIT);
  showr("recv MSG_DONTWAIT, nothing there", n, buf);
  n = recv(c, buf, 0, MSG_DONTWAIT);
  showr("recv 0 bytes MSG_DONTWAIT, nothing there", n, NULL);
  n = read(c, buf, 0);
  showr("read 0 bytes, nothing there", n, NULL);
  n = recv(c, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
  showr("recv MSG_PEEK|MSG_DONTWAIT, nothing there", n, buf);

  write(go[1], "1", 1);
  n = recv(c, buf, sizeof buf, MSG_PEEK);
  showr("recv MSG_PEEK", n, buf);
  n = recv(c, buf, 2, MSG_PEEK);
  showr("recv MSG_PEEK 2 bytes", n, buf);
  n = recv(c, buf, 0, 0);
  showr("recv 0 bytes with data there", n, NULL);
  n = read(c, buf, 0);
  showr("read 0 bytes with data there", n, NULL);
  n = recv(c, buf, sizeof buf, 0);
  showr("recv after peeking", n, buf);

  write(go[1], "2", 1);
  n = recv(c, buf, 12, MSG_WAITALL);
  showr("recv 12 MSG_WAITALL", n, buf);

  write(go[1], "3", 1);
  /* MSG_WAITALL stops short at EOF: the writer sends 4 bytes and closes. */
  n = recv(c, buf, 10, MSG_WAITALL);
  showr("recv 10 MSG_WAITALL, peer sends 4 and closes", n, buf);
  n = recv(c, buf, sizeof buf, MSG_DONTWAIT);
  showr("recv MSG_DONTWAIT at EOF", n, buf);
  n = recv(c, buf, 0, 0);
  showr("recv 0 bytes at EOF", n, NULL);
  int st;
  waitpid(writer, &st, 0);
  close(c);
  close(lfd);

  /* UDP. */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ua;
  memset(&ua, 0, sizeof ua);
  ua.sin_family = AF_INET;
  ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(u, (struct sockaddr *)&ua, sizeof ua);
  len = sizeof ua;
  getsockname(u, (struct sockaddr *)&ua, &len);
  int t = socket(AF_INET, SOCK_DGRAM, 0);
  n = recv(u, buf, sizeof buf, MSG_DONTWAIT);
  showr("UDP recv MSG_DONTWAIT, empty", n, buf);
  const char *msgs[] = {"a datagram of 26 bytes....", "second", "third one", "", "fifth"};
  for (int i = 0; i < 5; i++) sendto(t, msgs[i], strlen(msgs[i]), 0, (struct sockaddr *)&ua, sizeof ua);
  n = recv(u, buf, 8, MSG_PEEK);
  showr("UDP recv 8 MSG_PEEK", n, buf);
  n = recv(u, buf, 8, MSG_PEEK | MSG_TRUNC);
  printf("UDP recv 8 MSG_PEEK|MSG_TRUNC: %zd\n", n);
  struct iovec iov = {buf, 8};
  struct msghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  n = recvmsg(u, &mh, 0);
  printf("UDP recvmsg 8: %zd '%.*s' msg_flags%s\n", n, (int)n, buf, mh.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : " 0");
  n = recv(u, buf, 3, MSG_TRUNC);
  printf("UDP recv 3 MSG_TRUNC: %zd '%.3s'\n", n, buf);
  n = read(u, buf, 0);
  printf("UDP read 0 bytes (leaves the datagram): %zd\n", n);
  n = recv(u, buf, 0, 0);
  printf("UDP recv 0 bytes (drops the datagram): %zd\n", n);
  n = recv(u, buf, sizeof buf, 0);
  showr("UDP recv of the empty datagram", n, buf);
  n = recv(u, buf, sizeof buf, MSG_DONTWAIT);
  showr("UDP recv the last", n, buf);
  n = recv(u, buf, sizeof buf, MSG_DONTWAIT);
  showr("UDP recv MSG_DONTWAIT, empty again", n, buf);
  n = recv(u, buf, sizeof buf, MSG_WAITALL | MSG_DONTWAIT);
  showr("UDP recv MSG_WAITALL|MSG_DONTWAIT, empty", n, buf);
  sendto(t, "waitall", 7, 0, (struct sockaddr *)&ua, sizeof ua);
  n = recv(u, buf, sizeof buf, MSG_WAITALL);
  showr("UDP recv 64 MSG_WAITALL of a 7-byte datagram", n, buf);
  close(t);
  close(u);
  return 0;
}
