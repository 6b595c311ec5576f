/* The table `tracerd log` prints by default (logtable.c): local time,
 * pid, comm, decision, errno, path and the resolved path when it
 * differs, in columns, every string escaped (logesc.h). */
#ifndef TRACERD_LOGTABLE_H
#define TRACERD_LOGTABLE_H

#include <stdbool.h>

#include "logesc.h"
#include "logrec.h"

struct logtable {
	bool colour;		/* decisions in colour */
	bool header_done;
};

/* Colour only on a terminal, never with NO_COLOR set to anything but ""
 * (no-color.org) nor on TERM=dumb. */
bool logtable_colour(bool isatty, const char *no_color, const char *term);

/* Append the row of r (the header first, once) to out, '\n' ended. */
void logtable_row(struct logtable *t, const struct logrec *r, struct logbuf *out);

#endif
