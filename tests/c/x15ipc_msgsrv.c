/* APUE 15.6-15.8 (XSI IPC): a message-queue server and its clients, keys from ftok of argv[1] (a directory of
 * the run's own), a semaphore set as the clients' mutex and the server's "ready" signal. One process forks the
 * server and the clients; the clients' lines come in the order they ran (the test sorts them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/wait.h>

#define NCLIENT 3
#define REQUEST 1 /* mtype of requests; replies go to mtype = the client's pid */

struct mymesg {
  long mtype;
  char mtext[64];
};

union semun { int val; struct semid_ds *buf; unsigned short *array; };

static void err_sys(const char *m) { perror(m); exit(1); }

static void sem(int id, int num, int op) {
  struct sembuf b = { (unsigned short)num, (short)op, SEM_UNDO };
  if (semop(id, &b, 1) < 0) err_sys("semop error");
}

static void server(int qid, int sid) {
  struct mymesg m;
  sem(sid, 1, 1); /* ready */
  for (int n = 0; n < NCLIENT; n++) {
    ssize_t len = msgrcv(qid, &m, sizeof m.mtext, REQUEST, 0);
    if (len < 0) err_sys("msgrcv error");
    long client;
    char text[64];
    if (sscanf(m.mtext, "%ld %63s", &client, text) != 2) { fprintf(stderr, "bad request\n"); exit(1); }
    for (char *p = text; *p; p++) *p = toupper((unsigned char)*p);
    m.mtype = client;
    snprintf(m.mtext, sizeof m.mtext, "%s", text);
    if (msgsnd(qid, &m, strlen(m.mtext) + 1, 0) < 0) err_sys("msgsnd error");
  }
  exit(0);
}

static void client(key_t qkey, key_t skey, const char *word) {
  int qid = msgget(qkey, 0), sid = semget(skey, 0, 0);
  if (qid < 0 || sid < 0) err_sys("client get error");
  struct mymesg m = { REQUEST, "" };
  sem(sid, 0, -1); /* one client at a time */
  snprintf(m.mtext, sizeof m.mtext, "%ld %s", (long)getpid(), word);
  if (msgsnd(qid, &m, strlen(m.mtext) + 1, 0) < 0) err_sys("msgsnd error");
  ssize_t n = msgrcv(qid, &m, sizeof m.mtext, getpid(), 0);
  if (n < 0) err_sys("msgrcv error");
  printf("client %s: reply \"%s\" (%zd bytes), addressed to its pid: %s\n", word, m.mtext, n, m.mtype == getpid() ? "yes" : "no");
  sem(sid, 0, 1);
  exit(0);
}

int main(int argc, char *argv[]) {
  if (argc != 2) { fprintf(stderr, "usage: x15ipc_msgsrv <dir>\n"); exit(1); }
  key_t qkey = ftok(argv[1], 'q'), skey = ftok(argv[1], 's');
  if (qkey == (key_t)-1 || skey == (key_t)-1) err_sys("ftok error");
  printf("keys differ by the id only: %s\n", (qkey & 0xffffff) == (skey & 0xffffff) && qkey != skey ? "yes" : "no");
  int qid = msgget(qkey, IPC_CREAT | IPC_EXCL | 0600);
  if (qid < 0) err_sys("msgget error");
  printf("msgget again with IPC_EXCL: %s\n", msgget(qkey, IPC_CREAT | IPC_EXCL | 0600) < 0 ? strerror(errno) : "created");
  int sid = semget(skey, 2, IPC_CREAT | IPC_EXCL | 0600);
  if (sid < 0) err_sys("semget error");
  union semun arg;
  arg.val = 1;
  if (semctl(sid, 0, SETVAL, arg) < 0) err_sys("semctl SETVAL error");
  fflush(stdout);

  pid_t srv = fork();
  if (srv < 0) err_sys("fork error");
  if (srv == 0) server(qid, sid);
  sem(sid, 1, -1); /* wait until the server is ready */
  const char *words[NCLIENT] = { "alpha", "beta", "gamma" };
  for (int i = 0; i < NCLIENT; i++) {
    pid_t pid = fork();
    if (pid < 0) err_sys("fork error");
    if (pid == 0) client(qkey, skey, words[i]);
  }
  int st, ok = 0;
  while (wait(&st) > 0) ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
  struct msqid_ds ds;
  if (msgctl(qid, IPC_STAT, &ds) < 0) err_sys("msgctl IPC_STAT error");
  printf("%d processes exited 0; %lu messages left; semaphore 0 is %d\n", ok, (unsigned long)ds.msg_qnum, semctl(sid, 0, GETVAL));
  if (msgctl(qid, IPC_RMID, NULL) < 0) err_sys("msgctl IPC_RMID error");
  if (semctl(sid, 0, IPC_RMID) < 0) err_sys("semctl IPC_RMID error");
  printf("msgget after IPC_RMID: %s\n", msgget(qkey, 0) < 0 ? strerror(errno) : "found");
  printf("msgsnd to the removed queue: %s\n", msgsnd(qid, &(struct mymesg){ 1, "x" }, 2, 0) < 0 ? strerror(errno) : "sent");
  exit(0);
}
