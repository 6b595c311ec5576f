/* Text for a terminal from bytes of a log (logesc.c): control characters,
 * bytes that are not UTF-8 and the characters that reorder or break a
 * line come out escaped, never raw, so a hostile path cannot forge a
 * row, move the cursor or hide what follows. */
#ifndef TRACERD_LOGESC_H
#define TRACERD_LOGESC_H

#include <stdbool.h>
#include <stddef.h>

/* A growing output buffer; failed once an allocation failed (then every
 * later append is dropped and the caller says so). */
struct logbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

void logbuf_put(struct logbuf *b, const char *s, size_t n);
void logbuf_puts(struct logbuf *b, const char *s);
void logbuf_pad(struct logbuf *b, size_t n);	/* n spaces */
void logbuf_free(struct logbuf *b);

/* Append s[0..n) escaped: '\\' as "\\\\", \n \t \r, other C0 bytes and
 * DEL as \xHH, a byte outside valid UTF-8 as \xHH, C1 controls and the
 * bidirectional and line-separator characters as \uXXXX. The number of
 * characters appended (what the alignment counts). */
size_t logesc_append(struct logbuf *b, const char *s, size_t n);

#endif
