/* The scratch tree fuzz_resolve walks: directories, files, relative and
 * absolute symlinks, loops, dangling links, a 46-link chain (ELOOP from
 * one end, not from the other), a 40-level directory nest, links into
 * /proc (the target's own magic links and another process's) and long
 * link bodies that nest past 3 * PATH_MAX of text. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_tree.h"

static char base[PATH_MAX];
static uint64_t digest;

struct entry {
	char type;		/* 'd' directory, 'f' file, 'l' link */
	const char *name;
	const char *body;	/* link body; "@" prefix: the tree's absolute path */
};

static const struct entry entries[] = {
	{ 'd', "d", NULL }, { 'd', "d/sub", NULL }, { 'd', "d/sub/deeper", NULL },
	{ 'f', "d/file", NULL }, { 'd', "e", NULL }, { 'f', "f", NULL },
	{ 'l', "rel", "d/sub" }, { 'l', "up", ".." }, { 'l', "dot", "." },
	{ 'l', "abs", "@/d" }, { 'l', "absup", "@/../t/d/sub" }, { 'l', "absroot", "/" },
	{ 'l', "dslash", "d/" }, { 'l', "slashes", "//proc//self//cwd//d" },
	{ 'l', "loop1", "loop2" }, { 'l', "loop2", "loop1" }, { 'l', "selfloop", "selfloop" },
	{ 'l', "dangling", "nowhere/x" }, { 'l', "missing", "missing-target" },
	{ 'l', "tofile", "f" }, { 'l', "dotdot", "d/sub/.." }, { 'l', "d/sub/back", "../../e" },
	{ 'l', "d/sub/rootlink", "/" }, { 'l', "proccwd", "/proc/self/cwd" },
	{ 'l', "procfd", "/proc/self/fd" }, { 'l', "procroot", "/proc/self/root" },
	{ 'l', "procthread", "/proc/thread-self/cwd" }, { 'l', "procinit", "/proc/1/cwd" },
	{ 'l', "procexe", "/proc/self/exe" },
};

static int make(const struct entry *e)
{
	char body[PATH_MAX];
	int fd;

	switch (e->type) {
	case 'd':
		return mkdir(e->name, 0755);
	case 'f':
		fd = open(e->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		return fd < 0 ? -1 : close(fd);
	default:
		if (e->body[0] == '@')
			snprintf(body, sizeof(body), "%s/t%s", base, e->body + 1);
		else
			snprintf(body, sizeof(body), "%s", e->body);
		return symlink(body, e->name);
	}
}

/* c00 -> c01 -> ... -> c45 -> d: 46 links from c00, 40 from c06. */
static int make_chain(void)
{
	char name[8], next[8];

	for (int i = 0; i <= 45; i++) {
		snprintf(name, sizeof(name), "c%02d", i);
		snprintf(next, sizeof(next), "c%02d", i + 1);
		if (symlink(i == 45 ? "d" : next, name) < 0)
			return -1;
	}
	return 0;
}

/* n/n/.../n, 40 levels, a link to its bottom and a 255-byte name. */
static int make_deep(void)
{
	char p[128] = "n", name[NAME_MAX + 1];

	for (int i = 0; i < 40; i++) {
		if (mkdir(p, 0755) < 0)
			return -1;
		if (i < 39)
			strcat(p, "/n");
	}
	memset(name, 'L', NAME_MAX);
	name[NAME_MAX] = '\0';
	if (symlink(p, "deeplink") < 0 || mkdir(name, 0755) < 0)
		return -1;
	return 0;
}

/* longlink -> d/././.../sub (about 3800 bytes), ll2 -> longlink/./..., and
 * so on: each level nests another ~3800 bytes of link text. */
static int make_long(void)
{
	static const char *names[] = { "longlink", "ll2", "ll3", "ll4" };
	char body[PATH_MAX];
	size_t n;

	for (unsigned i = 0; i < 4; i++) {
		n = (size_t)snprintf(body, sizeof(body), "%s/", i ? names[i - 1] : "d");
		while (n < 3790) {
			memcpy(body + n, "./", 2);
			n += 2;
		}
		snprintf(body + n, sizeof(body) - n, "%s", i ? "." : "sub");
		if (symlink(body, names[i]) < 0)
			return -1;
	}
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void tree_remove(void)
{
	if (base[0] && chdir("/") == 0)
		nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fuzz_tree_create(void)
{
	const char *tmp = getenv("TMPDIR");
	char t[PATH_MAX + 4];

	snprintf(base, sizeof(base), "%s/fuzz-resolve.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base))
		return -errno;
	atexit(tree_remove);
	snprintf(t, sizeof(t), "%s/t", base);
	if (mkdir(t, 0755) < 0 || chdir(t) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (make(&entries[i]) < 0)
			return -errno;
	if (make_chain() < 0 || make_deep() < 0 || make_long() < 0)
		return -errno;
	return 0;
}

/* FNV-1a over the entry's path, type and link body. */
static void mix(const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		digest = (digest ^ s[i]) * 0x100000001b3ULL;
}

static int add_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	char body[PATH_MAX];
	ssize_t n;

	(void)f;
	mix(p, strlen(p) + 1);
	mix(&flag, sizeof(flag));
	mix(&st->st_mode, sizeof(st->st_mode));
	if (flag == FTW_SL) {
		n = readlink(p, body, sizeof(body));
		mix(body, n > 0 ? (size_t)n : 0);
	}
	return 0;
}

uint64_t fuzz_tree_digest(void)
{
	char t[PATH_MAX + 4];

	digest = 0xcbf29ce484222325ULL;
	snprintf(t, sizeof(t), "%s/t", base);
	if (nftw(t, add_one, 16, FTW_PHYS) < 0)
		return 0;
	return digest;
}

int fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/thread-self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

bool fuzz_canonical(const char *s)
{
	if (s[0] != '/')
		return false;
	if (s[1] == '\0')
		return true;
	for (const char *p = s + 1;; ) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

void fuzz_join(char *path, size_t cap, const char *last)
{
	size_t len = strlen(path);

	if (last[0] == '\0' || !strcmp(last, "."))
		return;
	if (!strcmp(last, "..")) {
		char *slash = strrchr(path, '/');

		if (slash)
			slash[slash == path ? 1 : 0] = '\0';
		return;
	}
	snprintf(path + len, cap - len, "%s%s", len == 1 ? "" : "/", last);
}
