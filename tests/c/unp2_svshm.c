/* UNP vol. 2 ch. 14 (svshm/: shmget, shmwrite, shmread, shmrmid) and the ch. 12-13 counter: a segment made with
 * ftok(".") of the run's own directory; the parent writes the book's pattern (i % 256), a forked child reads
 * and checks it; then parent and child add 1 to a counter in the segment NLOOP times each under a POSIX
 * semaphore beside it (sem_init pshared 1), and under a System V semaphore. Compared with gcc (tests/unpv2.test.ts). */
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define LEN 10000
#define NLOOP 300
struct shmstruct { sem_t mutex; int count; int svcount; };

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  key_t key = ftok(".", 's');
  int id = shmget(key, LEN, IPC_CREAT | IPC_EXCL | 0644);
  if (id < 0) { perror("shmget"); return 1; }
  unsigned char *ptr = shmat(id, NULL, 0);
  struct shmid_ds buff;
  shmctl(id, IPC_STAT, &buff);
  printf("shm_segsz %lu nattch %lu mode %o\n", (unsigned long)buff.shm_segsz, (unsigned long)buff.shm_nattch, buff.shm_perm.mode & 0777);
  for (int i = 0; i < LEN; i++) *ptr++ = i % 256; /* shmwrite */
  pid_t pid = fork();
  if (pid == 0) { /* shmread, by a fresh attach of the id */
    int bad = 0;
    unsigned char *p = shmat(shmget(key, 0, 0), NULL, SHM_RDONLY);
    for (int i = 0; i < LEN; i++) if (p[i] != i % 256) bad++;
    shmctl(id, IPC_STAT, &buff);
    printf("child: %d bad bytes, nattch %lu\n", bad, (unsigned long)buff.shm_nattch);
    _exit(bad != 0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("reader exit %d\n", WEXITSTATUS(status));
  shmctl(id, IPC_STAT, &buff);
  printf("nattch after %lu\n", (unsigned long)buff.shm_nattch);

  int id2 = shmget(IPC_PRIVATE, sizeof(struct shmstruct), IPC_CREAT | 0600);
  struct shmstruct *s = shmat(id2, NULL, 0);
  printf("starts at %d\n", s->count);
  sem_init(&s->mutex, 1, 1);
  int semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  struct sembuf up = {0, 1, 0}, down = {0, -1, SEM_UNDO};
  semop(semid, &up, 1);
  pid = fork();
  for (int i = 0; i < NLOOP; i++) {
    sem_wait(&s->mutex);
    s->count++;
    if (i % 30 == 0) sched_yield();
    sem_post(&s->mutex);
    semop(semid, &down, 1);
    s->svcount++;
    if (i % 30 == 0) sched_yield();
    up.sem_flg = SEM_UNDO;
    semop(semid, &up, 1);
  }
  if (pid == 0) _exit(0);
  waitpid(pid, &status, 0);
  printf("count %d svcount %d\n", s->count, s->svcount);
  int d1 = shmdt(s), d2 = shmdt(ptr - LEN), r1 = shmctl(id2, IPC_RMID, NULL), r2 = shmctl(id, IPC_RMID, NULL);
  printf("shmdt %d %d rmid %d %d semrm %d\n", d1, d2, r1, r2, semctl(semid, 0, IPC_RMID));
  int r = shmget(key, 0, 0);
  printf("gone: %d %s\n", r, strerror(errno));
  return 0;
}
