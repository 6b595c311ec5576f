/* The text autostart reads (issue 17): one line of /etc/passwd,
 * /proc/self/maps, /proc/self/uid_map or /proc/net/unix, and the value of
 * NOTIF_AUTOSTART_IDLE. Pure functions, so that they can be unit-tested
 * and fuzzed: no syscall, no allocation, no stdio (they run in the
 * library's constructor). A *_line function's line is buf[0..len) up to
 * its first NUL or newline, whichever comes first: a whole file may be
 * passed for its first line. Numbers are read as strtoul(3) reads them in
 * the C locale (leading white space, a sign, saturating at ULONG_MAX), as
 * autostart did before these functions. Every pointer returned points
 * into buf, with its length. */
#ifndef NOTIF_PROCPARSE_H
#define NOTIF_PROCPARSE_H

#include <stddef.h>
#include <stdint.h>

/* An /etc/passwd entry: "name:passwd:uid:gid:gecos:home:shell". */
struct procparse_pw {
	unsigned long uid;
	const char *user, *home;	/* not NUL-terminated */
	size_t user_len, home_len;
};

/* 0 and *ret when the line has the seven fields (the shell: the rest of
 * the line, colons and all) and a uid field that is not empty; else
 * -EINVAL. The uid is strtoul's value of that field (trailing text
 * ignored). */
int procparse_passwd_line(const char *buf, size_t len, struct procparse_pw *ret);

/* A /proc/self/maps line: "lo-hi perms offset dev inode   path". */
struct procparse_map {
	uintptr_t lo, hi;
	const char *path;	/* from the first '/' to the end of the line */
	size_t path_len;
};

/* 0 and *ret when the line names a path (has a '/'), else -ENOENT. lo is
 * the hex number at the start, hi the one after the character that ends
 * it (usually '-'). */
int procparse_maps_line(const char *buf, size_t len, struct procparse_map *ret);

/* The first line of /proc/self/uid_map: "first lower count". */
struct procparse_extent {
	unsigned long first, lower, count;
};

/* How many of the three numbers there are (0 to 3); *ret has them, and 0
 * for each missing one. The initial user namespace's only line is
 * "0 0 4294967295". */
int procparse_uid_map_line(const char *buf, size_t len, struct procparse_extent *ret);

/* A /proc/net/unix line: "Num: RefCount Protocol Flags Type St Inode Path";
 * an abstract name is printed as " @NAME" (so tracerd's "@x" as " @@x"). */
struct procparse_unix {
	const char *name;	/* the path field after its '@', to the line's end */
	size_t name_len;
	int listening;	/* Flags is 00010000 (__SO_ACCEPTCON) */
};

/* 0 and *ret when the line has an abstract name, else -ENOENT. */
int procparse_unix_line(const char *buf, size_t len, struct procparse_unix *ret);

/* NOTIF_AUTOSTART_IDLE (all of buf[0..len), a NUL is not a digit): 1 to
 * 8 digits, at most 31536000 (tracerd's --idle-exit range). 0 and
 * *ret_secs, else -EINVAL. Its text is passed to tracerd as it is
 * (leading zeros and all). */
#define PROCPARSE_IDLE_MAX 31536000UL	/* a year */
int procparse_idle(const char *buf, size_t len, unsigned long *ret_secs);

/* Has buf[0..len) no control character (below 0x20, NUL too, or 0x7f)?
 * 1 or 0. */
int procparse_printable(const char *buf, size_t len);

#endif
