/* tracerd policy check|suggest|what-if: the policy file's offline tools
 * (exit 0, 1 invalid or unreadable, 2 usage). */
#ifndef TRACERD_POLICYCMD_H
#define TRACERD_POLICYCMD_H

/* argv[0] is "policy". The exit status. */
int policycmd_main(int argc, char **argv);

#endif
