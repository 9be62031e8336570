/* Van Winkle, Hands-On Network Programming with C, chapter 3's
 * tcp_serve_toupper and tcp_client, and chapter 4's udp_serve_toupper.
 * The TCP server: getaddrinfo(0, port, AI_PASSIVE), socket, bind, listen,
 * then select() over a master fd_set (the listener and each client,
 * max_socket tracked), walking descriptors 1..max_socket: a ready
 * listener is accepted and its peer printed with getnameinfo
 * (NI_NUMERICHOST), a ready client's recv() is upper-cased and sent back,
 * a recv() below 1 closes it. The client: getaddrinfo and getnameinfo of
 * the server, connect, then select() over the socket and standard input
 * (here a pipe the test driver writes one line at a time, waiting for
 * each answer: fgets's buffer would hide a second line from select). The
 * book's client passes a 100 ms timeout (for Windows, where stdin cannot
 * be selected); here none, so a run has no timing in it. At EOF on its
 * input the book's client just closes; this one shuts its write half and
 * waits for the server's close ("Connection closed by peer."). Each
 * client's output goes to a pipe the driver prints when it has ended.
 * The UDP server selects on its one socket, answers with sendto to the
 * recvfrom address, and treats a datagram of 0 bytes as the book does,
 * as "connection closed" (UDP has no connection: an empty datagram is
 * just a datagram) and stops. Ports: the kernel's choice, not 8080. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ISVALIDSOCKET(s) ((s) >= 0)
#define CLOSESOCKET(s) close(s)
#define GETSOCKETERRNO() (errno)
#define SOCKET int

static char port[16];

/* The server tells the driver its port once it listens. */
static void tell_port(int fd, SOCKET s) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char serv[16];
  getsockname(s, (struct sockaddr *)&ss, &len);
  getnameinfo((struct sockaddr *)&ss, len, 0, 0, serv, sizeof serv, NI_NUMERICSERV);
  write(fd, serv, strlen(serv) + 1);
  close(fd);
}

