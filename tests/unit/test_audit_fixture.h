/* The fixture test_audit_file.c and test_audit_rotate.c share
 * (test_audit_fixture.c). */
#ifndef NOTIF_TEST_AUDIT_FIXTURE_H
#define NOTIF_TEST_AUDIT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

/* A temp dir with the log's path in it, and the text of the last file
 * read. */
struct audit_fixture {
	char dir[64];
	char path[128];
	char content[256 * 1024];
	size_t content_len;
};
extern struct audit_fixture fx;

/* mkdtemp(tmpl) as fx.dir, fx.path its LOG (not created): 0, or -1. */
int fixture_setup(const char *tmpl, const char *log);
/* audit_close(), then fx.dir removed: 0, or -1. */
int fixture_teardown(void);
/* p into fx.content; false when it cannot be opened. */
bool fixture_read(const char *p);
/* The fd this process holds for p (fails the test if none). */
int fixture_fd_of(const char *p);
/* The member key of the JSON line l[0..n) is of jc_member's type and
 * exactly want. */
void fixture_member(const char *l, size_t n, const char *key, int type, const char *want);

#endif
