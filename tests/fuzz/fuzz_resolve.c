/* Fuzz the resolver (tracerd/resolve.c resolve_parent) on a scratch tree,
 * with this process's main thread as the target, and cross-check every
 * answer with the kernel: the parent part of the path opened with a plain
 * openat(O_PATH|O_DIRECTORY) by the main thread, which is how mkdir(2)
 * walks it. Asserted per input: the same success or errno as the kernel,
 * the same directory (mount id, dev, ino), a directory fd with FD_CLOEXEC,
 * a canonical out.resolved naming that directory plus the last component,
 * no fd leaked and nothing created in the scratch tree.
 *
 * Each input is resolved three ways: mkdir as tracerd sees a target with
 * its own root (the openat2 fast path, the walk on symlinks); mkdir with
 * tracerd's root made to look different (the by-hand walk for every
 * component, which must still agree with the kernel since the real root is
 * the same); and mkdirat with a dirfd picked from the input (a directory, a
 * file, a closed number, -1), compared with openat(dirfd, parent).
 *
 * The resolver runs in a helper thread with its own fd table
 * (unshare(CLONE_FILES)), as tracerd is a process of its own: otherwise
 * /proc/self/fd/N in a path could name the resolver's own temporary fds,
 * which the target cannot see. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_tree.h"
#include "resolve.h"
#include "syscalls.h"

/* One way of resolving an input. */
struct mode {
	const char *name;
	enum syscalls_kind kind;
	bool other_root;	/* pretend tracerd's root differs */
};

static const struct mode modes[] = {
	{ "mkdir", SYSCALLS_MKDIR, false },
	{ "mkdir/other-root", SYSCALLS_MKDIR, true },
	{ "mkdirat", SYSCALLS_MKDIRAT, false },
};

/* What the helper thread saw of the resolver's answer. */
struct seen {
	int r;
	bool isdir, cloexec;
	struct ident id;
	char fdpath[PATH_MAX];	/* "" when unknown */
	int fds_before, fds_after;
};

static struct resolve_in in, in_used;
static pid_t ids[2];
static char input_path[PATH_MAX];	/* the input, as the target's path */
static struct resolve_out out;
static struct seen seen;
static const struct mode *mode;
static int dirfds[4];		/* "d", "f", a closed number, -1 */
static uint64_t tree_digest;
static sem_t go, done;

/* A failed invariant, with the mode and the path it was found with. */
#define CHECK(cond, fmt, ...) \
	FUZZ_CHECK(cond, "[%s] %s: " fmt, mode->name, input_path, ##__VA_ARGS__)

static void inspect(int fd)
{
	char link[64];
	struct stat st;
	ssize_t n;
	int fl = fcntl(fd, F_GETFD);

	seen.isdir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	seen.cloexec = fl >= 0 && (fl & FD_CLOEXEC);
	FUZZ_CHECK(ident_at(fd, "", AT_EMPTY_PATH, &seen.id) == 0, "cannot identify parentfd");
	snprintf(link, sizeof(link), "/proc/thread-self/fd/%d", fd);
	n = readlink(link, seen.fdpath, sizeof(seen.fdpath));
	seen.fdpath[n > 0 && n < PATH_MAX ? n : 0] = '\0';
}

static void *helper(void *arg)
{
	(void)arg;
	FUZZ_CHECK(unshare(CLONE_FILES) == 0, "unshare(CLONE_FILES): %s", strerror(errno));
	for (;;) {
		while (sem_wait(&go) < 0)
			;
		seen.fds_before = fuzz_count_fds();
		seen.r = resolve_parent(&in_used, &out);
		if (seen.r == 0 && out.parentfd >= 0)
			inspect(out.parentfd);
		if (out.parentfd >= 0)
			close(out.parentfd);
		seen.fds_after = fuzz_count_fds();
		sem_post(&done);
	}
	return NULL;
}

static void open_fds(void)
{
	in.procfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	in.self_rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	FUZZ_CHECK(in.procfd >= 0 && in.self_rootfd >= 0, "cannot open /proc/self or /");
	ids[0] = getpid();
	ids[1] = gettid();
	in.nstgid = &ids[0];
	in.nspid = &ids[1];
	in.nslevels = 1;
	in.arena = resolve_arena_new();
	in.path = input_path;
	FUZZ_CHECK(in.arena != NULL, "cannot allocate the resolve arena");
	FUZZ_CHECK(ident_at(in.self_rootfd, "", AT_EMPTY_PATH, &in.self_root) == 0,
		   "cannot identify /");
	dirfds[0] = open("d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dirfds[1] = open("f", O_RDONLY | O_CLOEXEC);
	dirfds[2] = 1000;
	dirfds[3] = -1;
	FUZZ_CHECK(dirfds[0] >= 0 && dirfds[1] >= 0 && fcntl(dirfds[2], F_GETFD) < 0,
		   "cannot set up the mkdirat dirfds");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pthread_t t;

	(void)argc;
	(void)argv;
	FUZZ_CHECK(fuzz_tree_create() == 0, "cannot build the scratch tree");
	tree_digest = fuzz_tree_digest();
	open_fds();
	FUZZ_CHECK(sem_init(&go, 0, 0) == 0 && sem_init(&done, 0, 0) == 0, "sem_init");
	FUZZ_CHECK(pthread_create(&t, NULL, helper, NULL) == 0, "pthread_create");
	return 0;
}

/* The parent part as mkdir(2) walks it: everything before the last
 * component (trailing slashes ignored), "." when there is none, "/" for
 * the root itself. Also returns the last component. */
static void kernel_split(const char *path, char *parent, char *last)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0) {
		strcpy(parent, "/");
		last[0] = '\0';
		return;
	}
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	memcpy(last, path + start, end - start);
	last[end - start] = '\0';
	if (start == 0) {
		strcpy(parent, ".");
	} else {
		memcpy(parent, path, start);
		parent[start] = '\0';
	}
}

