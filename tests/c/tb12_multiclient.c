/* GeeksforGeeks' "Handling multiple clients on server without multi
 * threading", as students hand it in: client_socket[30] zeroed (0 marks a
 * free slot), SO_REUSEADDR on the master socket, a readfds rebuilt before
 * each select() with max_sd tracked, "New connection , socket fd is ..."
 * and the "ECHO Daemon v1.0" welcome message sent to each new client, a
 * read() of 0 answered with getpeername() and "Host disconnected", and the
 * echo done as buffer[valread] = '\0'; send(strlen(buffer)), so the bytes
 * after a NUL are lost. The original loops for ever; this one calls exit(0)
 * from inside the loop when its third client has gone. Ports are ephemeral:
 * printed as PORT. The server's stdout is a file (fully buffered, as a
 * pipe would be: nothing shows until exit flushes it). The clients (one process holding several connections)
 * read the welcome, wait for each echo, and end with shutdown(SHUT_WR) and a
 * read to EOF, so the server has closed their socket before the next step:
 * every select() result is fixed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#define TRUE 1
#define FALSE 0

static int PORT;
static int gone;

int server_main(int portpipe) {
  int opt = TRUE;
  int master_socket, addrlen, new_socket, client_socket[30], max_clients = 30, activity, i, valread, sd;
  int max_sd;
  struct sockaddr_in address;
  char buffer[1025];
  fd_set readfds;
  char *message = "ECHO Daemon v1.0 \r\n";
  for (i = 0; i < max_clients; i++) {
    client_socket[i] = 0;
  }
  if ((master_socket = socket(AF_INET, SOCK_STREAM, 0)) == 0) {
    perror("socket failed");
    exit(EXIT_FAILURE);
  }
  if (setsockopt(master_socket, SOL_SOCKET, SO_REUSEADDR, (char *)&opt, sizeof(opt)) < 0) {
    perror("setsockopt");
    exit(EXIT_FAILURE);
  }
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = INADDR_ANY;
  address.sin_port = htons(PORT);
  if (bind(master_socket, (struct sockaddr *)&address, sizeof(address)) < 0) {
    perror("bind failed");
    exit(EXIT_FAILURE);
  }
  printf("Listener on port %s \n", "PORT");
  if (listen(master_socket, 3) < 0) {
    perror("listen");
    exit(EXIT_FAILURE);
  }
  addrlen = sizeof(address);
  getsockname(master_socket, (struct sockaddr *)&address, (socklen_t *)&addrlen);
  write(portpipe, &address.sin_port, 2);
  close(portpipe);
  puts("Waiting for connections ...");
  while (TRUE) {
    FD_ZERO(&readfds);
    FD_SET(master_socket, &readfds);
    max_sd = master_socket;
    for (i = 0; i < max_clients; i++) {
      sd = client_socket[i];
      if (sd > 0) FD_SET(sd, &readfds);
      if (sd > max_sd) max_sd = sd;
    }
    activity = select(max_sd + 1, &readfds, NULL, NULL, NULL);
    if ((activity < 0) && (errno != EINTR)) {
      printf("select error");
    }
    if (FD_ISSET(master_socket, &readfds)) {
      if ((new_socket = accept(master_socket, (struct sockaddr *)&address, (socklen_t *)&addrlen)) < 0) {
        perror("accept");
        exit(EXIT_FAILURE);
      }
      printf("New connection , socket fd is %d , ip is : %s , port : %s \n", new_socket, inet_ntoa(address.sin_addr), "PORT");
      if (send(new_socket, message, strlen(message), 0) != strlen(message)) {
        perror("send");
      }
      puts("Welcome message sent successfully");
      for (i = 0; i < max_clients; i++) {
        if (client_socket[i] == 0) {
          client_socket[i] = new_socket;
          printf("Adding to list of sockets as %d\n", i);
          break;
        }
      }
    }
    for (i = 0; i < max_clients; i++) {
      sd = client_socket[i];
      if (FD_ISSET(sd, &readfds)) {
        if ((valread = read(sd, buffer, 1024)) == 0) {
          getpeername(sd, (struct sockaddr *)&address, (socklen_t *)&addrlen);
          printf("Host disconnected , ip %s , port %s \n", inet_ntoa(address.sin_addr), "PORT");
          close(sd);
          client_socket[i] = 0;
          if (++gone == 3) exit(0);
        } else {
          buffer[valread] = '\0';
          send(sd, buffer, strlen(buffer), 0);
        }
      }
    }
  }
  return 0;
}

static int cli(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(PORT);
  a.sin_addr.s_addr = inet_addr("127.0.0.1");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) perror("connect");
  char buf[64];
  int n = read(fd, buf, sizeof buf);
  printf("client fd %d: welcome %d bytes: %.*s", fd, n, n, buf);
  return fd;
}

static void say(int fd, const char *msg, int len) {
  char buf[64];
  send(fd, msg, len, 0);
  int n = recv(fd, buf, sizeof buf, 0);
  printf("client fd %d sent %d bytes, echo %d bytes: '%.*s'\n", fd, len, n, n, buf);
}

static void bye(int fd) {
  char buf[64];
  shutdown(fd, SHUT_WR);
  int n = read(fd, buf, sizeof buf);
  printf("client fd %d: after shutdown, read %d\n", fd, n);
  close(fd);
}

int main(void) {
  int pp[2], st;
  unsigned short port;
  setvbuf(stdout, NULL, _IONBF, 0);
  pipe(pp);
  pid_t srv = fork();
  if (srv == 0) {
    /* The server's output goes to a file, shown once it has exited: both sides print as they go. */
    int o = open("server.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    close(o);
    close(pp[0]);
    exit(server_main(pp[1]));
  }
  close(pp[1]);
  read(pp[0], &port, 2);
  close(pp[0]);
  PORT = ntohs(port);
  int a = cli();
  say(a, "hello from a", 12);
  int b = cli();
  say(b, "hello from b", 12);
  say(a, "bin\0ary", 7); /* the server's strlen() stops at the NUL */
  bye(a);
  int c = cli(); /* takes slot 0 again */
  say(c, "c here", 6);
  bye(b);
  bye(c);
  waitpid(srv, &st, 0);
  char out[4096];
  int k, got = 0, fd = open("server.out", O_RDONLY);
  while ((k = read(fd, out + got, sizeof out - got)) > 0) got += k;
  close(fd);
  unlink("server.out");
  printf("---- server (exit %d) ----\n%.*s", WEXITSTATUS(st), got, out);
  return 0;
}
