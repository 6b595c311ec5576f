/* A bounded JSON line builder. Strings are escaped so that every line is
 * valid UTF-8: bytes that are not part of valid UTF-8 become \udcXX
 * (lossless, as Python's surrogateescape). */
#ifndef TRACERD_JSON_H
#define TRACERD_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct jbuf {
	char *buf;
	size_t len, cap;
	bool full;		/* something did not fit: the line is invalid */
	bool first;		/* no member written yet */
};

void json_begin(struct jbuf *j, char *buf, size_t cap);
/* Close the object and add '\n'. Returns the length, or -ENOSPC. */
int json_end(struct jbuf *j);

void json_key_str(struct jbuf *j, const char *key, const char *s, size_t n);
void json_key_cstr(struct jbuf *j, const char *key, const char *s);	/* NULL -> null */
void json_key_int(struct jbuf *j, const char *key, long long v);
void json_key_null(struct jbuf *j, const char *key);
void json_key_bool(struct jbuf *j, const char *key, bool v);
/* Append a JSON string of s[0..n) (quotes included). */
void json_str(struct jbuf *j, const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 if the byte at s
 * does not start one. */
size_t json_utf8_len(const unsigned char *s, size_t n);

#endif
