/* Reading back one line that json.c wrote: a flat JSON object whose
 * values are strings, integers, true, false or null. Strict RFC 8259 for
 * that shape (UTF-8 checked, every escape decoded, duplicate keys and
 * anything nested refused); a string's \udcXX (XX >= 0x80) decodes to the
 * raw byte XX, as json.c encodes bytes that are not UTF-8. Nothing is
 * allocated and nothing is read past the line. */
#ifndef TRACERD_JREAD_H
#define TRACERD_JREAD_H

#include <stdbool.h>
#include <stddef.h>

#define JR_KEY_MAX 64		/* a key, NUL included: longer is none of ours */
#define JR_KEYS_MAX 64		/* members in a line: a record has about 25 */

enum jr_kind { JR_STRING, JR_INT, JR_NULL, JR_BOOL };

struct jr_member {
	char key[JR_KEY_MAX];	/* decoded, NUL-terminated */
	enum jr_kind kind;
	const char *raw;	/* the value's JSON text in the line */
	size_t rawlen;
	long long v;		/* JR_INT (saturated at +-2^62), JR_BOOL 0 or 1 */
};

struct jr_line {
	const unsigned char *p, *end;
	unsigned nkeys;
	int state;
	char keys[JR_KEYS_MAX][JR_KEY_MAX];
};

/* Start reading line[0..n) ('\n' at the end and white space around the
 * object allowed). 0, or -EINVAL when it does not start an object. */
int jr_begin(struct jr_line *l, const char *line, size_t n);

/* The next member into *m: 1; 0 at the end (the whole line was valid);
 * -EINVAL as soon as the line is not such an object (then always). */
int jr_next(struct jr_line *l, struct jr_member *m);

/* A JR_STRING member's value decoded into buf (NUL-terminated; a NUL
 * inside the value is kept, so use the length): its full length, which is
 * cap or more when buf held only the first cap - 1 bytes. */
size_t jr_string(const struct jr_member *m, char *buf, size_t cap);

/* Is line[0..n) such an object, through to its end? */
bool jr_valid(const char *line, size_t n);

#endif
