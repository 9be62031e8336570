/* Benchmark guest: start-up cost of a hello world. */
#include <stdio.h>
int main(void) { printf("hello, world\n"); return 0; }
