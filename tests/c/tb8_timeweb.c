/* Van Winkle, Hands-On Network Programming with C: chapter 2's
 * time_server_ipv6 and chapter 7's web_get. The server asks getaddrinfo
 * for an AF_INET6 passive address, clears IPV6_V6ONLY (Linux's default is
 * already 0, Windows' is 1: read back before and after) so that an IPv4
 * client reaches it as ::ffff:127.0.0.1, reads one request, answers
 * "HTTP/1.1 200 OK" with "Connection: close" and the local time, and
 * closes. The client is web_get's loop: select() on the socket with a
 * 200 ms timeout, recv into one buffer, the headers found at "\r\n\r\n",
 * then the body by Content-Length, by chunks (Transfer-Encoding: chunked)
 * or up to the server's close. The book bounds the whole wait with
 * clock(), which counts CPU time and so never ends a wait in select(); it
 * is left out. Before each thing it sends (and the time server before its
 * close) a server here waits until the client's select() has timed out
 * since the client's last recv (the client says so through a pipe), so
 * each piece arrives alone and after a timeout, however fast the machine. The time is
 * not printed: a body with ctime()'s shape is shown as <ctime>. The
 * servers' output and the client's are each kept in their stdio buffers
 * until the server has ended, then printed server first. Last, with
 * IPV6_V6ONLY set an IPv4 client is refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ISVALIDSOCKET(s) ((s) >= 0)
#define CLOSESOCKET(s) close(s)
#define GETSOCKETERRNO() (errno)
#define SOCKET int
#define RESPONSE_SIZE 8192

static char port[16];
static int timed_out[2]; /* client -> server: "my select timed out" */

/* ctime()'s shape: "Www Mmm dd hh:mm:ss yyyy\n". */
static int is_ctime(const char *s, int n) {
  return n == 25 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' && s[13] == ':' && s[16] == ':' && s[19] == ' ' && s[24] == '\n';
}

static void show_body(const char *body, int n) {
  const char *prefix = "Local time is: ";
  size_t pl = strlen(prefix);
  if (n > (int)pl && strncmp(body, prefix, pl) == 0 && is_ctime(body + pl, n - (int)pl)) printf("%s<ctime>\n", prefix);
  else printf("%.*s", n, body);
}

static void wait_for_timeout(void) {
  char c;
  read(timed_out[0], &c, 1);
}

