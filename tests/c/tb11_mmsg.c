/* sendmmsg(2)'s and recvmmsg(2)'s EXAMPLES: one sendmmsg() sends two
 * datagrams ("onetwo" gathered from two iovecs, and "three") on a connected
 * UDP socket; recvmmsg() takes up to VLEN datagrams with a timeout and
 * prints each one's length and text. Here the receiver is bound first and
 * forked, and what the pages' text describes follows: a sendmmsg whose second
 * message fails returns 1 (the first was sent), one whose first fails returns
 * the error; recvmmsg returns what is queued when fewer than vlen are there
 * (MSG_DONTWAIT), EAGAIN when none are; MSG_WAITFORONE blocks for the first
 * datagram only; a datagram longer than its buffer sets MSG_TRUNC in its
 * msg_flags; vlen past UIO_MAXIOV is cut to it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VLEN 10
#define BUFSIZE 200

static void receive(int sockfd, int vlen, int flags, struct timespec *timeout, const char *what) {
  struct mmsghdr msgs[VLEN];
  struct iovec iovecs[VLEN];
  char bufs[VLEN][BUFSIZE + 1];
  memset(msgs, 0, sizeof(msgs));
  for (int i = 0; i < VLEN; i++) {
    iovecs[i].iov_base = bufs[i];
    iovecs[i].iov_len = i == 1 && vlen == 2 ? 3 : BUFSIZE; /* a short second buffer when two are asked for */
    msgs[i].msg_hdr.msg_iov = &iovecs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  errno = 0;
  int retval = recvmmsg(sockfd, msgs, vlen, flags, timeout);
  if (retval == -1) {
    printf("%s: recvmmsg: %s\n", what, strerror(errno));
    return;
  }
  printf("%s: %d messages received\n", what, retval);
  for (int i = 0; i < retval; i++) {
    bufs[i][msgs[i].msg_len < BUFSIZE ? msgs[i].msg_len : BUFSIZE] = 0;
    printf("%d %u %s%s\n", i + 1, msgs[i].msg_len, bufs[i], msgs[i].msg_hdr.msg_flags & MSG_TRUNC ? " (MSG_TRUNC)" : "");
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int rfd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(0);
  if (bind(rfd, (struct sockaddr *)&addr, sizeof addr) == -1) { perror("bind()"); exit(EXIT_FAILURE); }
  socklen_t alen = sizeof addr;
  getsockname(rfd, (struct sockaddr *)&addr, &alen);
  /* The sender tells the receiver each batch is out with a byte on this pipe: no sleeps. */
  int go[2], back[2];
  pipe(go);
  pipe(back);
  pid_t pid = fork();
  if (pid == 0) {
    close(go[0]);
    close(back[1]);
    int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
    if (sockfd == -1) { perror("socket()"); _exit(EXIT_FAILURE); }
    if (connect(sockfd, (struct sockaddr *)&addr, sizeof(addr)) == -1) { perror("connect()"); _exit(EXIT_FAILURE); }
    struct iovec msg1[2], msg2;
    struct mmsghdr msg[2];
    msg1[0].iov_base = "one";
    msg1[0].iov_len = 3;
    msg1[1].iov_base = "two";
    msg1[1].iov_len = 3;
    memset(&msg2, 0, sizeof(msg2));
    msg2.iov_base = "three";
    msg2.iov_len = 5;
    memset(msg, 0, sizeof(msg));
    msg[0].msg_hdr.msg_iov = msg1;
    msg[0].msg_hdr.msg_iovlen = 2;
    msg[1].msg_hdr.msg_iov = &msg2;
    msg[1].msg_hdr.msg_iovlen = 1;
    int retval = sendmmsg(sockfd, msg, 2, 0);
    if (retval == -1) perror("sendmmsg()");
    else printf("%d messages sent\n", retval);
    printf("msg_len: %u %u\n", msg[0].msg_len, msg[1].msg_len);
    write(go[1], "1", 1);
    char c;
    read(back[0], &c, 1);
    /* The second message names an address of another family: only the first goes. */
    struct sockaddr_in6 bad;
    memset(&bad, 0, sizeof bad);
    bad.sin6_family = AF_INET6;
    msg[1].msg_hdr.msg_name = &bad;
    msg[1].msg_hdr.msg_namelen = sizeof bad;
    msg[0].msg_len = msg[1].msg_len = 77;
    errno = 0;
    retval = sendmmsg(sockfd, msg, 2, 0);
    printf("second message to AF_INET6: %d %s, msg_len: %u %u\n", retval, strerror(errno), msg[0].msg_len, msg[1].msg_len);
    /* The first fails: the error. */
    msg[0].msg_hdr.msg_name = &bad;
    msg[0].msg_hdr.msg_namelen = sizeof bad;
    errno = 0;
    retval = sendmmsg(sockfd, msg, 2, 0);
    printf("first message to AF_INET6: %d %s\n", retval, strerror(errno));
    /* Three datagrams, the last too long for a short buffer. */
    msg[0].msg_hdr.msg_name = NULL;
    msg[0].msg_hdr.msg_namelen = 0;
    msg[1].msg_hdr.msg_name = NULL;
    msg[1].msg_hdr.msg_namelen = 0;
    retval = sendmmsg(sockfd, msg, 2, MSG_DONTWAIT);
    printf("%d messages sent\n", retval);
    write(go[1], "2", 1);
    read(back[0], &c, 1);
    errno = 0;
    retval = sendmmsg(sockfd, msg, 0, 0);
    printf("vlen 0: %d %s\n", retval, strerror(errno));
    errno = 0;
    retval = sendmmsg(99, msg, 1, 0);
    printf("bad fd: %d %s\n", retval, strerror(errno));
    /* One datagram for MSG_WAITFORONE (last: the receiver prints once it is there). */
    send(sockfd, "four", 4, 0);
    close(sockfd);
    _exit(0);
  }
  close(go[1]);
  close(back[0]);
  char c;
  read(go[0], &c, 1);
  struct timespec timeout = {.tv_sec = 1, .tv_nsec = 0};
  receive(rfd, VLEN, MSG_DONTWAIT, &timeout, "first batch");
  receive(rfd, VLEN, MSG_DONTWAIT, NULL, "empty queue");
  write(back[1], "1", 1);
  read(go[0], &c, 1);
  receive(rfd, 2, 0, NULL, "two asked");
  receive(rfd, VLEN, MSG_DONTWAIT, NULL, "the rest");
  write(back[1], "2", 1);
  /* Blocks for the first, then takes only what is there. */
  receive(rfd, VLEN, MSG_WAITFORONE, NULL, "MSG_WAITFORONE");
  int st;
  waitpid(pid, &st, 0);
  /* A receive timeout (SO_RCVTIMEO) ends the wait for the second of two: the one received is the result. */
  struct timeval tv = {.tv_sec = 0, .tv_usec = 50000};
  setsockopt(rfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int s2 = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(s2, "five", 4, 0, (struct sockaddr *)&addr, sizeof addr);
  receive(rfd, 3, 0, NULL, "SO_RCVTIMEO");
  /* The pending error a datagram's ICMP port unreachable left (sock_error) comes first, and only once:
   * a port nobody has any more (bound, read back, closed). */
  struct sockaddr_in nobody = addr;
  nobody.sin_port = 0;
  int s3 = socket(AF_INET, SOCK_DGRAM, 0);
  bind(s3, (struct sockaddr *)&nobody, sizeof nobody);
  alen = sizeof nobody;
  getsockname(s3, (struct sockaddr *)&nobody, &alen);
  close(s3);
  connect(s2, (struct sockaddr *)&nobody, sizeof nobody);
  send(s2, "x", 1, 0);
  receive(s2, VLEN, MSG_DONTWAIT, NULL, "after ICMP");
  receive(s2, VLEN, MSG_DONTWAIT, NULL, "again");
  close(s2);
  struct timespec bad = {.tv_sec = 0, .tv_nsec = 1000000000};
  receive(rfd, VLEN, MSG_DONTWAIT, &bad, "tv_nsec 1e9");
  close(rfd);
  return WEXITSTATUS(st);
}
