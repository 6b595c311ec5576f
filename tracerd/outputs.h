/* The audit log's outputs besides the primary: best-effort copies
 * (outputs.c). Each line the primary takes is sent to every copy before
 * the call is answered; a copy that refuses it counts the loss and never
 * changes the answer. Once that copy takes a line again, a `lost-records`
 * event naming it ("output") goes to every output. Everything here runs
 * under audit.c's lock (the one that orders the writes), so the senders
 * need no lock of their own. */
#ifndef TRACERD_OUTPUTS_H
#define TRACERD_OUTPUTS_H

#include <stddef.h>

#define OUTPUTS_COPIES_MAX 7	/* with the primary, 8 --log */

enum output_kind {
	OUTPUT_FILE,	/* a path: a regular file, appended */
	OUTPUT_STDOUT,	/* "-" */
	OUTPUT_JOURNAL,	/* "journal": journald's native protocol (journal.c) */
	OUTPUT_SYSLOG,	/* "syslog": datagrams to /dev/log (syslogout.c) */
};

/* What --log's argument names. */
enum output_kind outputs_kind(const char *spec);

/* Open a regular file for appending the way the primary log is: created
 * 0600 (parents 0700), never through a symlink, never blocking (a FIFO:
 * -EINVAL). The fd or -errno. */
int outputs_open_file(const char *path);

/* Send a line to an output of kind k (fd for a file or stdout). A short
 * write to a file is cut back off, so no line is ever torn. 0 or -errno. */
int outputs_send(enum output_kind k, int fd, const char *line, size_t len);

/* Add a copy (at start, before any line is written). 0 or -errno. */
int outputs_add(const char *spec);

/* With the audit lock held: the line to every copy (best-effort). */
void outputs_copy_locked(const char *line, size_t len);

/* With the audit lock held: the file copies opened again at their paths
 * (SIGUSR1/SIGHUP after an external rotation). */
void outputs_reopen_locked(void);

/* The copies' specs as given and their lost records since start, from
 * index 0; how many were filled (at most max). Takes no lock. */
unsigned outputs_list(const char **specs, unsigned long *lost, unsigned max);

void outputs_close(void);

/* How the event that names a copy reaches the primary (audit.c's writer,
 * called with its lock held). 0 or -errno. */
typedef int outputs_primary_fn(const char *line, size_t len);
void outputs_set_primary(outputs_primary_fn *fn);

#endif
