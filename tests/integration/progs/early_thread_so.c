/* early_thread.so: a preload library whose constructor starts a thread
 * before libnotif's constructor may run (issue 4). The thread waits until
 * the process exits (our destructor), then calls mkdir($EARLY_MKDIR) and
 * prints "early: RESULT" on stderr. The constructor prints whether our
 * filter was already there ("early: ctor after libnotif" or "before"). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_t th;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go, started;

static void *early(void *arg)
{
	const char *path = getenv("EARLY_MKDIR");
	long r;

	(void)arg;
	pthread_mutex_lock(&mu);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if (!path)
		return NULL;
	r = syscall(SYS_mkdir, path, 0755);
	fprintf(stderr, "early: %s\n", r == 0 ? "0" : strerrorname_np(errno));
	return NULL;
}

__attribute__((constructor)) static void early_init(void)
{
	int covered = syscall(0x3ffffff0) == -1 && errno == 4000;

	fprintf(stderr, "early: ctor %s libnotif\n", covered ? "after" : "before");
	started = pthread_create(&th, NULL, early, NULL) == 0;
}

__attribute__((destructor)) static void early_fini(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);
}
