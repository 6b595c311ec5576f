/* The loaded rule set: each rule's directory and exe= opened O_PATH and
 * known by identity, in a hash on the directory's identity. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "policyfile.h"

/* An executable is the same program whatever mount it was run through:
 * the exe= match is on the file (device and inode), not the mount. */
static bool same_file(const struct ident *a, const struct ident *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

static unsigned hash(const struct ident *id, unsigned nbucket)
{
	uint64_t h = id->ino * 0x9e3779b97f4a7c15ULL ^ id->dev * 0xc2b2ae3d27d4eb4fULL ^ id->mnt;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (unsigned)h & (nbucket - 1);
}

/* path replaced by what it names now, so that what-if and the messages
 * show the directory the identity was taken from */
static int canonical(char **path)
{
	char *real = realpath(*path, NULL);

	if (!real)
		return errno == ENOMEM ? -ENOMEM : 0;
	free(*path);
	*path = real;
	return 0;
}

static int open_exe(struct policyset *s, struct rule *r)
{
	_cleanup_close_ int fd = open(r->exe, O_PATH | O_CLOEXEC);
	struct stat st;
	int e = errno;

	if (fd < 0 && (e == ENOENT || e == ENOTDIR))
		return policy_msg(s, true, r->line, "exe=%s does not exist", r->exe) ?: -EINVAL;
	if (fd < 0)
		return policy_msg(s, true, r->line, "exe=%s: %s", r->exe, strerror(e)) ?: -EINVAL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return policy_msg(s, true, r->line, "exe=%s is not a regular file", r->exe)
			?: -EINVAL;
	if (ident_at(fd, "", AT_EMPTY_PATH, &r->exe_id) < 0)
		return policy_msg(s, true, r->line, "exe=%s: %s", r->exe, strerror(errno))
			?: -EINVAL;
	r->exefd = TAKE_FD(fd);
	return canonical(&r->exe);
}

/* The rule's directory (then exe=) opened and identified. */
static int open_rule(struct policyset *s, struct rule *r)
{
	_cleanup_close_ int fd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int e = errno, k;

	if (fd < 0 && e == ENOENT && r->if_exists) {
		r->skipped = true;
		return policy_msg(s, false, r->line, "directory %s does not exist: rule skipped "
				  "until a reload finds it (if-exists)", r->path);
	}
	if (fd < 0 && e == ENOENT)
		return policy_msg(s, true, r->line, "directory %s does not exist", r->path) ?: -EINVAL;
	if (fd < 0 && e == ENOTDIR)
		return policy_msg(s, true, r->line, "%s is not a directory", r->path) ?: -EINVAL;
	if (fd < 0)
		return policy_msg(s, true, r->line, "%s: %s", r->path, strerror(e)) ?: -EINVAL;
	if (ident_at(fd, "", AT_EMPTY_PATH, &r->dir) < 0)
		return policy_msg(s, true, r->line, "%s: %s", r->path, strerror(errno)) ?: -EINVAL;
	r->dirfd = TAKE_FD(fd);
	if ((k = canonical(&r->path)) < 0)
		return k;
	return r->exe ? open_exe(s, r) : 0;
}

static bool same_exe(const struct rule *a, const struct rule *b)
{
	if (!a->exe || !b->exe)
		return !a->exe && !b->exe;
	return same_file(&a->exe_id, &b->exe_id);
}

/* Into its bucket, unless a rule on the same directory with the same
 * exe= (or both none) is there: a duplicate, named by both lines. */
static int insert(struct policyset *s, struct rule *r)
{
	struct rule **b = &s->bucket[hash(&r->dir, s->nbucket)];

	for (const struct rule *o = *b; o; o = o->next)
		if (ident_eq(&o->dir, &r->dir) && same_exe(o, r))
			return policy_msg(s, true, r->line, "duplicate of the rule on line %u: "
					  "the same directory%s", o->line,
					  r->exe ? " and exe=" : ", neither with exe=") ?: -EINVAL;
	r->next = *b;
	*b = r;
	s->loaded++;
	return 0;
}

static int load_rules(struct policyset *s)
{
	int k;

	s->nbucket = 16;
	while (s->nbucket < 2 * s->n)
		s->nbucket *= 2;
	s->bucket = calloc(s->nbucket, sizeof(*s->bucket));
	if (!s->bucket)
		return -ENOMEM;
	for (unsigned i = 0; i < s->n; i++) {
		struct rule *r = &s->rules[i];

		k = open_rule(s, r);
		if (k == 0 && r->dirfd >= 0 && (!r->exe || r->exefd >= 0))
			k = insert(s, r);
		if (k == -ENOMEM)
			return k;
	}
	return 0;
}

static int load_stream(struct policyset *s, FILE *f, unsigned flags)
{
	int k = policyfile_parse(s, f);

	if (k == -ENOMEM)
		return k;
	/* the rules that parsed are loaded even when others did not: every
	 * error of the file is said at once */
	if (!(flags & POLICY_PARSE_ONLY) && (k = load_rules(s)) < 0)
		return k;
	return s->msgs.errors ? -EINVAL : 0;
}

static struct policyset *set_new(const char *name)
{
	struct policyset *s = calloc(1, sizeof(*s));

	if (s && !(s->file = strdup(name))) {
		free(s);
		s = NULL;
	}
	return s;
}

/* A regular file only: a FIFO or a device could block the reader
 * forever or never end. */
static FILE *open_file(struct policyset *s, const char *file)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return policy_msg(s, true, 0, "cannot open: %s", strerror(errno)), NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return policy_msg(s, true, 0, "not a regular file"), NULL;
	f = fdopen(fd, "r");
	if (f)
		TAKE_FD(fd);
	return f;
}

