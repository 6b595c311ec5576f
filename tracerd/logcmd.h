/* `tracerd log [OPTIONS] [FILE]...`: read and query the audit log
 * (logcmd.c). main() hands it argv from "log" on. Exit status: 0 when
 * something matched, 1 when nothing did, 2 on a usage error or a file
 * that could not be read. */
#ifndef TRACERD_LOGCMD_H
#define TRACERD_LOGCMD_H

int logcmd_main(int argc, char **argv);

#endif
