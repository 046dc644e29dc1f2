/* threads: one job on several threads, the calling thread among them. */
#ifndef WAYMARK_THREADS_H
#define WAYMARK_THREADS_H

#include <stddef.h>

/* The number of online CPUs (at least 1). */
size_t threads_cpus(void);

/* Seconds on the monotonic clock: for timing work, a phase or a hook. */
double monotonic_seconds(void);
/* Seconds of CPU the calling thread has used. */
double thread_cpu_seconds(void);

/*
 * Run fn(arg i) for i = 0..n-1 and wait for them all: arg 0 on the calling
 * thread, the others on threads of their own. Arg i is (char *)args +
 * i * size; with size 0 every one gets args itself. The workers are to
 * take their items from a shared counter, so that a thread that could not
 * be started leaves its share to the others. Returns how many ran.
 */
size_t threads_run(size_t n, void *(*fn)(void *), void *args, size_t size);

#endif
