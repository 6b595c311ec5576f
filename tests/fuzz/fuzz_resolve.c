/* Fuzz the resolver (tracerd/resolve.c resolve_parent) on a scratch tree,
 * with this process as its own target, and cross-check every answer with
 * the kernel: the parent part of the path opened with a plain
 * openat(O_PATH|O_DIRECTORY), which is how mkdir(2) walks it. Asserted per
 * input: the same success or errno as the kernel, the same directory
 * (mount id, dev, ino), a directory fd with FD_CLOEXEC, a canonical
 * c->resolved that names that directory plus the last component, no fd
 * leaked and nothing created in the scratch tree. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_tree.h"
#include "resolve.h"

static struct resolve_in in;
static struct call call;
static struct resolve_out out;
static uint64_t tree_digest;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(fuzz_tree_create() == 0, "cannot build the scratch tree");
	tree_digest = fuzz_tree_digest();
	in.procfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	in.self_rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	FUZZ_CHECK(in.procfd >= 0 && in.self_rootfd >= 0, "cannot open /proc/self or /");
	in.ns_tgid = getpid();
	in.ns_tid = gettid();
	FUZZ_CHECK(ident_at(in.self_rootfd, "", AT_EMPTY_PATH, &in.self_root) == 0,
		   "cannot identify /");
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

static void same_dir(int a, int b)
{
	struct ident ia, ib;

	FUZZ_CHECK(ident_at(a, "", AT_EMPTY_PATH, &ia) == 0 &&
		   ident_at(b, "", AT_EMPTY_PATH, &ib) == 0, "cannot identify the parents");
	FUZZ_CHECK(ident_eq(&ia, &ib), "%s: resolver's parent is not the kernel's", call.path);
}

/* The audit record's "resolved": absolute, canonical, and exactly the
 * directory the fd names with the last component applied. */
static void check_resolved(int fd, const char *last)
{
	char want[2 * PATH_MAX], link[32];
	ssize_t n;

	FUZZ_CHECK(fuzz_canonical(call.resolved), "%s: resolved \"%s\" is not canonical",
		   call.path, call.resolved);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, want, PATH_MAX);
	if (n <= 0 || n >= PATH_MAX)
		return;
	want[n] = '\0';
	fuzz_join(want, sizeof(want), last);
	FUZZ_CHECK(!strcmp(call.resolved, want), "%s: resolved \"%s\", the fd says \"%s\"",
		   call.path, call.resolved, want);
}

static void check_success(int kfd, const char *last)
{
	struct stat st;
	int fl = fcntl(out.parentfd, F_GETFD);

	FUZZ_CHECK(fstat(out.parentfd, &st) == 0 && S_ISDIR(st.st_mode),
		   "%s: parentfd %d is not a directory", call.path, out.parentfd);
	FUZZ_CHECK(fl >= 0 && (fl & FD_CLOEXEC), "%s: parentfd without FD_CLOEXEC", call.path);
	same_dir(out.parentfd, kfd);
	if (call.have_resolved)
		check_resolved(kfd, last);
}

/* Compare with the kernel. A refused magic link (out.deny) is policy: it
 * must come with EPERM, and the kernel's view does not apply. */
static void cross_check(int r)
{
	static char parent[PATH_MAX], last[PATH_MAX];
	int kfd, kerr;

	if (out.deny) {
		FUZZ_CHECK(r == -EPERM && out.parentfd < 0, "%s: deny with %d", call.path, r);
		return;
	}
	kernel_split(call.path, parent, last);
	kfd = openat(AT_FDCWD, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	kerr = kfd < 0 ? errno : 0;
	FUZZ_CHECK(r == -kerr, "%s: resolver %d (%s), kernel %d (%s)", call.path, r,
		   strerror(r < 0 ? -r : 0), -kerr, strerror(kerr));
	if (r == 0) {
		FUZZ_CHECK(!strcmp(out.last, last), "%s: last \"%s\", want \"%s\"", call.path,
			   out.last, last);
		check_success(kfd, last);
	} else {
		FUZZ_CHECK(out.parentfd < 0, "%s: failure with an fd", call.path);
	}
	if (kfd >= 0)
		close(kfd);
}

static void setup_call(const uint8_t *data, size_t size)
{
	size_t n = size < PATH_MAX - 1 ? size : PATH_MAX - 1;
	ssize_t l;

	memset(&call, 0, sizeof(call));
	call.kind = SYSCALLS_MKDIR;
	call.dirfd = AT_FDCWD;
	call.tid = in.ns_tid;
	call.ns_tgid = in.ns_tgid;
	call.ns_tid = in.ns_tid;
	memcpy(call.path, data, n);
	call.path[n] = '\0';
	call.path_ok = true;
	l = readlink("/proc/self/cwd", call.cwd, sizeof(call.cwd) - 1);
	FUZZ_CHECK(l > 0, "cannot read the cwd");
	call.cwd[l] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds, r;

	setup_call(data, size);
	if (call.path[0] == '\0')	/* ENOENT before any resolution (notif.c) */
		return 0;
	fds = fuzz_count_fds();
	r = resolve_parent(&in, &call, &out);
	cross_check(r);
	if (out.parentfd >= 0)
		close(out.parentfd);
	FUZZ_CHECK(fuzz_count_fds() == fds, "%s: fd leak (%d before, %d after)", call.path, fds,
		   fuzz_count_fds());
	FUZZ_CHECK(fuzz_tree_digest() == tree_digest, "%s: the scratch tree changed", call.path);
	return 0;
}
