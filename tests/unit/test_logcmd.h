#ifndef NOTIF_TEST_LOGCMD_H
#define NOTIF_TEST_LOGCMD_H

/* The halves of the `tracerd log` tests beside the TIME tests: the
 * records and filters (test_logcmd_filter.c), the table, escaping and
 * summary (test_logcmd_out.c). Each returns its failures. */
int logcmd_filter_run(void);
int logcmd_out_run(void);

#endif
