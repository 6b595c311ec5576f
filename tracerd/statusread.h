/* `tracerd status`, the client's reading of the answer text (statusd.h
 * says its lines): every line a flat object read by jread.h, the header
 * first. Lines of a kind it does not know (a newer tracerd) are skipped;
 * nothing is trusted to be bounded but the text itself. */
#ifndef TRACERD_STATUSREAD_H
#define TRACERD_STATUSREAD_H

#include <stdbool.h>
#include <stddef.h>

/* A decoded string (it may hold a NUL: use n); s NULL for JSON null. */
struct sstr {
	char *s;
	size_t n;
};

struct status_output {
	struct sstr spec;
	long long lost_records;
};

struct status_prog {
	long long attach, pid, calls;
	struct sstr exe, since;
};

/* A rule of the policy in force: its strings as tracerd sent them (a
 * newer action or errno is kept as text, for the printer to judge). */
struct status_rule {
	struct sstr name, action, dir, err, exe;	/* err, exe: s NULL for null */
	bool skipped;
};

/* The header's integers, in the order of status_int_keys. */
enum status_int {
	ST_PID, ST_UPTIME_MS, ST_THREADS, ST_BUSY, ST_PARKED, ST_STALLED, ST_PROGRAMS,
	ST_LISTED, ST_EMULATED, ST_DENIED, ST_ERROR, ST_LOST, ST_LOST_RECORDS, ST_NINT
};

struct status_view {
	long long n[ST_NINT];
	struct sstr version, started, socket;
	struct sstr *roots;
	struct status_output *outputs;
	struct status_prog *progs;
	unsigned nroots, noutputs, nprogs;
	/* The policy (issue 19), when the header has "policy_gen" (a tracerd
	 * of before says nothing of it: has_policy false, nrules 0). */
	bool has_policy;
	long long policy_gen, rules_total;	/* "policy_gen", "rules" */
	struct sstr policy;			/* the file, or s NULL */
	struct status_rule *rules;
	unsigned nrules;
};

/* The header keys of enum status_int. */
extern const char *const status_int_keys[ST_NINT];

/* Read text[0..n) into *v (zeroed first; free with statusread_free, also
 * after a failure). 0, or -EINVAL with why in err. */
int statusread_parse(const char *text, size_t n, struct status_view *v, char *err, size_t cap);
void statusread_free(struct status_view *v);

#endif
