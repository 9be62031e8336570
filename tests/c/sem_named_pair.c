/* A named semaphore between two programs no fork relates (tests/posixsem.test.ts
 * starts both, socklab on one host, natively side by side): `sem_named_pair
 * wait NAME` and `sem_named_pair post NAME` both open NAME with O_CREAT and
 * value 0, whichever comes first making it; the waiter sleeps until the
 * poster's sem_post, then unlinks the name. */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  sem_t *s = sem_open(argv[2], O_CREAT, 0600, 0);
  if (s == SEM_FAILED) {
    perror("sem_open");
    return 1;
  }
  if (strcmp(argv[1], "wait") == 0) {
    int r = sem_wait(s);
    int v = -1;
    sem_getvalue(s, &v);
    printf("waiter: sem_wait %d, value %d\n", r, v);
    sem_unlink(argv[2]);
  } else {
    printf("poster: sem_post %d\n", sem_post(s));
  }
  return sem_close(s);
}
