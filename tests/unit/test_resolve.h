#ifndef NOTIF_TEST_RESOLVE_H
#define NOTIF_TEST_RESOLVE_H

/* Shared by test_resolve.c and test_resolve_parent.c: a scratch directory
 * (rs_dir) made by rs_setup and removed by rs_teardown. */
extern char rs_dir[64];
int rs_setup(void **state);
int rs_teardown(void **state);
/* mkdir -p rs_dir/rel; an O_PATH fd of it. */
int rs_mkdirs(const char *rel);

/* The resolve_parent half; failures count. */
int resolve_parent_run(void);

#endif
