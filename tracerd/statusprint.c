/* The status answer, printed: every string from tracerd (exe, paths) is
 * escaped, never written raw: \xHH for control bytes and bytes that are
 * not UTF-8, as JSON in --json. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "statusprint.h"

/* s for a terminal: printable UTF-8 as is, a backslash doubled, else \xHH. */
/* A character of k > 1 bytes that moves or hides text on a terminal: C1
 * (U+009B is CSI), the line and paragraph separators, the bidirectional
 * marks, embeddings, overrides and isolates (as logesc.c escapes them). */
static bool hides(const unsigned char *p, size_t k)
{
	unsigned c = p[0] & (k == 2 ? 0x1f : k == 3 ? 0x0f : 0x07);

	for (size_t i = 1; i < k; i++)
		c = c << 6 | (p[i] & 0x3f);
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void put_text(FILE *f, const struct sstr *s)
{
	const unsigned char *p = (const unsigned char *)s->s;

	if (!s->s) {
		fputs("-", f);
		return;
	}
	for (size_t i = 0; i < s->n;) {
		size_t k = p[i] >= 0x80 ? json_utf8_len(p + i, s->n - i) : 1;

		if (p[i] == '\\')
			fputs("\\\\", f);
		else if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f)))
			fprintf(f, "\\x%02x", p[i]);
		else if (k > 1 && hides(p + i, k))
			for (size_t b = 0; b < k; b++)
				fprintf(f, "\\x%02x", p[i + b]);
		else
			fwrite(p + i, 1, k, f);
		i += k ? k : 1;
	}
}

/* An RFC 3339 UTC time from tracerd as local time; as given if it is not
 * one. */
