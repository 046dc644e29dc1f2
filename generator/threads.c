/* threads: one job on several threads, the calling thread among them. */
#include "threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

size_t threads_cpus(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 1 ? (size_t)cpus : 1;
}

double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double thread_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t threads_run(size_t n, void *(*fn)(void *), void *args, size_t size)
{
	pthread_t *threads = xcalloc(n + 1, sizeof *threads);
	size_t i;

	for (i = 1; i < n; i++)
		if (pthread_create(&threads[i], NULL, fn, (char *)args + i * size) != 0)
			break; /* the others do what is left */
	n = i;
	fn(args);
	for (i = 1; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return n;
}