int policyset_load(const char *file, unsigned flags, struct policyset **out)
{
	struct policyset *s = set_new(file);
	FILE *f;
	int k;

	if (!s)
		return -ENOMEM;
	*out = s;
	f = open_file(s, file);
	if (!f)
		return s->msgs.errors ? -EINVAL : -ENOMEM;
	k = load_stream(s, f, flags);
	fclose(f);
	return k;
}

int policyset_load_buf(const char *name, const char *buf, size_t n, unsigned flags,
		       struct policyset **out)
{
	struct policyset *s = set_new(name);
	FILE *f;
	int k;

	if (!s)
		return -ENOMEM;
	*out = s;
	if (n == 0)
		return 0;	/* fmemopen refuses an empty buffer: no rules */
	f = fmemopen((void *)(uintptr_t)buf, n, "r");
	if (!f)
		return -ENOMEM;
	k = load_stream(s, f, flags);
	fclose(f);
	return k;
}

/* Directories named twice (--allow /tmp --allow /tmp/) are one rule. */
static bool named_before(const struct policyset *s, unsigned i)
{
	for (unsigned k = 0; k < i; k++)
		if (s->rules[k].dirfd >= 0 && ident_eq(&s->rules[k].dir, &s->rules[i].dir))
			return true;
	return false;
}

int policyset_from_dirs(const char *name, const char *const *dirs, unsigned n,
			struct policyset **out)
{
	struct policyset *s = set_new(name);
	int k;

	if (!s)
		return -ENOMEM;
	*out = s;
	s->rules = calloc(n ? n : 1, sizeof(*s->rules));
	s->nbucket = 16;
	while (s->nbucket < 2 * n)
		s->nbucket *= 2;
	s->bucket = calloc(s->nbucket, sizeof(*s->bucket));
	if (!s->rules || !s->bucket)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		struct rule *r = &s->rules[s->n++];

		*r = (struct rule){ .action = POLICY_ALLOW, .err = EPERM, .line = i + 1,
				    .dirfd = -1, .exefd = -1, .path = strdup(dirs[i]) };
		if (!r->path)
			return -ENOMEM;
		k = open_rule(s, r);
		if (k == -ENOMEM)
			return k;
		if (k == 0 && r->dirfd >= 0 && named_before(s, i)) {
			r->skipped = true;	/* the same directory: one rule */
			fdutil_replace(&r->dirfd, -1);
		} else if (k == 0 && r->dirfd >= 0 && (k = insert(s, r)) == -ENOMEM) {
			return k;
		}
	}
	return s->msgs.errors ? -EINVAL : 0;
}

void policyset_free(struct policyset *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n; i++) {
		struct rule *r = &s->rules[i];

		if (r->dirfd >= 0)
			close(r->dirfd);
		if (r->exefd >= 0)
			close(r->exefd);
		free(r->path);
		free(r->exe);
	}
	for (unsigned i = 0; i < s->msgs.n; i++)
		free(s->msgs.line[i]);
	free(s->rules);
	free(s->bucket);
	free(s->file);
	free(s);
}

const struct rule *policyset_on(const struct policyset *s, const struct ident *dir,
				const struct ident *exe)
{
	const struct rule *plain = NULL;

	if (!s->nbucket)
		return NULL;
	for (const struct rule *r = s->bucket[hash(dir, s->nbucket)]; r; r = r->next) {
		if (!ident_eq(&r->dir, dir))
			continue;
		if (!r->exe)
			plain = r;
		else if (exe && same_file(&r->exe_id, exe))
			return r;
	}
	return plain;
}

bool policyset_exe_on(const struct policyset *s, const struct ident *dir)
{
	if (!s->nbucket)
		return false;
	for (const struct rule *r = s->bucket[hash(dir, s->nbucket)]; r; r = r->next)
		if (r->exe && ident_eq(&r->dir, dir))
			return true;
	return false;
}
