/* System V IPC objects belong to their creator's effective ids (Linux's
 * newque/newary/newseg): made by root, then by a child that dropped to
 * nobody; IPC_STAT shows uid/gid and cuid/cgid (compared with gcc's build
 * run as root by differential.test.ts). */
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

int main(void) {
  show("root");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) || setuid(65534)) _exit(1);
    show("nobody");
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  return 0;
}
