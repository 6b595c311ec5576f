/* `tracerd policy show`: the policy in force of a running tracerd, as its
 * status answer (statusd.h) lists it, printed back in the policy file's
 * syntax: one rule a line, each followed by "# FILE:LINE", so that the
 * output passes `tracerd policy check` and can be edited into a file. */
#ifndef TRACERD_POLICYSHOW_H
#define TRACERD_POLICYSHOW_H

#include <stdio.h>

#include "statusread.h"

/* The rules of v to f: a first comment line naming the daemon, the file
 * and the generation, then each rule; a skipped rule (if-exists, no
 * directory at load) and one that the syntax cannot hold (white space or
 * a control byte in a path, an action or errno this tracerd does not know)
 * as comment lines that say so. How many rules could not be written. */
unsigned policyshow_print(FILE *f, const struct status_view *v);

/* argv[0] is "show": [--socket NAME]. The exit status: 0 shown, 3 no
 * tracerd serves the socket, 2 a usage error, 1 any other error (a tracerd
 * too old to say its policy, a rule the syntax cannot hold, an answer cut
 * short). */
int policyshow_main(int argc, char **argv);

#endif
