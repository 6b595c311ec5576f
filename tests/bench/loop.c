/* bench-loop: the measured program. Each MODE runs a warm-up, then a
 * timed loop, and prints "MODE NS_PER_CALL CALLS" on stdout:
 *   getpid   raw getpid(2)
 *   mkdir    mkdir of fresh names under DIR, in batches: only the mkdirs
 *            are timed, the rmdirs that empty the batch are not
 *   mkdirrel the same, but from inside its directory under DIR (chdir)
 *            with relative single-component names, as mkdir -p, git or
 *            python create; the cwd is restored after
 *   eexist   mkdir of an existing directory (EEXIST)
 *   denied   mkdir of PATH (-x), which must fail with EPERM
 *   erofs    mkdir of PATH (-x) on a read-only mount: must fail with EROFS
 *   tp       mkdir+rmdir for SECS (-T) after a start barrier, each mkdir
 *            timed into a histogram written to FILE (-o)
 *   idle     the start barrier only: attach, say ready, wait for EOF
 * It ends with "mkdircalls N": every mkdir it made (for the record check)
 * and "covered 0|1": whether our filter answers the probe. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../common/syscalls.h"
#include "bench.h"

#define BATCH 200

struct opts {
	int allow_all;
	unsigned long n, ng;
	const char *dir, *denied, *out;
	double secs;
	int rfd, wfd;
};

static unsigned long mkdir_calls;
static char workdir[4096];

static int try_mkdir(const char *p)
{
	mkdir_calls++;
	return mkdir(p, 0755) < 0 ? -errno : 0;
}

static void expect(const char *p, int got, int want)
{
	if (got == want)
		return;
	fprintf(stderr, "bench-loop: mkdir %s: got %s, want %s\n", p,
		got ? strerrorname_np(-got) : "0", want ? strerrorname_np(-want) : "0");
	exit(1);
}

/* The process's own directory under DIR, made on first use. */
static const char *work(const struct opts *o)
{
	if (!workdir[0]) {
		if (!o->dir) {
			fprintf(stderr, "bench-loop: this mode needs -d DIR\n");
			exit(2);
		}
		snprintf(workdir, sizeof(workdir), "%s/l%d", o->dir, (int)getpid());
		expect(workdir, try_mkdir(workdir), 0);
	}
	return workdir;
}

static void allow_all(void)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &insn };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("bench-loop: allow-all filter");
		exit(1);
	}
}

/* "MODE NS CALLS": NS is the median over the blocks' per-call times. */
static void report(const char *mode, double *per_call, unsigned blocks, unsigned long calls)
{
	printf("%s %.1f %lu\n", mode, bench_median(per_call, blocks), calls);
	fflush(stdout);
}

static void run_getpid(const struct opts *o)
{
	unsigned long per = o->ng / BLOCKS + 1;
	double v[BLOCKS];
	uint64_t t0;

	for (unsigned long i = 0; i < o->ng / 10; i++)
		syscall(SYS_getpid);
	for (unsigned b = 0; b < BLOCKS; b++) {
		t0 = now_ns();
		for (unsigned long i = 0; i < per; i++)
			syscall(SYS_getpid);
		v[b] = (double)(now_ns() - t0) / (double)per;
	}
	report("getpid", v, BLOCKS, per * BLOCKS);
}

/* One batch: BATCH timed mkdirs of fresh names, then untimed rmdirs. */
static uint64_t mkdir_batch(char **names)
{
	uint64_t t0 = now_ns(), t;

	for (unsigned j = 0; j < BATCH; j++)
		expect(names[j], try_mkdir(names[j]), 0);
	t = now_ns() - t0;
	for (unsigned j = 0; j < BATCH; j++)
		if (rmdir(names[j]) < 0) {
			perror("bench-loop: rmdir");
			exit(1);
		}
	return t;
}

/* Each batch is one block. rel: names relative to the work directory,
 * made the cwd for the loop (mkdirrel); else absolute ones (mkdir). */
static void run_mkdir(const struct opts *o, int rel)
{
	unsigned long batches = (o->n + BATCH - 1) / BATCH;
	char *names[BATCH];
	double *v;
	int cwd = -1;

	if (batches < BLOCKS)
		batches = BLOCKS;
	v = calloc(batches, sizeof(*v));
	if (!v)
		exit(1);
	if (rel) {
		cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cwd < 0 || chdir(work(o)) < 0) {
			perror("bench-loop: mkdirrel: chdir");
			exit(1);
		}
	}
	for (unsigned j = 0; j < BATCH; j++)
		if ((rel ? asprintf(&names[j], "d%u", j) :
			   asprintf(&names[j], "%s/d%u", work(o), j)) < 0)
			exit(1);
	(void)mkdir_batch(names);	/* warm-up */
	for (unsigned long b = 0; b < batches; b++)
		v[b] = (double)mkdir_batch(names) / BATCH;
	report(rel ? "mkdirrel" : "mkdir", v, (unsigned)batches, batches * BATCH);
	if (rel && (fchdir(cwd) < 0 || close(cwd) < 0)) {
		perror("bench-loop: mkdirrel: back to the cwd");
		exit(1);
	}
	for (unsigned j = 0; j < BATCH; j++)
		free(names[j]);
	free(v);
}

