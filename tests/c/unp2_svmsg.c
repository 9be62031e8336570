/* UNP vol. 2 ch. 6.8 (svmsgmpx1q): a file server on one System V message queue, multiplexed by message type.
 * The server (the parent) receives type-1 requests "PID pathname" and replies with messages of type PID,
 * the file's contents then a 0-length message; the client (a forked child) sends requests and prints the replies.
 * Before that, ch. 6.5's types: messages of types 100, 200, 300 read back by type 0, > 0 and < 0. The key is
 * ftok(".") of the run's own directory. Compared with the gcc build (tests/unpv2.test.ts). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define MAXMESGDATA 1024
struct mymesg { long mesg_type; char mesg_data[MAXMESGDATA]; };

static ssize_t mesg_send(int id, long type, const char *data, size_t len) {
  struct mymesg m;
  m.mesg_type = type;
  memcpy(m.mesg_data, data, len);
  return msgsnd(id, &m, len, 0);
}

static ssize_t mesg_recv(int id, long type, char *data) {
  struct mymesg m;
  ssize_t n = msgrcv(id, &m, MAXMESGDATA, type, 0);
  if (n > 0) memcpy(data, m.mesg_data, n);
  return n;
}

static void server(int id) {
  char buf[MAXMESGDATA + 1];
  for (;;) {
    ssize_t n = mesg_recv(id, 1, buf);
    if (n < 0) { perror("server msgrcv"); exit(1); }
    buf[n] = '\0';
    if (strcmp(buf, "quit") == 0) return;
    char *sp = strchr(buf, ' ');
    if (!sp) { fprintf(stderr, "bogus request: %s\n", buf); continue; }
    *sp++ = '\0';
    long pid = atol(buf);
    int fd = open(sp, O_RDONLY);
    if (fd < 0) {
      char e[MAXMESGDATA];
      snprintf(e, sizeof e, "%s: can't open, %s\n", sp, strerror(errno));
      mesg_send(id, pid, e, strlen(e));
    } else {
      char data[MAXMESGDATA];
      while ((n = read(fd, data, 500)) > 0) mesg_send(id, pid, data, n);
      close(fd);
    }
    mesg_send(id, pid, "", 0); /* the end */
  }
}

static void client(int id, const char *path) {
  char buf[MAXMESGDATA];
  int len = snprintf(buf, sizeof buf, "%ld %s", (long)getpid(), path);
  mesg_send(id, 1, buf, len);
  ssize_t n;
  int msgs = 0;
  while ((n = mesg_recv(id, getpid(), buf)) > 0) { write(STDOUT_FILENO, buf, n); msgs++; }
  printf("-- %s: %d messages, then %zd\n", path, msgs, n);
  fflush(stdout);
}

static void types(int id) {
  struct mymesg m;
  long t[] = {100, 200, 300, 100, 200};
  for (int i = 0; i < 5; i++) { m.mesg_type = t[i]; sprintf(m.mesg_data, "msg%d", i); msgsnd(id, &m, 5, 0); }
  struct msqid_ds ds;
  msgctl(id, IPC_STAT, &ds);
  printf("qnum %lu cbytes %lu\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes);
  long want[] = {300, -200, 0, 200, 999};
  for (int i = 0; i < 5; i++) {
    ssize_t n = msgrcv(id, &m, sizeof m.mesg_data, want[i], IPC_NOWAIT);
    if (n < 0) printf("msgrcv type %ld: %s\n", want[i], strerror(errno));
    else printf("msgrcv type %ld: %zd bytes type %ld %s\n", want[i], n, m.mesg_type, m.mesg_data);
  }
  ssize_t n = msgrcv(id, &m, 2, 0, IPC_NOWAIT);
  printf("too small: %zd %s\n", n, strerror(errno));
  n = msgrcv(id, &m, 2, 0, IPC_NOWAIT | MSG_NOERROR);
  printf("MSG_NOERROR: %zd type %ld %.2s\n", n, m.mesg_type, m.mesg_data);
  n = msgrcv(id, &m, 2, 0, IPC_NOWAIT);
  printf("empty: %zd %s\n", n, strerror(errno));
}

int main(void) {
  if (chdir(tmp_dir()) < 0) { perror("chdir"); return 1; }
  FILE *f = fopen("unp2_svmsg.txt", "w");
  for (int i = 1; i <= 100; i++) fprintf(f, "message line %d\n", i);
  fclose(f);
  key_t key = ftok(".", 'q');
  int id = msgget(key, IPC_CREAT | IPC_EXCL | 0644);
  if (id < 0) { perror("msgget"); return 1; }
  types(id);
  /* The client is the child: under socklab the first process is pid 1, and a client of pid 1 would get
   * replies of type 1, the requests' type (init is never a client on Linux). */
  pid_t pid = fork();
  if (pid == 0) {
    client(id, "unp2_svmsg.txt");
    client(id, "missing.txt");
    mesg_send(id, 1, "quit", 4);
    exit(0);
  }
  server(id);
  int status;
  waitpid(pid, &status, 0);
  printf("client exit %d\n", WEXITSTATUS(status));
  printf("rmid %d\n", msgctl(id, IPC_RMID, NULL));
  printf("gone: %d %s\n", msgget(key, 0), strerror(errno));
  unlink("unp2_svmsg.txt");
  return 0;
}