/* The audit record's "resolved": absolute, canonical, and exactly the
 * directory the fd names with the last component applied. */
static void check_resolved(const char *last)
{
	char want[2 * PATH_MAX];

	CHECK(fuzz_canonical(out.resolved), "resolved \"%s\" is not canonical", out.resolved);
	if (!seen.fdpath[0])
		return;
	snprintf(want, sizeof(want), "%s", seen.fdpath);
	fuzz_join(want, sizeof(want), last);
	CHECK(!strcmp(out.resolved, want), "resolved \"%s\", the fd says \"%s\"", out.resolved,
	      want);
}

static void check_success(int kfd, const char *last)
{
	struct ident kid;

	CHECK(seen.isdir, "parentfd is not a directory");
	CHECK(seen.cloexec, "parentfd without FD_CLOEXEC");
	CHECK(!strcmp(out.last, last), "last \"%s\", want \"%s\"", out.last, last);
	FUZZ_CHECK(ident_at(kfd, "", AT_EMPTY_PATH, &kid) == 0, "cannot identify kernel's fd");
	CHECK(ident_eq(&kid, &seen.id), "resolver's parent is not the kernel's");
	if (out.have_resolved)
		check_resolved(last);
}

/* Compare with the kernel. A refused magic link (out.deny) is policy: it
 * must come with EPERM, and the kernel's view does not apply; nor does it
 * past the walk's bound (E2BIG), which only links can reach. */
static void cross_check(int r)
{
	static char parent[PATH_MAX], last[PATH_MAX];
	int kfd, kerr;

	if (out.deny) {
		CHECK(r == -EPERM, "deny (%s) with %d", out.deny, r);
		return;
	}
	if (r == -E2BIG) {	/* tracerd's bound (4096 components): not the kernel's */
		CHECK(out.parentfd < 0, "E2BIG with fd %d", out.parentfd);
		CHECK(strstr(input_path, "ll") || strstr(input_path, "link"),
		      "E2BIG without a link to walk: %s", input_path);
		return;
	}
	kernel_split(input_path, parent, last);
	kfd = openat(in_used.dirfd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	kerr = kfd < 0 ? errno : 0;
	CHECK(r == -kerr, "resolver %d (%s), kernel %d (%s)", r, strerror(r < 0 ? -r : 0), -kerr,
	      strerror(kerr));
	if (r == 0)
		check_success(kfd, last);
	else
		CHECK(out.parentfd < 0, "failure with fd %d", out.parentfd);
	if (kfd >= 0)
		close(kfd);
}

/* Resolve the path the way m says, in the helper, and check the answer. */
static void run_mode(const struct mode *m, int dirfd)
{
	mode = m;
	in_used = in;
	if (m->other_root)
		in_used.self_root.ino ^= 1;
	in_used.dirfd = m->kind == SYSCALLS_MKDIRAT ? dirfd : AT_FDCWD;
	memset(&seen, 0, sizeof(seen));
	sem_post(&go);
	while (sem_wait(&done) < 0)
		;
	cross_check(seen.r);
	CHECK(seen.fds_after == seen.fds_before, "fd leak (%d before, %d after)", seen.fds_before,
	      seen.fds_after);
	CHECK(fuzz_tree_digest() == tree_digest, "the scratch tree changed");
}

/* The input is the path, cut at PATH_MAX - 1 bytes. */
static void setup_path(const uint8_t *data, size_t size)
{
	size_t n = size < PATH_MAX - 1 ? size : PATH_MAX - 1;

	memcpy(input_path, data, n);
	input_path[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sum = 0;

	setup_path(data, size);
	if (input_path[0] == '\0')	/* ENOENT before any resolution (notif.c) */
		return 0;
	for (size_t i = 0; i < size; i++)
		sum += data[i];
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		run_mode(&modes[i], dirfds[sum % 4]);
	return 0;
}
