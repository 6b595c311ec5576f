/* A strict reader of one audit record (one line of tracerd's JSON Lines),
 * for the few keys the summary needs. tracerd writes flat objects only:
 * string, integer, true, false and null values; a string's bytes that are
 * not UTF-8 are written as \udcXX, read back here as the byte XX. */
#ifndef NOTIF_RUN_JSONL_H
#define NOTIF_RUN_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONL_SHORT 64
#define JSONL_LONG 4096

/* What one line says; a key absent (or null) leaves its has_ false. */
struct jsonl_rec {
	bool has_event, has_attach, has_pid, has_syscall, has_decision, has_errno,
		has_reason, has_resolved, has_path;
	char event[JSONL_SHORT];	/* attach, detach, start, ... */
	uint64_t attach;
	long long pid;
	char decision[JSONL_SHORT];	/* emulated, denied, error */
	char err[JSONL_SHORT];		/* "errno": EPERM, ... (null: has_errno false) */
	char reason[JSONL_LONG];
	char resolved[JSONL_LONG];	/* bytes, NUL-terminated (a NUL inside: cut there) */
	char path[JSONL_LONG];
	bool truncated;			/* a wanted string was longer than its buffer */
};

/* Parse line[0..n) (without or with its '\n'): exactly one JSON object,
 * white space around it allowed. 0, or -EINVAL for anything that is not
 * strict JSON of that shape (also a duplicate key). */
int jsonl_parse(const char *line, size_t n, struct jsonl_rec *r);

#endif
