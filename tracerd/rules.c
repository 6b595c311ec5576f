/* The policy in force (rules.h): loaded whole, then swapped in under a
 * lock held only for the swap; each call holds the version it took. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "resolve.h"
#include "rules.h"
#include "tracerd.h"

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;	/* current */
static struct rules *current;
static char *file;		/* --policy, or the default file's path */
static bool file_given;		/* --policy: it must exist; else the default */
static uint64_t last_gen;

/* The file's diagnostics: its errors, or (loaded) its warnings. */
static void say_msgs(const struct policyset *s)
{
	for (unsigned i = 0; i < s->msgs.n; i++)
		log_warn("%s", s->msgs.line[i]);
	if (s->msgs.dropped)
		log_warn("%s: %u more messages", s->file, s->msgs.dropped);
}

static struct rules *wrap(struct policyset *s, const char *source)
{
	struct rules *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->set = s;
	r->source = source;
	r->gen = ++last_gen;
	atomic_init(&r->refs, 1);
	for (unsigned i = 0; i < s->n; i++)
		r->has_exe |= s->rules[i].exe != NULL && !s->rules[i].skipped;
	return r;
}

/* The default policy file's path, or NULL when it cannot be named. */
static char *default_file(void)
{
	char path[PATH_MAX];

	return policy_default_file(path, sizeof(path)) == 0 ? strdup(path) : NULL;
}

/* Load the file; on errors, each said and the first in why. */
static int load_file(struct rules **out, char *why, size_t cap)
{
	struct policyset *s = NULL;
	int k = policyset_load(file, 0, &s);

	if (k == -ENOMEM)
		return -ENOMEM;
	if (k < 0) {
		say_msgs(s);
		snprintf(why, cap, "%s", s->msgs.n ? s->msgs.line[0] : "the file has errors");
		policyset_free(s);
		return k;
	}
	say_msgs(s);
	*out = wrap(s, file);
	if (!*out)
		policyset_free(s);
	return *out ? 0 : -ENOMEM;
}

static int from_dirs(const char *const *dirs, unsigned n, struct rules **out)
{
	static const char *const tmp[] = { "/tmp" };
	struct policyset *s = NULL;
	int k = policyset_from_dirs(n ? "--allow" : "default", n ? dirs : tmp, n ? n : 1, &s);

	if (k < 0) {
		if (s)
			say_msgs(s);
		policyset_free(s);
		return k;
	}
	*out = wrap(s, NULL);
	if (!*out)
		policyset_free(s);
	return *out ? 0 : -ENOMEM;
}

int rules_init(const char *policy, const char *const *dirs, unsigned n)
{
	int k;

	file_given = policy != NULL;
	if (!policy && !n)
		file = default_file();
	else if (policy && !(file = strdup(policy)))
		return -ENOMEM;
	if (file && (file_given || access(file, F_OK) == 0)) {
		char why[512];

		k = load_file(&current, why, sizeof(why));
		if (k == 0)
			log_info("policy: %s, %u rules", file, current->set->loaded);
		return k;
	}
	return from_dirs(dirs, n, &current);
}

struct rules *rules_get(void)
{
	struct rules *r;

	pthread_mutex_lock(&swap_lock);
	r = current;
	atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&swap_lock);
	return r;
}

void rules_put(struct rules *r)
{
	if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1) {
		policyset_free(r->set);
		free(r);
	}
}

struct match_arg {
	const struct rules *r;
	rules_exe_fn *read_exe;
	void *arg;
	int have_exe;		/* 0 not read yet, 1 read, -1 unreadable */
	bool gone;		/* exe() said -ECANCELED: no rule may decide */
	struct ident exe;
	const struct rule *rule;
};

static bool on_dir(const struct ident *id, void *arg)
{
	struct match_arg *a = arg;

	if (a->r->has_exe && !a->have_exe && policyset_exe_on(a->r->set, id)) {
		int k = a->read_exe(a->arg, &a->exe);

		a->gone = k == -ECANCELED;	/* not "unreadable": a deny exe= must not be passed over */
		if (a->gone)
			return true;
		a->have_exe = k == 0 ? 1 : -1;
	}
	a->rule = policyset_on(a->r->set, id, a->have_exe == 1 ? &a->exe : NULL);
	return a->rule != NULL;
}

int rules_match(const struct rules *r, int fd, rules_exe_fn *exe, void *arg,
		struct rule_match *m)
{
	struct match_arg a = { .r = r, .read_exe = exe, .arg = arg };
	int k = resolve_nearest(fd, on_dir, &a, &daemon_cfg.self_root);

	if (a.gone)
		k = -ECANCELED;
	m->rule = k == 1 ? a.rule : NULL;
	m->depth = 0;
	return k;
}

void rules_name(const struct rules *r, const struct rule *rule, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s:%u", r->set->file, rule->line);
}

int rules_reload(uint64_t *gen, unsigned *nrules, char *why, size_t cap)
{
	struct rules *next = NULL, *old;
	int k;

	if (!file)
		return 0;	/* --allow: nothing to read again */
	if (!file_given && access(file, F_OK) < 0) {
		if (current->source)
			log_warn("policy file %s is gone: the policy in force stays", file);
		return 0;
	}
	k = load_file(&next, why, cap);
	if (k < 0) {
		if (k == -ENOMEM)
			snprintf(why, cap, "out of memory");
		return -EINVAL;
	}
	pthread_mutex_lock(&swap_lock);
	old = current;
	current = next;
	pthread_mutex_unlock(&swap_lock);
	rules_put(old);
	*gen = next->gen;
	*nrules = next->set->loaded;
	return 1;
}

void rules_free_all(void)
{
	rules_put(current);
	current = NULL;
	free(file);
	file = NULL;
	last_gen = 0;
}