static void tcp_serve_toupper(int portfd) {
  printf("Configuring local address...\n");
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
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
  printf("Binding socket to local address...\n");
  if (bind(socket_listen, bind_address->ai_addr, bind_address->ai_addrlen)) {
    fprintf(stderr, "bind() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  freeaddrinfo(bind_address);
  printf("Listening...\n");
  if (listen(socket_listen, 10) < 0) {
    fprintf(stderr, "listen() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  fd_set master;
  FD_ZERO(&master);
  FD_SET(socket_listen, &master);
  SOCKET max_socket = socket_listen;
  printf("Waiting for connections...\n");
  tell_port(portfd, socket_listen);
  while (1) {
    fd_set reads;
    reads = master;
    if (select(max_socket + 1, &reads, 0, 0, 0) < 0) {
      fprintf(stderr, "select() failed. (%d)\n", GETSOCKETERRNO());
      exit(1);
    }
    SOCKET i;
    for (i = 1; i <= max_socket; ++i) {
      if (FD_ISSET(i, &reads)) {
        if (i == socket_listen) {
          struct sockaddr_storage client_address;
          socklen_t client_len = sizeof(client_address);
          SOCKET socket_client = accept(socket_listen, (struct sockaddr *)&client_address, &client_len);
          if (!ISVALIDSOCKET(socket_client)) {
            fprintf(stderr, "accept() failed. (%d)\n", GETSOCKETERRNO());
            exit(1);
          }
          FD_SET(socket_client, &master);
          if (socket_client > max_socket) max_socket = socket_client;
          char address_buffer[100];
          getnameinfo((struct sockaddr *)&client_address, client_len, address_buffer, sizeof(address_buffer), 0, 0, NI_NUMERICHOST);
          printf("New connection from %s\n", address_buffer);
        } else {
          char read[1024];
          int bytes_received = recv(i, read, 1024, 0);
          if (bytes_received < 1) {
            FD_CLR(i, &master);
            CLOSESOCKET(i);
            continue;
          }
          int j;
          for (j = 0; j < bytes_received; ++j) read[j] = toupper(read[j]);
          send(i, read, bytes_received, 0);
        }
      }
    }
  }
}

/* tcp_client, writing a byte to `progress` after each answer it prints. */
static void tcp_client(int progress) {
  printf("Configuring remote address...\n");
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo *peer_address;
  if (getaddrinfo("127.0.0.1", port, &hints, &peer_address)) {
    fprintf(stderr, "getaddrinfo() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  printf("Remote address is: ");
  char address_buffer[100];
  char service_buffer[100];
  getnameinfo(peer_address->ai_addr, peer_address->ai_addrlen, address_buffer, sizeof(address_buffer), service_buffer, sizeof(service_buffer), NI_NUMERICHOST);
  printf("%s %s\n", address_buffer, strcmp(service_buffer, port) == 0 ? "(the server's port)" : service_buffer);
  printf("Creating socket...\n");
  SOCKET socket_peer = socket(peer_address->ai_family, peer_address->ai_socktype, peer_address->ai_protocol);
  if (!ISVALIDSOCKET(socket_peer)) {
    fprintf(stderr, "socket() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  printf("Connecting...\n");
  if (connect(socket_peer, peer_address->ai_addr, peer_address->ai_addrlen)) {
    fprintf(stderr, "connect() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  freeaddrinfo(peer_address);
  printf("Connected.\n");
  printf("To send data, enter text followed by enter.\n");
  int input_open = 1;
  while (1) {
    fd_set reads;
    FD_ZERO(&reads);
    FD_SET(socket_peer, &reads);
    if (input_open) FD_SET(0, &reads);
    if (select(socket_peer + 1, &reads, 0, 0, 0) < 0) {
      fprintf(stderr, "select() failed. (%d)\n", GETSOCKETERRNO());
      exit(1);
    }
    if (FD_ISSET(socket_peer, &reads)) {
      char read[4096];
      int bytes_received = recv(socket_peer, read, 4096, 0);
      if (bytes_received < 1) {
        printf("Connection closed by peer.\n");
        break;
      }
      printf("Received (%d bytes): %.*s", bytes_received, bytes_received, read);
      write(progress, "r", 1);
    }
    if (FD_ISSET(0, &reads)) {
      char read[4096];
      if (!fgets(read, 4096, stdin)) {
        printf("End of input: shutdown(SHUT_WR).\n");
        shutdown(socket_peer, SHUT_WR);
        input_open = 0;
        continue;
      }
      printf("Sending: %s", read);
      int bytes_sent = send(socket_peer, read, strlen(read), 0);
      printf("Sent %d bytes.\n", bytes_sent);
    }
  }
  printf("Closing socket...\n");
  CLOSESOCKET(socket_peer);
  printf("Finished.\n");
  exit(0);
}

static void udp_serve_toupper(int portfd) {
  printf("Configuring local address...\n");
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE;
  struct addrinfo *bind_address;
  getaddrinfo(0, "0", &hints, &bind_address);
  printf("Creating socket...\n");
  SOCKET socket_listen = socket(bind_address->ai_family, bind_address->ai_socktype, bind_address->ai_protocol);
  printf("Binding socket to local address...\n");
  if (bind(socket_listen, bind_address->ai_addr, bind_address->ai_addrlen)) {
    fprintf(stderr, "bind() failed. (%d)\n", GETSOCKETERRNO());
    exit(1);
  }
  freeaddrinfo(bind_address);
  fd_set master;
  FD_ZERO(&master);
  FD_SET(socket_listen, &master);
  SOCKET max_socket = socket_listen;
  printf("Waiting for connections...\n");
  tell_port(portfd, socket_listen);
  while (1) {
    fd_set reads;
    reads = master;
    if (select(max_socket + 1, &reads, 0, 0, 0) < 0) {
      fprintf(stderr, "select() failed. (%d)\n", GETSOCKETERRNO());
      exit(1);
    }
    if (FD_ISSET(socket_listen, &reads)) {
      struct sockaddr_storage client_address;
      socklen_t client_len = sizeof(client_address);
      char read[1024];
      int bytes_received = recvfrom(socket_listen, read, 1024, 0, (struct sockaddr *)&client_address, &client_len);
      if (bytes_received < 1) {
        /* The book prints GETSOCKETERRNO() here, which nothing set: the count instead. */
        fprintf(stderr, "connection closed. (%d)\n", bytes_received);
        exit(1);
      }
      int j;
      for (j = 0; j < bytes_received; ++j) read[j] = toupper(read[j]);
      sendto(socket_listen, read, bytes_received, 0, (struct sockaddr *)&client_address, client_len);
    }
  }
}

struct client {
  pid_t pid;
  int in, out;
};

static int driver_fds[8], ndriver_fds; /* the driver's ends of earlier clients' pipes */

static struct client start_client(int progress) {
  int in[2], out[2];
  pipe(in);
  pipe(out);
  struct client c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    /* Another client's input pipe held open here would never let that client see EOF. */
    for (int k = 0; k < ndriver_fds; k++) close(driver_fds[k]);
    setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
    tcp_client(progress);
  }
  close(in[0]);
  close(out[1]);
  c.in = in[1];
  c.out = out[0];
  driver_fds[ndriver_fds++] = c.in;
  driver_fds[ndriver_fds++] = c.out;
  return c;
}

/* One line to a client's input, then the wait for its answer. */
static void type(struct client *c, const char *line, int progress) {
  char r;
  write(c->in, line, strlen(line));
  read(progress, &r, 1);
}

static void transcript(struct client *c, const char *name) {
  char buf[4096];
  ssize_t n;
  int st;
  close(c->in);
  waitpid(c->pid, &st, 0);
  printf("--- %s (exit status %d):\n", name, WEXITSTATUS(st));
  while ((n = read(c->out, buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
  close(c->out);
}

static pid_t start_server(void (*fn)(int)) {
  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    fn(p[1]);
  }
  close(p[1]);
  read(p[0], port, sizeof port);
  close(p[0]);
  return pid;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int g[2];
  pipe(g);
  pid_t server = start_server(tcp_serve_toupper);
  struct client one = start_client(g[1]);
  type(&one, "Hello\n", g[0]);
  struct client two = start_client(g[1]);
  type(&two, "a second client\n", g[0]);
  type(&one, "one again, Mixed Case 123\n", g[0]);
  /* Client one's input ends: its shutdown, the server's close, its exit. */
  transcript(&one, "client one");
  type(&two, "two is the last\n", g[0]);
  transcript(&two, "client two");
  kill(server, SIGTERM);
  int st;
  waitpid(server, &st, 0);
  printf("tcp_serve_toupper: killed by signal %d\n", WTERMSIG(st));

  server = start_server(udp_serve_toupper);
  struct addrinfo hints, *peer;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_DGRAM;
  getaddrinfo("127.0.0.1", port, &hints, &peer);
  SOCKET a = socket(peer->ai_family, peer->ai_socktype, peer->ai_protocol);
  SOCKET b = socket(peer->ai_family, peer->ai_socktype, peer->ai_protocol);
  const char *msgs[] = {"Hello World", "from another socket", "and back to the first"};
  for (int k = 0; k < 3; k++) {
    SOCKET s = k == 1 ? b : a;
    int n = sendto(s, msgs[k], strlen(msgs[k]), 0, peer->ai_addr, peer->ai_addrlen);
    printf("udp client: sent %d bytes.\n", n);
    char buf[1024];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    char host[100];
    getnameinfo((struct sockaddr *)&from, fl, host, sizeof host, 0, 0, NI_NUMERICHOST);
    printf("udp client: received (%d bytes) from %s: %.*s\n", n, host, n, buf);
  }
  /* An empty datagram: the book's server takes it for a close. */
  sendto(a, "", 0, 0, peer->ai_addr, peer->ai_addrlen);
  waitpid(server, &st, 0);
  printf("udp_serve_toupper: exit status %d\n", WEXITSTATUS(st));
  freeaddrinfo(peer);
  return 0;
}
