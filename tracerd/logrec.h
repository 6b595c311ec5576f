/* One line of the audit log read back for `tracerd log` (logrec.c): the
 * keys the filters, the table and the summary use, decoded; every other
 * key is checked as JSON and otherwise ignored (later issues add keys). */
#ifndef TRACERD_LOGREC_H
#define TRACERD_LOGREC_H

#include <stdbool.h>
#include <stddef.h>

/* A string member: s NULL when the key is absent or null. s[n] is a NUL,
 * but s may hold NULs of its own (a \u0000 in the line). */
struct logstr {
	const char *s;
	size_t n;
};

struct logrec {
	long long ts;			/* microseconds since the epoch */
	bool is_event;			/* a daemon event: "event" is set */
	struct logstr event, comm, exe, decision, err, path, resolved, reason;
	bool has_pid, has_attach, has_count;
	long long pid, attach, count;
	char *arena;			/* the decoded strings (owned) */
	size_t cap;
};

/* Read line[0..n) ('\n' included or not) into r, which keeps its arena
 * from one call to the next. 0; -EINVAL when it is not a record or event
 * of ours (not such JSON, no RFC 3339 "ts", neither "event" nor
 * "decision", or one of the keys above of the wrong kind); -ENOMEM. */
int logrec_parse(struct logrec *r, const char *line, size_t n);

void logrec_free(struct logrec *r);

/* Is a string member exactly the C string s? */
bool logstr_is(const struct logstr *v, const char *s);

#endif
