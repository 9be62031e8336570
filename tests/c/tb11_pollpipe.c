/* poll(2)'s EXAMPLES ("poll_input.c"), adapted from FIFOs named on the command
 * line to two pipes, each written by a child: poll all of them for POLLIN,
 * print each fd's revents, read what is there, and close an fd once it has
 * only POLLHUP/POLLERR left, until every fd is closed. Each child writes and
 * exits before the parent polls (it waits for the child first), so every
 * poll finds the same events natively and under socklab. Then the page's
 * other cases: a write end polled for POLLOUT, POLLNVAL for a closed fd, a
 * negative fd ignored, a zero timeout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define errExit(msg) do { perror(msg); exit(EXIT_FAILURE); } while (0)

static void show(struct pollfd *pfds, int j) {
  printf("  fd=%d; events: %s%s%s%s\n", j, (pfds[j].revents & POLLIN) ? "POLLIN " : "", (pfds[j].revents & POLLHUP) ? "POLLHUP " : "",
         (pfds[j].revents & POLLERR) ? "POLLERR " : "", (pfds[j].revents & POLLNVAL) ? "POLLNVAL " : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int nfds = 2, num_open_fds = 2;
  struct pollfd *pfds = calloc(nfds, sizeof(struct pollfd));
  if (pfds == NULL) errExit("malloc");
  const char *texts[] = {"first pipe's data\n", "second pipe's words\n"};
  /* Open each pipe, and add it to the 'pfds' array (the page opens each FIFO). */
  for (int j = 0; j < nfds; j++) {
    int p[2];
    if (pipe(p) == -1) errExit("pipe");
    pid_t pid = fork();
    if (pid == 0) {
      close(p[0]);
      write(p[1], texts[j], strlen(texts[j]));
      _exit(0);
    }
    close(p[1]);
    waitpid(pid, NULL, 0);
    printf("Opened pipe %d on fd %d\n", j, p[0]);
    pfds[j].fd = p[0];
    pfds[j].events = POLLIN;
  }
  /* Keep calling poll() as long as at least one file descriptor is open. */
  while (num_open_fds > 0) {
    int ready;
    printf("About to poll()\n");
    ready = poll(pfds, nfds, -1);
    if (ready == -1) errExit("poll");
    printf("Ready: %d\n", ready);
    /* Deal with array returned by poll(). */
    for (int j = 0; j < nfds; j++) {
      if (pfds[j].revents != 0) {
        show(pfds, j);
        if (pfds[j].revents & POLLIN) {
          char buf[10];
          ssize_t s = read(pfds[j].fd, buf, sizeof(buf));
          if (s == -1) errExit("read");
          printf("    read %zd bytes: %.*s\n", s, (int)s, buf);
        } else { /* POLLERR | POLLHUP */
          printf("    closing fd %d\n", pfds[j].fd);
          if (close(pfds[j].fd) == -1) errExit("close");
          /* The page leaves the fd in the array: -1 makes poll skip it. */
          pfds[j].fd = -1;
          num_open_fds--;
        }
      }
    }
  }
  printf("All file descriptors closed; bye\n");

  /* A write end: POLLOUT while there is room; POLLERR once the reader has gone. */
  int p[2];
  pipe(p);
  struct pollfd w[3] = {{.fd = p[1], .events = POLLOUT}, {.fd = 99, .events = POLLIN}, {.fd = -5, .events = POLLIN}};
  int r = poll(w, 3, 0);
  printf("write end, closed fd, negative fd: %d; %#x %#x %#x\n", r, w[0].revents, w[1].revents, w[2].revents);
  close(p[0]);
  r = poll(w, 1, 0);
  printf("write end without a reader: %d; %#x\n", r, w[0].revents);
  /* Nothing to read and a zero timeout: 0 at once. */
  int q[2];
  pipe(q);
  struct pollfd e = {.fd = q[0], .events = POLLIN};
  r = poll(&e, 1, 0);
  printf("empty pipe, zero timeout: %d; %#x\n", r, e.revents);
  errno = 0;
  r = poll(NULL, 1, 0);
  printf("NULL array: %d %s\n", r, strerror(errno));
  close(p[1]);
  close(q[0]);
  close(q[1]);
  free(pfds);
  return 0;
}
