/* System V IPC objects belong to their creator's effective ids (Linux's
 * newque/newary/newseg): made by root, then by a child that dropped to
 * nobody; IPC_STAT shows uid/gid and cuid/cgid. The child is then judged by
 * the permission bits of root's objects (ipcperms: EACCES; IPC_RMID of
 * another's: EPERM). Compared with gcc's build run as root by
 * differential.test.ts. */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *who) {
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600), s = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), m = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  struct msqid_ds qd;
  struct semid_ds sd;
  struct shmid_ds md;
  union { int val; struct semid_ds *buf; } arg = {.buf = &sd};
  if (q < 0 || s < 0 || m < 0 || msgctl(q, IPC_STAT, &qd) || semctl(s, 0, IPC_STAT, arg) || shmctl(m, IPC_STAT, &md)) {
    perror(who);
    return;
  }
  printf("%s: queue uid %u gid %u cuid %u cgid %u\n", who, qd.msg_perm.uid, qd.msg_perm.gid, qd.msg_perm.cuid, qd.msg_perm.cgid);
  printf("%s: sems uid %u gid %u cuid %u cgid %u\n", who, sd.sem_perm.uid, sd.sem_perm.gid, sd.sem_perm.cuid, sd.sem_perm.cgid);
  printf("%s: shm uid %u gid %u cuid %u cgid %u\n", who, md.shm_perm.uid, md.shm_perm.gid, md.shm_perm.cuid, md.shm_perm.cgid);
  msgctl(q, IPC_RMID, NULL);
  semctl(s, 0, IPC_RMID);
  shmctl(m, IPC_RMID, NULL);
}

static const char *res(int r) { return r < 0 ? strerror(errno) : "ok"; }

/* What nobody may do with root's queue, semaphore set and segment of the given mode. */
static void judge(const char *what, int q, int s, int m) {
  struct { long type; char text[8]; } msg = {1, "hi"};
  struct sembuf up = {0, 1, 0}, look = {0, 0, IPC_NOWAIT};
  struct msqid_ds qd;
  printf("%s: msgsnd %s\n", what, res(msgsnd(q, &msg, 3, IPC_NOWAIT)));
  printf("%s: msgrcv %s\n", what, res((int)msgrcv(q, &msg, sizeof msg.text, 0, IPC_NOWAIT)));
  printf("%s: msgctl IPC_STAT %s\n", what, res(msgctl(q, IPC_STAT, &qd)));
  printf("%s: semop +1 %s\n", what, res(semop(s, &up, 1)));
  printf("%s: semop wait-for-zero %s\n", what, res(semop(s, &look, 1)));
  printf("%s: semctl GETVAL %s\n", what, res(semctl(s, 0, GETVAL)));
  printf("%s: semctl SETVAL %s\n", what, res(semctl(s, 0, SETVAL, 0)));
  void *at = shmat(m, NULL, 0);
  printf("%s: shmat %s\n", what, at == (void *)-1 ? strerror(errno) : "ok");
  if (at != (void *)-1) shmdt(at);
  at = shmat(m, NULL, SHM_RDONLY);
  printf("%s: shmat SHM_RDONLY %s\n", what, at == (void *)-1 ? strerror(errno) : "ok");
  if (at != (void *)-1) shmdt(at);
  printf("%s: msgctl IPC_RMID %s\n", what, res(msgctl(q, IPC_RMID, NULL)));
  printf("%s: semctl IPC_RMID %s\n", what, res(semctl(s, 0, IPC_RMID)));
  printf("%s: shmctl IPC_RMID %s\n", what, res(shmctl(m, IPC_RMID, NULL)));
}

int main(void) {
  show("root");
  /* Root's objects: private ones, and one by key with a group-readable mode (nobody is in no group of root's). */
  int q6 = msgget(IPC_PRIVATE, IPC_CREAT | 0600), s6 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), m6 = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  int q66 = msgget(IPC_PRIVATE, IPC_CREAT | 0666), s66 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0666), m64 = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0644);
  key_t key = ftok(".", 'o');
  int keyed = msgget(key, IPC_CREAT | 0640);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) || setuid(65534)) _exit(1);
    show("nobody");
    judge("0600", q6, s6, m6);
    judge("0666/0644", q66, s66, m64);
    printf("msgget of root's 0640 key, asking 0600: %s\n", res(msgget(key, 0600)));
    printf("msgget of root's 0640 key, asking 0: %s\n", res(msgget(key, 0) < 0 ? -1 : 0));
    printf("msgget of root's 0640 key, asking 0004: %s\n", res(msgget(key, 0004) < 0 ? -1 : 0));
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  msgctl(q6, IPC_RMID, NULL), semctl(s6, 0, IPC_RMID), shmctl(m6, IPC_RMID, NULL);
  msgctl(q66, IPC_RMID, NULL), semctl(s66, 0, IPC_RMID), shmctl(m64, IPC_RMID, NULL);
  msgctl(keyed, IPC_RMID, NULL);
  return 0;
}
