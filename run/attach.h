/* The library's hand-off, done by notif-run for itself before the exec:
 * the same code (shim/handoff.c, shim/filter.c), so the program runs under
 * the filter from its first instruction. */
#ifndef NOTIF_RUN_ATTACH_H
#define NOTIF_RUN_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

enum attach_result {
	ATTACH_OK,		/* supervised by name's tracerd */
	ATTACH_COVERED,		/* an ancestor's filter covers this process already */
	ATTACH_OPEN,		/* failed, warned: run unsupervised (--on-error open) */
	ATTACH_FAILED,		/* failed, the line printed: exit 126 */
};

/* Hand this process over to the tracerd serving name. When none serves it
 * and autostart is allowed (NOTIF_AUTOSTART not 0), start the user's
 * tracerd (the one beside notif-run) first. Prints the one `notif-run:`
 * line of a failure or a warning. */
struct attach_info {
	uint64_t id;		/* the attach (listener) id, 0 from a version-1 tracerd */
	int32_t server_pid;	/* who listens on the name (tracerd, or systemd) */
	int32_t result;		/* enum attach_result */
};

enum attach_result attach_self(const char *name, bool autostart, bool on_error_open,
			       struct attach_info *info);

#endif
