#ifndef NOTIF_TEST_FILTER_H
#define NOTIF_TEST_FILTER_H

/* The live half of the filter tests (test_filter_live.c); failures count.
 * self: this binary, which the child execs with --live-child PATH. */
int filter_live_run(const char *self);
int filter_live_child(const char *path);

#endif
