/* A strict JSON checker for the unit tests (jsoncheck.c). */
#ifndef NOTIF_JSONCHECK_H
#define NOTIF_JSONCHECK_H

#include <stddef.h>
#include <stdint.h>

struct jc_str {
	char buf[8192];
	size_t len;
	int overflow;
	int lone_surrogate;	/* a \uD800-\uDFFF outside \uDC80-\uDCFF */
};

/* 1 when s[0..n) is exactly one JSON value (with optional white space). */
int jc_valid(const char *s, size_t n);
/* Decode the JSON string s[0..n) (quotes included): \udcXX -> byte XX.
 * 0 or -1. */
int jc_string(const char *s, size_t n, struct jc_str *out);
/* In a JSON object, the member KEY: 0 a string (decoded into out), 1 null,
 * 2 another value (its text in out), -1 absent or malformed. */
int jc_member(const char *line, size_t n, const char *key, struct jc_str *out);
/* Independent UTF-8 check: the length of a valid sequence at p, or 0. */
size_t jc_utf8_len(const unsigned char *p, size_t n);

#endif
