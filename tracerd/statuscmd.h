/* `tracerd status [--socket NAME] [--json]`: ask the tracerd serving the
 * socket how it is (wire.h, version 3; statusd.h). Exit 0 when a tracerd
 * answered, 3 when none serves the socket, 1 on any other error. */
#ifndef TRACERD_STATUSCMD_H
#define TRACERD_STATUSCMD_H

/* argv[0] is "status". The exit status. */
int statuscmd_main(int argc, char **argv);

#endif
