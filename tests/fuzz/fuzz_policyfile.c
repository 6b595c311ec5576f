/* The policy file's parser and loader on arbitrary bytes, with $HOME a
 * scratch tree (a, a/b, link -> a, a file f) so that ~ rules load real
 * directories: never a crash, a leak or a lost fd; a valid set has no
 * error, and every rule in force is found again by its identity. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "policyfile.h"

static char home[PATH_MAX];

static void remove_tree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	(void)system(cmd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char cmd[4 * PATH_MAX];

	(void)argc;
	(void)argv;
	snprintf(home, sizeof(home), "/tmp/fuzz-policyfile.XXXXXX");
	if (!mkdtemp(home))
		abort();
	atexit(remove_tree);
	snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir -p a/b && ln -s a link && touch f", home);
	if (system(cmd) != 0 || setenv("HOME", home, 1) != 0)
		abort();
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	FUZZ_CHECK(d, "opendir");
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void check_set(const struct policyset *s, int k)
{
	unsigned held = 0;

	FUZZ_CHECK((k == 0) == (s->msgs.errors == 0), "k %d errors %u", k, s->msgs.errors);
	FUZZ_CHECK(s->msgs.n <= POLICY_MSGS_MAX && s->n <= POLICY_RULES_MAX, "bounds");
	for (unsigned i = 1; i < s->msgs.n; i++)
		FUZZ_CHECK(s->msgs.at[i - 1] <= s->msgs.at[i], "messages out of line order");
	for (unsigned i = 0; i < s->n; i++) {
		const struct rule *r = &s->rules[i], *on;

		if (r->dirfd < 0)
			continue;
		held++;
		on = policyset_on(s, &r->dir, r->exefd >= 0 ? &r->exe_id : NULL);
		FUZZ_CHECK(k || on, "line %u not found by its identity", r->line);
		FUZZ_CHECK(!on || ident_eq(&on->dir, &r->dir), "another directory's rule");
	}
	FUZZ_CHECK(k || held == s->loaded, "held %u loaded %u", held, s->loaded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policyset *s = NULL;
	int fds = count_fds(), k;

	for (unsigned flags = 0; flags <= POLICY_PARSE_ONLY; flags++) {
		k = policyset_load_buf("fuzz", (const char *)data, size, flags, &s);
		FUZZ_CHECK(k == 0 || k == -EINVAL, "k %d", k);
		check_set(s, k);
		policyset_free(s);
		FUZZ_CHECK(count_fds() == fds, "fds %d, %d before", count_fds(), fds);
	}
	return 0;
}