/* A loop of identical calls that must all fail with want. */
static void run_failing(const char *mode, const char *path, int want, unsigned long n)
{
	unsigned long per = n / BLOCKS + 1;
	double v[BLOCKS];
	uint64_t t0;

	for (unsigned long i = 0; i < n / 10 + 1; i++)
		expect(path, try_mkdir(path), want);
	for (unsigned b = 0; b < BLOCKS; b++) {
		t0 = now_ns();
		for (unsigned long i = 0; i < per; i++)
			if (try_mkdir(path) != want)
				expect(path, try_mkdir(path), want);
		v[b] = (double)(now_ns() - t0) / (double)per;
	}
	report(mode, v, BLOCKS, per * BLOCKS);
}

static void run_eexist(const struct opts *o)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/e", work(o));
	expect(path, try_mkdir(path), 0);
	run_failing("eexist", path, -EEXIST, o->n);
	(void)rmdir(path);
}

static void run_denied(const struct opts *o)
{
	if (!o->denied) {
		fprintf(stderr, "bench-loop: denied needs -x PATH\n");
		exit(2);
	}
	run_failing("denied", o->denied, -EPERM, o->n);
}

/* -x PATH whose parent is read-only and outside the allowed roots: the
 * refusal that gives the kernel's own errno (issue 19), natively too */
static void run_erofs(const struct opts *o)
{
	if (!o->denied) {
		fprintf(stderr, "bench-loop: erofs needs -x PATH\n");
		exit(2);
	}
	run_failing("erofs", o->denied, -EROFS, o->n);
}

/* Say ready on wfd, then wait until the launcher closes the other end of
 * rfd: every worker starts at once. */
static void barrier(const struct opts *o)
{
	char c = 'r';

	if (o->rfd < 0 || o->wfd < 0) {
		fprintf(stderr, "bench-loop: this mode needs -r FD -w FD\n");
		exit(2);
	}
	if (write(o->wfd, &c, 1) != 1) {
		perror("bench-loop: ready");
		exit(1);
	}
	close(o->wfd);
	while (read(o->rfd, &c, 1) > 0 || errno == EINTR)
		;
	close(o->rfd);
}

static void tp_save(const struct opts *o, const struct tp_result *r)
{
	int fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r) || close(fd) < 0) {
		perror("bench-loop: tp result");
		exit(1);
	}
}

static void run_tp(const struct opts *o)
{
	static struct tp_result r;
	char path[4200];
	uint64_t start, t0, t1, end;
	int e;

	if (!o->out || o->secs <= 0) {
		fprintf(stderr, "bench-loop: tp needs -o FILE and -T SECS\n");
		exit(2);
	}
	snprintf(path, sizeof(path), "%s/d", work(o));
	barrier(o);
	start = t1 = now_ns();
	end = start + (uint64_t)(o->secs * 1e9);
	while (t1 < end) {
		t0 = now_ns();
		e = try_mkdir(path);
		t1 = now_ns();
		r.hist[hist_bucket(t1 - t0)]++;
		r.calls++;
		if (e || rmdir(path) < 0)
			r.errors++;
	}
	r.elapsed_ns = t1 - start;
	tp_save(o, &r);
}

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: bench-loop [-a] [-n N] [-g N] [-d DIR] [-x PATH] [-T SECS -o FILE]\n"
		"                  [-r FD -w FD] MODE...\n"
		"  MODE: getpid mkdir mkdirrel eexist denied erofs tp idle\n"
		"  -a allow-all seccomp filter first; -n mkdir iterations (20000);\n"
		"  -g getpid iterations (1000000); -r/-w barrier fds (read go, write ready)\n");
	exit(code);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .n = 20000, .ng = 1000000, .rfd = -1, .wfd = -1 };
	while ((c = getopt(argc, argv, "+an:g:d:x:T:o:r:w:h")) != -1) {
		switch (c) {
		case 'a':
			o->allow_all = 1;
			break;
		case 'n':
			o->n = strtoul(optarg, NULL, 10);
			break;
		case 'g':
			o->ng = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'x':
			o->denied = optarg;
			break;
		case 'T':
			o->secs = strtod(optarg, NULL);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'r':
			o->rfd = atoi(optarg);
			break;
		case 'w':
			o->wfd = atoi(optarg);
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind >= argc || !o->n || !o->ng)
		usage(2);
}

static void run_mode(const struct opts *o, const char *m)
{
	if (!strcmp(m, "getpid"))
		run_getpid(o);
	else if (!strcmp(m, "mkdir"))
		run_mkdir(o, 0);
	else if (!strcmp(m, "mkdirrel"))
		run_mkdir(o, 1);
	else if (!strcmp(m, "eexist"))
		run_eexist(o);
	else if (!strcmp(m, "denied"))
		run_denied(o);
	else if (!strcmp(m, "erofs"))
		run_erofs(o);
	else if (!strcmp(m, "tp"))
		run_tp(o);
	else if (!strcmp(m, "idle"))
		barrier(o);
	else
		usage(2);
}

int main(int argc, char **argv)
{
	struct opts o;
	int covered;

	parse(argc, argv, &o);
	covered = syscall(SYSCALLS_PROBE_NR) == -1 && errno == SYSCALLS_PROBE_ERRNO;
	if (o.allow_all)
		allow_all();
	for (int i = optind; i < argc; i++)
		run_mode(&o, argv[i]);
	if (workdir[0])
		(void)rmdir(workdir);
	printf("mkdircalls %lu\ncovered %d\n", mkdir_calls, covered);
	return 0;
}