static void time_server_ipv6(void) {
  printf("Configuring local address...\n");
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  struct addrinfo *bind_address;
  getaddrinfo(0, "0", &hints, &bind_address);
  printf("Creating socket...\n");
  SOCKET socket_listen = socket(bind_address->ai_family, bind_address->ai_socktype, bind_address->ai_protocol);
  if (!ISVALIDSOCKET(socket_listen)) {
    fprintf(stderr, "socket() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  int option = 1;
  socklen_t olen = sizeof option;
  getsockopt(socket_listen, IPPROTO_IPV6, IPV6_V6ONLY, (void *)&option, &olen);
  printf("IPV6_V6ONLY by default: %d\n", option);
  option = 0;
  if (setsockopt(socket_listen, IPPROTO_IPV6, IPV6_V6ONLY, (void *)&option, sizeof(option))) {
    fprintf(stderr, "setsockopt() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  printf("Binding socket to local address...\n");
  if (bind(socket_listen, bind_address->ai_addr, bind_address->ai_addrlen)) {
    fprintf(stderr, "bind() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  freeaddrinfo(bind_address);
  struct sockaddr_in6 me;
  socklen_t ml = sizeof me;
  getsockname(socket_listen, (struct sockaddr *)&me, &ml);
  snprintf(port, sizeof port, "%u", ntohs(me.sin6_port));
  printf("Listening...\n");
  if (listen(socket_listen, 10) < 0) {
    fprintf(stderr, "listen() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  printf("Waiting for connection...\n");
}

static void time_server_serve(SOCKET socket_listen) {
  struct sockaddr_storage client_address;
  socklen_t client_len = sizeof(client_address);
  SOCKET socket_client = accept(socket_listen, (struct sockaddr *)&client_address, &client_len);
  if (!ISVALIDSOCKET(socket_client)) {
    fprintf(stderr, "accept() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  printf("Client is connected... ");
  char address_buffer[100];
  getnameinfo((struct sockaddr *)&client_address, client_len, address_buffer, sizeof(address_buffer), 0, 0, NI_NUMERICHOST);
  printf("%s\n", address_buffer);
  printf("Reading request...\n");
  char request[1024];
  int bytes_received = recv(socket_client, request, 1024, 0);
  printf("Received %d bytes.\n", bytes_received);
  printf("%.*s", bytes_received, request);
  wait_for_timeout();
  printf("Sending response...\n");
  const char *response = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nLocal time is: ";
  int bytes_sent = send(socket_client, response, strlen(response), 0);
  printf("Sent %d of %d bytes.\n", bytes_sent, (int)strlen(response));
  wait_for_timeout();
  time_t timer;
  time(&timer);
  char *time_msg = ctime(&timer);
  bytes_sent = send(socket_client, time_msg, strlen(time_msg), 0);
  printf("Sent %d of %d bytes.\n", bytes_sent, (int)strlen(time_msg));
  wait_for_timeout();
  printf("Closing connection...\n");
  CLOSESOCKET(socket_client);
  printf("Closing listening socket...\n");
  CLOSESOCKET(socket_listen);
  printf("Finished.\n");
  exit(0);
}

/* A server for the other two framings: one answer per connection, each sent whole. */
static void framed_server(SOCKET s) {
  static const char *answers[] = {
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n8\r\n, chunks\r\n1\r\n!\r\n0\r\n\r\n",
  };
  for (int k = 0; k < 2; k++) {
    SOCKET c = accept(s, 0, 0);
    char request[1024];
    int n = recv(c, request, sizeof request, 0);
    printf("framed server: %d bytes of request, answer %d\n", n, k + 1);
    wait_for_timeout();
    send(c, answers[k], strlen(answers[k]), 0);
    CLOSESOCKET(c);
  }
  exit(0);
}

/* web_get's send_request and receive loop. */
static int web_get(const char *hostname, const char *path) {
  printf("Configuring remote address...\n");
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo *peer_address;
  if (getaddrinfo(hostname, port, &hints, &peer_address)) {
    fprintf(stderr, "getaddrinfo() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  char address_buffer[100];
  getnameinfo(peer_address->ai_addr, peer_address->ai_addrlen, address_buffer, sizeof(address_buffer), 0, 0, NI_NUMERICHOST);
  printf("Remote address is: %s\n", address_buffer);
  SOCKET server = socket(peer_address->ai_family, peer_address->ai_socktype, peer_address->ai_protocol);
  if (connect(server, peer_address->ai_addr, peer_address->ai_addrlen)) {
    fprintf(stderr, "connect() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  freeaddrinfo(peer_address);
  printf("Connected.\n\n");
  char buffer[2048];
  sprintf(buffer, "GET /%s HTTP/1.1\r\n", path);
  sprintf(buffer + strlen(buffer), "Host: %s:%s\r\n", hostname, "PORT");
  sprintf(buffer + strlen(buffer), "Connection: close\r\n");
  sprintf(buffer + strlen(buffer), "User-Agent: honpwc web_get 1.0\r\n");
  sprintf(buffer + strlen(buffer), "\r\n");
  send(server, buffer, strlen(buffer), 0);
  printf("Sent Headers:\n%s", buffer);

  char response[RESPONSE_SIZE + 1];
  char *p = response, *q;
  char *end = response + RESPONSE_SIZE;
  char *body = 0;
  enum { length, chunked, connection };
  int encoding = 0;
  int remaining = 0;
  int told = 0;
  while (1) {
    if (p == end) {
      fprintf(stderr, "out of buffer space\n");
      return 1;
    }
    fd_set reads;
    FD_ZERO(&reads);
    FD_SET(server, &reads);
    struct timeval timeout;
    timeout.tv_sec = 0;
    timeout.tv_usec = 200000;
    int ready = select(server + 1, &reads, 0, 0, &timeout);
    if (ready < 0) {
      fprintf(stderr, "select() failed. (%d)\n", GETSOCKETERRNO());
      return 1;
    }
    if (ready == 0 && !told) {
      told = 1;
      printf("(select timed out; waiting on)\n");
      write(timed_out[1], "t", 1);
    }
    if (FD_ISSET(server, &reads)) {
      int bytes_received = recv(server, p, end - p, 0);
      told = 0;
      if (bytes_received < 1) {
        if (encoding == connection && body) show_body(body, (int)(p - body));
        printf("\nConnection closed by peer.\n");
        break;
      }
      p += bytes_received;
      *p = 0;
      if (!body && (body = strstr(response, "\r\n\r\n"))) {
        *body = 0;
        body += 4;
        printf("Received Headers:\n%s\n", response);
        q = strstr(response, "\nContent-Length: ");
        if (q) {
          encoding = length;
          q = strchr(q, ' ');
          q += 1;
          remaining = strtol(q, 0, 10);
        } else {
          q = strstr(response, "\nTransfer-Encoding: chunked");
          if (q) {
            encoding = chunked;
            remaining = 0;
          } else {
            encoding = connection;
          }
        }
        printf("\nReceived Body:\n");
      }
      if (body) {
        if (encoding == length) {
          if (p - body >= remaining) {
            printf("%.*s", remaining, body);
            break;
          }
        } else if (encoding == chunked) {
          do {
            if (remaining == 0) {
              if ((q = strstr(body, "\r\n"))) {
                remaining = strtol(body, 0, 16);
                if (!remaining) goto finish;
                body = q + 2;
              } else {
                break;
              }
            }
            if (remaining && p - body >= remaining) {
              printf("%.*s", remaining, body);
              body += remaining + 2;
              remaining = 0;
            }
          } while (!remaining);
        }
      }
    }
  }
finish:
  printf("\nClosing socket...\n");
  CLOSESOCKET(server);
  printf("Finished.\n");
  return 0;
}

int main(void) {
  /* Both sides' output stays in its buffer until the server has ended. */
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  pipe(timed_out);
  time_server_ipv6();
  fflush(stdout);
  /* time_server_ipv6 left its listener as the lowest descriptor after the pipe. */
  SOCKET listener = timed_out[1] + 1;
  pid_t pid = fork();
  if (pid == 0) time_server_serve(listener);
  close(listener);
  web_get("127.0.0.1", "");
  int st;
  waitpid(pid, &st, 0);
  fflush(stdout);

  /* The other framings, over IPv6 this time. */
  SOCKET s = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  bind(s, (struct sockaddr *)&a, sizeof a);
  listen(s, 5);
  socklen_t al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  snprintf(port, sizeof port, "%u", ntohs(a.sin6_port));
  pid = fork();
  if (pid == 0) framed_server(s);
  close(s);
  web_get("::1", "hello");
  web_get("::1", "chunked");
  waitpid(pid, &st, 0);
  fflush(stdout);

  /* IPV6_V6ONLY set: the wildcard IPv6 socket no longer takes IPv4. */
  s = socket(AF_INET6, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  a.sin6_addr = in6addr_any;
  a.sin6_port = 0;
  bind(s, (struct sockaddr *)&a, sizeof a);
  listen(s, 5);
  al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in v4;
  memset(&v4, 0, sizeof v4);
  v4.sin_family = AF_INET;
  v4.sin_port = a.sin6_port;
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c, (struct sockaddr *)&v4, sizeof v4) < 0) printf("IPv4 client of a V6ONLY server: %s\n", strerror(errno));
  close(c);
  close(s);
  return 0;
}
