/* Comer & Stevens vol. III (Linux/POSIX ed.) chapters 7-10: the library
 * helpers passivesock and connectsock (getservbyname for the port, with the
 * book's portbase for an unprivileged run, atoi for a number, then
 * getprotobyname for the protocol; SOCK_DGRAM for "udp", SOCK_STREAM
 * otherwise) and the RFC 868 time service over UDP, UDPtimed/UDPtime:
 * the client sends any datagram, the server answers with 4 bytes, the
 * seconds since 1900 in network order (UNIXEPOCH 2208988800 more than
 * time()); the client converts back and compares with its own clock (the
 * value is not printed: it differs between runs). Then the same over TCP
 * (TCPtimed: the answer, then close), and a datagram of the wrong size.
 * Ports: the book's portbase is added to 37; here the server passes "0" (the
 * helper lets the kernel pick, getsockname tells which) so runs never meet. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UNIXEPOCH 2208988800UL /* UNIX epoch, in UCT secs */
#define MSG "what time is it?\n"

static unsigned short portbase = 0; /* port base, for non-root servers */

static void errexit(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  fflush(stdout);
  exit(1);
}

/* connectsock: allocate & connect a socket using TCP or UDP. */
static int connectsock(const char *host, const char *service, const char *transport) {
  struct hostent *phe;
  struct servent *pse;
  struct protoent *ppe;
  struct sockaddr_in sin;
  int s, type;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  if ((pse = getservbyname(service, transport)))
    sin.sin_port = htons(ntohs((unsigned short)pse->s_port) + portbase);
  else if ((sin.sin_port = htons((unsigned short)atoi(service))) == 0)
    errexit("can't get \"%s\" service entry\n", service);
  if ((phe = gethostbyname(host)))
    memcpy(&sin.sin_addr, phe->h_addr, phe->h_length);
  else if ((sin.sin_addr.s_addr = inet_addr(host)) == INADDR_NONE)
    errexit("can't get \"%s\" host entry\n", host);
  if ((ppe = getprotobyname(transport)) == 0) errexit("can't get \"%s\" protocol entry\n", transport);
  type = strcmp(transport, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  s = socket(PF_INET, type, ppe->p_proto);
  if (s < 0) errexit("can't create socket: %s\n", strerror(errno));
  if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
    errexit("can't connect to %s.%s: %s\n", host, service, strerror(errno));
  return s;
}

/* passivesock: allocate & bind a server socket using TCP or UDP ("0": any port). */
static int passivesock(const char *service, const char *transport, int qlen) {
  struct servent *pse;
  struct protoent *ppe;
  struct sockaddr_in sin;
  int s, type;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = INADDR_ANY;
  if ((pse = getservbyname(service, transport)))
    sin.sin_port = htons(ntohs((unsigned short)pse->s_port) + portbase);
  else if (strcmp(service, "0") != 0 && (sin.sin_port = htons((unsigned short)atoi(service))) == 0)
    errexit("can't get \"%s\" service entry\n", service);
  if ((ppe = getprotobyname(transport)) == 0) errexit("can't get \"%s\" protocol entry\n", transport);
  type = strcmp(transport, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  s = socket(PF_INET, type, ppe->p_proto);
  if (s < 0) errexit("can't create socket: %s\n", strerror(errno));
  if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) errexit("can't bind to %s port: %s\n", service, strerror(errno));
  if (type == SOCK_STREAM && listen(s, qlen) < 0) errexit("can't listen on %s port: %s\n", service, strerror(errno));
  return s;
}

static const char *portof(int s, char *buf) {
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  getsockname(s, (struct sockaddr *)&sin, &len);
  sprintf(buf, "%u", ntohs(sin.sin_port));
  return buf;
}

/* How far the server's answer is from the client's clock, as words. */
static void check(const char *who, time_t now) {
  time_t mine = time(0);
  long d = (long)(mine - now);
  printf("%s: the time is %s (%s)\n", who, d >= -2 && d <= 2 ? "within 2 seconds of ours" : "wrong",
         now > 1000000000 ? "after 2001" : "before 2001");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct servent *se = getservbyname("time", "udp");
  printf("time/udp: port %d, proto %s\n", se ? ntohs(se->s_port) : -1, se ? se->s_proto : "?");
  se = getservbyname("time", "tcp");
  printf("time/tcp: port %d\n", se ? ntohs(se->s_port) : -1);
  /* getprotobyname's result is static: the next call overwrites it. */
  printf("udp protocol: %d\n", getprotobyname("udp")->p_proto);
  printf("tcp protocol: %d\n", getprotobyname("tcp")->p_proto);
  /* The book's errexit when a service is neither a name nor a number. */
  pid_t e = fork();
  if (e == 0) passivesock("nosuchservice", "udp", 0);
  int st;
  waitpid(e, &st, 0);
  printf("passivesock exit status %d\n", WEXITSTATUS(st));

  /* UDPtimed: one socket, each datagram answered with the time. */
  int s = passivesock("0", "udp", 0);
  char port[16];
  portof(s, port);
  pid_t srv = fork();
  if (srv == 0) {
    for (int n = 0; n < 3; n++) {
      struct sockaddr_in fsin;
      char buf[1];
      socklen_t alen = sizeof(fsin);
      ssize_t r = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&fsin, &alen);
      if (r < 0) errexit("recvfrom: %s\n", strerror(errno));
      time_t now;
      time(&now);
      unsigned long t = htonl((unsigned long)(now + UNIXEPOCH));
      uint32_t t32 = (uint32_t)t;
      sendto(s, (char *)&t32, sizeof(t32), 0, (struct sockaddr *)&fsin, sizeof(fsin));
    }
    exit(0);
  }
  close(s);
  /* UDPtime: connect, write a message, read the 4 bytes. */
  for (int n = 0; n < 2; n++) {
    int c = connectsock("localhost", port, "udp");
    write(c, MSG, strlen(MSG));
    uint32_t now;
    ssize_t r = read(c, (char *)&now, sizeof(now));
    if (r < 0) errexit("read failed: %s\n", strerror(errno));
    printf("UDPtime: read %ld bytes\n", (long)r);
    now = ntohl(now);
    check("UDPtime", (time_t)((unsigned long)now - UNIXEPOCH));
    close(c);
  }
  /* A client that reads into a buffer too small: the rest of the datagram is gone. */
  int c = connectsock("127.0.0.1", port, "udp");
  write(c, "", 0);
  char two[2];
  ssize_t r = recv(c, two, sizeof two, MSG_TRUNC);
  printf("a 2-byte buffer: recv with MSG_TRUNC says %ld\n", (long)r);
  errno = 0;
  r = recv(c, two, sizeof two, MSG_DONTWAIT);
  printf("and nothing is left: %ld %s\n", (long)r, strerror(errno));
  close(c);
  waitpid(srv, &st, 0);
  printf("UDPtimed exit status %d\n", WEXITSTATUS(st));

  /* TCPtimed: accept, write the 4 bytes, close; the client reads to EOF. */
  s = passivesock("0", "tcp", 5);
  portof(s, port);
  /* The book's portbase: "time" (37) plus it is the server's port, so the clients can name the service. */
  portbase = (unsigned short)(atoi(port) - 37);
  srv = fork();
  if (srv == 0) {
    for (int n = 0; n < 2; n++) {
      struct sockaddr_in fsin;
      socklen_t alen = sizeof(fsin);
      int ssock = accept(s, (struct sockaddr *)&fsin, &alen);
      if (ssock < 0) errexit("accept failed: %s\n", strerror(errno));
      time_t now = time(0);
      uint32_t t32 = htonl((uint32_t)((unsigned long)now + UNIXEPOCH));
      write(ssock, (char *)&t32, sizeof(t32));
      close(ssock);
    }
    exit(0);
  }
  close(s);
  for (int n = 0; n < 2; n++) {
    c = connectsock("localhost", "time", "tcp");
    unsigned char buf[8];
    size_t got = 0;
    ssize_t k;
    while ((k = read(c, buf + got, sizeof buf - got)) > 0) got += k;
    printf("TCPtime: %zu bytes before EOF\n", got);
    uint32_t now;
    memcpy(&now, buf, 4);
    check("TCPtime", (time_t)((unsigned long)ntohl(now) - UNIXEPOCH));
    close(c);
  }
  waitpid(srv, &st, 0);
  printf("TCPtimed exit status %d\n", WEXITSTATUS(st));
  /* Nobody at the port now: connectsock's TCP connect is refused. */
  connectsock("localhost", "time", "tcp");
  return 0;
}
