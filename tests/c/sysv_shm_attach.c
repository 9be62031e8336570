/* System V shared memory attachments as mappings (host/kernel/sysvshm.ts, mman.ts): shm_nattch through fork,
 * a child's exit and an mprotect that splits an attachment; SHM_RND|SHM_REMAP in place of an attachment;
 * shmat on a segment removed while attached; IPC_RMID of an unattached segment; SHM_LOCK. Compared with the
 * gcc build's output (tests/sysvshm.test.ts). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long nattch(int id) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) < 0) return 999;
  return (unsigned long)ds.shm_nattch;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int id = shmget(IPC_PRIVATE, 3 * 4096, IPC_CREAT | 0600);
  char *p = shmat(id, NULL, 0);
  printf("attached %d nattch %lu\n", p != (void *)-1, nattch(id));
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(fds[0], &c, 1);
    strcpy(p + 4096, "child wrote this");
    _exit(0);
  }
  printf("after fork nattch %lu\n", nattch(id));
  write(fds[1], "x", 1);
  waitpid(pid, NULL, 0);
  printf("after exit nattch %lu sees \"%s\"\n", nattch(id), p + 4096);

  int r1 = mprotect(p + 4096, 4096, PROT_READ);
  printf("mprotect %d nattch %lu\n", r1, nattch(id));
  r1 = shmdt(p);
  printf("shmdt %d nattch %lu\n", r1, nattch(id));

  p = shmat(id, NULL, 0);
  printf("again sees \"%s\" nattch %lu\n", p + 4096, nattch(id));
  strcpy(p, "first");
  char *w = shmat(id, NULL, 0);
  printf("second writable attach sees \"%s\", the first still \"%s\"\n", w, p);
  strcpy(w, "second");
  strcpy(p + 100, "via first");
  nattch(id); /* a system call: socklab merges two attachments of one process at its calls */
  printf("after a call the first sees \"%s\", the second \"%s\"\n", p, w + 100);
  shmdt(w);
  char *q = shmat(id, p + 1, SHM_RND | SHM_REMAP);
  printf("remap same place %d nattch %lu sees \"%s\"\n", q == p, nattch(id), q + 4096);

  r1 = shmctl(id, IPC_RMID, NULL);
  printf("rmid %d\n", r1);
  char *r = shmat(id, NULL, SHM_RDONLY);
  printf("attach removed %d nattch %lu sees \"%s\"\n", r != (void *)-1, nattch(id), r + 4096);
  shmdt(r);
  r1 = shmctl(id, SHM_LOCK, NULL);
  printf("lock %d\n", r1);
  struct shmid_ds ds;
  shmctl(id, IPC_STAT, &ds);
  printf("mode %o\n", ds.shm_perm.mode);
  r1 = shmctl(id, SHM_UNLOCK, NULL);
  printf("unlock %d\n", r1);
  shmdt(q);
  r1 = shmctl(id, IPC_STAT, &ds);
  printf("gone %d %s\n", r1, strerror(errno));

  int id2 = shmget(IPC_PRIVATE, 100, IPC_CREAT | 0600);
  r1 = shmctl(id2, IPC_RMID, NULL);
  int r2 = shmctl(id2, IPC_STAT, &ds);
  printf("rmid unattached %d then %d %s\n", r1, r2, strerror(errno));
  return 0;
}