static void put_local(FILE *f, const struct sstr *s)
{
	struct tm tm = { 0 };
	char out[64];
	const char *end = s->s ? strptime(s->s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	time_t t;

	if (!end || (*end != '.' && *end != 'Z')) {
		put_text(f, s);
		return;
	}
	t = timegm(&tm);
	if (!localtime_r(&t, &tm) || !strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S", &tm)) {
		put_text(f, s);
		return;
	}
	fputs(out, f);
}

static void put_uptime(FILE *f, long long ms)
{
	long long s = ms / 1000;

	if (s >= 86400)
		fprintf(f, "%lldd ", s / 86400);
	if (s >= 3600)
		fprintf(f, "%lldh %02lldm %02llds", s / 3600 % 24, s / 60 % 60, s % 60);
	else
		fprintf(f, "%lldm %02llds", s / 60, s % 60);
}

static void text_lists(FILE *f, const struct status_view *v)
{
	fputs("log:       ", f);
	for (unsigned i = 0; i < v->noutputs; i++) {
		fputs(i ? "           " : "", f);
		put_text(f, &v->outputs[i].spec);
		fprintf(f, " (%lld records lost)\n", v->outputs[i].lost_records);
	}
	if (!v->noutputs)
		fputs("-\n", f);
	fputs("roots:     ", f);
	for (unsigned i = 0; i < v->nroots; i++) {
		fputs(i ? " " : "", f);
		put_text(f, &v->roots[i]);
	}
	fputs("\n", f);
}

/* "policy:    FILE (gen N, M rules, K skipped)"; for --allow or the
 * default the rules' name ("--allow", "default") stands for the file. */
static void text_policy(FILE *f, const struct status_view *v)
{
	unsigned skipped = 0;

	if (!v->has_policy)
		return;	/* a tracerd of before issue 19 */
	for (unsigned i = 0; i < v->nrules; i++)
		skipped += v->rules[i].skipped;
	fputs("policy:    ", f);
	if (v->policy.s)
		put_text(f, &v->policy);
	else if (v->nrules && v->rules[0].name.s) {
		const char *c = memrchr(v->rules[0].name.s, ':', v->rules[0].name.n);
		struct sstr from = { v->rules[0].name.s, c ? (size_t)(c - v->rules[0].name.s) : 0 };

		put_text(f, &from);
	} else
		fputs("-", f);
	fprintf(f, " (gen %lld, %lld rule%s", v->policy_gen, v->rules_total,
		v->rules_total == 1 ? "" : "s");
	if (skipped)
		fprintf(f, ", %u skipped", skipped);
	fputs(")\n", f);
}

static void text_programs(FILE *f, const struct status_view *v)
{
	fprintf(f, "programs:  %lld attached", v->n[ST_PROGRAMS]);
	if (v->n[ST_LISTED] < v->n[ST_PROGRAMS])
		fprintf(f, " (%lld listed)", v->n[ST_LISTED]);
	fputs("\n", f);
	if (!v->nprogs)
		return;
	fprintf(f, "  %8s %8s  %-19s %8s  %s\n", "ATTACH", "PID", "SINCE", "CALLS", "EXE");
	for (unsigned i = 0; i < v->nprogs; i++) {
		const struct status_prog *p = &v->progs[i];

		fprintf(f, "  %8lld %8lld  ", p->attach, p->pid);
		put_local(f, &p->since);
		fprintf(f, " %8lld  ", p->calls);
		put_text(f, &p->exe);
		fputs("\n", f);
	}
}

void statusprint_text(FILE *f, const struct status_view *v)
{
	fputs("tracerd ", f);
	put_text(f, &v->version);
	fprintf(f, ", pid %lld, up ", v->n[ST_PID]);
	put_uptime(f, v->n[ST_UPTIME_MS]);
	fputs(" (since ", f);
	put_local(f, &v->started);
	fputs(")\nsocket:    ", f);
	put_text(f, &v->socket);
	fputs("\n", f);
	text_lists(f, v);
	text_policy(f, v);
	fprintf(f, "threads:   %lld (%lld busy, %lld parked, %lld stalled)\n", v->n[ST_THREADS],
		v->n[ST_BUSY], v->n[ST_PARKED], v->n[ST_STALLED]);
	fprintf(f, "calls:     %lld emulated, %lld denied, %lld error\n", v->n[ST_EMULATED],
		v->n[ST_DENIED], v->n[ST_ERROR]);
	fprintf(f, "lost:      %lld answers, %lld records\n", v->n[ST_LOST], v->n[ST_LOST_RECORDS]);
	text_programs(f, v);
}

/* "key": then s as a JSON string (json.c's escaping), or null. */
static void jkey_str(FILE *f, const char *key, const struct sstr *s)
{
	size_t cap = s->s ? 6 * s->n + 3 : 0;
	char *buf = cap ? malloc(cap) : NULL;
	struct jbuf j;

	if (key)
		fprintf(f, "\"%s\":", key);
	if (!buf) {
		fputs("null", f);
		return;
	}
	json_begin(&j, buf, cap);
	j.len = 0;	/* the string alone, without the object's brace */
	json_str(&j, s->s, s->n);
	fwrite(buf, 1, j.len, f);
	free(buf);
}

static void json_lists(FILE *f, const struct status_view *v)
{
	fputs(",\"log_outputs\":[", f);
	for (unsigned i = 0; i < v->noutputs; i++) {
		fputs(i ? ",{" : "{", f);
		jkey_str(f, "output", &v->outputs[i].spec);
		fprintf(f, ",\"lost_records\":%lld}", v->outputs[i].lost_records);
	}
	fputs("],\"allowed_roots\":[", f);
	for (unsigned i = 0; i < v->nroots; i++) {
		fputs(i ? "," : "", f);
		jkey_str(f, NULL, &v->roots[i]);
	}
	fputs("],\"programs\":[", f);
	for (unsigned i = 0; i < v->nprogs; i++) {
		const struct status_prog *p = &v->progs[i];

		fprintf(f, "%s{\"attach\":%lld,\"pid\":%lld,", i ? "," : "", p->attach, p->pid);
		jkey_str(f, "exe", &p->exe);
		fputs(",", f);
		jkey_str(f, "since", &p->since);
		fprintf(f, ",\"calls\":%lld}", p->calls);
	}
	fputs("]", f);
}

/* ,"policy":FILE|null,"policy_gen":N,"rules_total":N,"rules":[...] */
static void json_policy(FILE *f, const struct status_view *v)
{
	if (!v->has_policy)
		return;
	fputs(",", f);
	jkey_str(f, "policy", &v->policy);
	fprintf(f, ",\"policy_gen\":%lld,\"rules_total\":%lld,\"rules\":[", v->policy_gen,
		v->rules_total);
	for (unsigned i = 0; i < v->nrules; i++) {
		const struct status_rule *r = &v->rules[i];

		fputs(i ? ",{" : "{", f);
		jkey_str(f, "rule", &r->name);
		fputs(",", f);
		jkey_str(f, "action", &r->action);
		fputs(",", f);
		jkey_str(f, "dir", &r->dir);
		fputs(",", f);
		jkey_str(f, "errno", &r->err);
		fputs(",", f);
		jkey_str(f, "exe", &r->exe);
		fprintf(f, ",\"skipped\":%s}", r->skipped ? "true" : "false");
	}
	fputs("]", f);
}

void statusprint_json(FILE *f, const struct status_view *v)
{
	fprintf(f, "{\"pid\":%lld,", v->n[ST_PID]);
	jkey_str(f, "version", &v->version);
	fputs(",", f);
	jkey_str(f, "started", &v->started);
	fprintf(f, ",\"uptime_ms\":%lld,", v->n[ST_UPTIME_MS]);
	jkey_str(f, "socket", &v->socket);
	json_lists(f, v);
	json_policy(f, v);
	fprintf(f, ",\"programs_attached\":%lld,\"programs_listed\":%lld", v->n[ST_PROGRAMS],
		v->n[ST_LISTED]);
	fprintf(f, ",\"threads\":{\"total\":%lld,\"busy\":%lld,\"parked\":%lld,\"stalled\":%lld}",
		v->n[ST_THREADS], v->n[ST_BUSY], v->n[ST_PARKED], v->n[ST_STALLED]);
	fprintf(f, ",\"calls\":{\"emulated\":%lld,\"denied\":%lld,\"error\":%lld}",
		v->n[ST_EMULATED], v->n[ST_DENIED], v->n[ST_ERROR]);
	fprintf(f, ",\"lost\":%lld,\"lost_records\":%lld}\n", v->n[ST_LOST],
		v->n[ST_LOST_RECORDS]);
}
