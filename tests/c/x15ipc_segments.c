/* APUE 15.31: where the bss, the heap, a shared memory segment and the stack go. The book prints addresses;
 * they differ run to run and machine to machine, so this prints how they lie relative to one another. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>

#define ARRAY_SIZE 40000
#define MALLOC_SIZE 100000
#define SHM_SIZE 100000
#define SHM_MODE 0600 /* user read/write */

static void err_sys(const char *m) { perror(m); exit(1); }

char array[ARRAY_SIZE]; /* uninitialized data = bss */
int initialized = 1;    /* initialized data */

static const char *rel(const void *a, const void *b) { return (uintptr_t)a < (uintptr_t)b ? "below" : "above"; }

int main(void) {
  int shmid;
  char *ptr, *shmptr;
  int local;

  if ((ptr = malloc(MALLOC_SIZE)) == NULL) err_sys("malloc error");
  if ((shmid = shmget(IPC_PRIVATE, SHM_SIZE, SHM_MODE)) < 0) err_sys("shmget error");
  if ((shmptr = shmat(shmid, 0, 0)) == (void *)-1) err_sys("shmat error");
  printf("initialized data is %s array[]\n", rel(&initialized, array));
  printf("malloced is %s array[]\n", rel(ptr, array + ARRAY_SIZE));
  printf("shared memory is %s malloced\n", rel(shmptr, ptr + MALLOC_SIZE));
  printf("stack is %s shared memory\n", rel(&local, shmptr + SHM_SIZE));
  printf("stack is %s array[]\n", rel(&local, array));
  printf("shared memory is page aligned: %s\n", ((uintptr_t)shmptr & 4095) == 0 ? "yes" : "no");
  struct shmid_ds ds;
  if (shmctl(shmid, IPC_STAT, &ds) < 0) err_sys("shmctl IPC_STAT error");
  printf("shm_segsz %zu, shm_nattch %lu\n", (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch);
  if (shmctl(shmid, IPC_RMID, 0) < 0) err_sys("shmctl error");
  if (shmctl(shmid, IPC_STAT, &ds) < 0) err_sys("shmctl IPC_STAT error");
  printf("after IPC_RMID: mode %#o, shm_nattch %lu\n", (unsigned)ds.shm_perm.mode, (unsigned long)ds.shm_nattch);
  shmptr[0] = 'x';
  if (shmdt(shmptr) < 0) err_sys("shmdt error");
  printf("shmat after the last detach: %s\n", shmat(shmid, 0, 0) == (void *)-1 ? "failed" : "attached");
  exit(0);
}
