/* tracerd/journal_fmt.c, journal.c and syslogout.c: the field rule, the
 * binary-safe form, the summary and priorities, hostile lines and short
 * buffers, the memfd path over a socketpair with a tiny SO_SNDBUF, and
 * syslog's local datagram form. The payload is read back by a decoder
 * written here from the protocol's description, not from the encoder. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "unit.h"
#include "journal.h"
#include "syslogout.h"

#define FIELDS_MAX 80

struct field {
	char name[80];
	const char *v;
	size_t n;
	int binary;
};

static struct field fields[FIELDS_MAX];
static size_t nfields;
static char payload[65536];

/* Split a native-protocol payload into fields; fails the test on any
 * framing error. */
static void decode(const char *p, size_t len)
{
	const char *end = p + len;

	nfields = 0;
	while (p < end) {
		struct field *f = &fields[nfields++];
		size_t k = strcspn(p, "=\n");
		uint64_t n = 0;

		assert_true(nfields <= FIELDS_MAX && k < sizeof(f->name) && p + k < end);
		memcpy(f->name, p, k);
		f->name[k] = '\0';
		f->binary = p[k] == '\n';
		p += k + 1;
		if (f->binary) {
			assert_true(end - p >= 8);
			for (int i = 7; i >= 0; i--)
				n = n << 8 | (unsigned char)p[i];
			p += 8;
		} else {
			n = (const char *)memchr(p, '\n', (size_t)(end - p)) - p;
		}
		assert_true(n < (uint64_t)(end - p));
		f->v = p;
		f->n = n;
		p += n;
		assert_int_equal(*p++, '\n');
	}
}

static const struct field *find(const char *name)
{
	for (size_t i = 0; i < nfields; i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

static void encode(const char *line)
{
	ssize_t n = journal_encode(line, strlen(line), payload, sizeof(payload));

	assert_true(n > 0);
	decode(payload, (size_t)n);
}

/* name has exactly v[0..n) as value, in the text (0) or binary (1) form. */
static void has(const char *name, const char *v, size_t n, int binary)
{
	const struct field *f = find(name);

	if (!f)
		fail_msg("no field %s", name);
	assert_int_equal(f->n, n);
	assert_memory_equal(f->v, v, n);
	assert_int_equal(f->binary, binary);
}

#define HAS(name, lit) has(name, lit, sizeof(lit) - 1, 0)
#define HAS_BIN(name, lit) has(name, lit, sizeof(lit) - 1, 1)

static const char rec[] =
	"{\"ts\":\"2026-12-06T10:08:09.430435Z\",\"pid\":24859,\"tid\":24860,\"uid\":0,"
	"\"exe\":\"/usr/bin/mkdir\",\"comm\":\"mkdir\",\"syscall\":\"mkdirat\","
	"\"path\":\"/var/tmp/b\",\"mode\":\"0777\",\"decision\":\"denied\",\"errno\":\"EPERM\","
	"\"reason\":\"outside the allowed roots\",\"recovered\":true,\"cut\":false,"
	"\"some-new_key2\":-7,\"gone\":null}\n";

static void test_field_rule(void **state)
{
	(void)state;
	encode(rec);
	HAS("NOTIF_TS", "2026-12-06T10:08:09.430435Z");
	HAS("NOTIF_PID", "24859");
	HAS("NOTIF_TID", "24860");
	HAS("NOTIF_UID", "0");
	HAS("NOTIF_EXE", "/usr/bin/mkdir");
	HAS("NOTIF_SYSCALL", "mkdirat");
	HAS("NOTIF_DECISION", "denied");
	HAS("NOTIF_ERRNO", "EPERM");
	HAS("NOTIF_REASON", "outside the allowed roots");
	HAS("NOTIF_RECOVERED", "true");
	HAS("NOTIF_CUT", "false");
	HAS("NOTIF_SOME_NEW_KEY2", "-7");
	assert_null(find("NOTIF_GONE"));	/* null: left out */
	HAS("MESSAGE", "denied mkdirat /var/tmp/b (EPERM) by mkdir[24859]");
	HAS("PRIORITY", "5");
	HAS("SYSLOG_IDENTIFIER", "tracerd");
	assert_int_equal(nfields, 15 + 3);
}

static void test_priorities(void **state)
{
	(void)state;
	encode("{\"decision\":\"emulated\",\"errno\":null,\"path\":\"/tmp/x\",\"comm\":\"c\","
	       "\"pid\":1}");
	HAS("PRIORITY", "6");
	HAS("MESSAGE", "emulated mkdir /tmp/x by c[1]");
	encode("{\"decision\":\"error\",\"errno\":\"EIO\"}");
	HAS("PRIORITY", "4");
	HAS("MESSAGE", "error mkdir ? (EIO) by ?[?]");
	encode("{\"ts\":\"t\",\"event\":\"start\",\"schema\":2}\n");
	HAS("PRIORITY", "6");
	HAS("NOTIF_EVENT", "start");
	HAS("NOTIF_SCHEMA", "2");
	HAS("MESSAGE", "tracerd start");
	encode("{\"event\":\"reject\",\"pid\":9,\"reason\":\"a \\\"b\\\"\"}");
	HAS("MESSAGE", "tracerd reject pid 9: a \\\"b\\\"");
	assert_int_equal(journal_priority(rec, sizeof(rec) - 1), 5);
	assert_int_equal(journal_priority("{}", 2), 6);
	assert_int_equal(journal_priority("garbage", 7), 6);
}

/* A newline, a control byte, a lone \udcXX byte or a NUL: binary form,
 * exact bytes; printable UTF-8 stays text. The summary stays one line. */
static void test_binary_safe(void **state)
{
	(void)state;
	encode("{\"path\":\"/tmp/a\\nb\",\"comm\":\"x\\u0001\",\"cwd\":\"/t/\\udcff\\udcfe\","
	       "\"exe\":\"/t/\\u00e9\\u20ac\",\"cmdline\":\"a\\u0000b\",\"r\":\"\\u007f\","
	       "\"decision\":\"denied\",\"errno\":\"EPERM\",\"pid\":3}");
	HAS_BIN("NOTIF_PATH", "/tmp/a\nb");
	HAS_BIN("NOTIF_COMM", "x\x01");
	HAS_BIN("NOTIF_CWD", "/t/\xff\xfe");
	HAS("NOTIF_EXE", "/t/\xc3\xa9\xe2\x82\xac");
	HAS_BIN("NOTIF_CMDLINE", "a\0b");
	HAS_BIN("NOTIF_R", "\x7f");
	HAS("MESSAGE", "denied mkdir /tmp/a\\nb (EPERM) by x\\u0001[3]");
	encode("{\"path\":\"\"}");
	HAS("NOTIF_PATH", "");
}

/* Keys that are not ours (other bytes, empty) make no field. */
static void test_odd_keys(void **state)
{
	(void)state;
	encode("{\"a.b\":1,\"\":2,\"\\u00e9\":3,\"A_b-C\":4}");
	assert_null(find("NOTIF_A.B"));
	assert_null(find("NOTIF_"));
	HAS("NOTIF_A_B_C", "4");
	assert_int_equal(nfields, 1 + 3);
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\":}", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1,\"a\":2}",
		"{\"a\":\"\\ud800\"}", "{\"a\":\"\xff\"}", "{\"a\":1}x", "{\"a\":1,}",
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++)
		assert_int_equal(journal_encode(bad[i], strlen(bad[i]), payload, sizeof(payload)),
				 -EINVAL);
}

/* Every buffer short of what is needed is refused, and nothing is
 * written past it (the buffer is exactly that long: valgrind sees). */
static void test_short_buffers(void **state)
{
	size_t len = sizeof(rec) - 1;
	ssize_t need = journal_encode(rec, len, payload, sizeof(payload));

	(void)state;
	assert_true(need > 0 && (size_t)need <= journal_cap(len));
	for (size_t cap = 0; cap < (size_t)need; cap++) {
		char *b = malloc(cap ? cap : 1);

		assert_int_equal(journal_encode(rec, len, b, cap), -ENOSPC);
		free(b);
	}
}

/* A line much larger than 64 members' framing: journal_cap() holds it. */
static void test_cap_bound(void **state)
{
	char line[8192], *b;
	size_t n = 0;
	ssize_t r;

	(void)state;
	n += (size_t)sprintf(line + n, "{");
	for (int i = 0; i < 63; i++)
		n += (size_t)sprintf(line + n, "%s\"k%02d\":\"\\n\"", i ? "," : "", i);
	n += (size_t)sprintf(line + n, ",\"pid\":1}");
	b = malloc(journal_cap(n));
	r = journal_encode(line, n, b, journal_cap(n));
	assert_true(r > 0);
	decode(b, (size_t)r);
	assert_int_equal(nfields, 64 + 3);
	free(b);
}

/* Too big for the socket's send buffer: an empty datagram carrying a
 * sealed memfd that holds exactly the payload. */
static void test_memfd_path(void **state)
{
	int sv[2], tiny = 1, fd = -1;
	static char big[20000], got[20001];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = { .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;
	int fds0 = unit_count_fds();

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &tiny, sizeof(tiny)), 0);
	assert_int_equal(journal_send_payload(sv[0], NULL, big, sizeof(big)), 0);
	assert_int_equal(recvmsg(sv[1], &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC), 0);
	c = CMSG_FIRSTHDR(&mh);
	assert_non_null(c);
	assert_int_equal(c->cmsg_type, SCM_RIGHTS);
	assert_int_equal(c->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	assert_int_equal(fcntl(fd, F_GET_SEALS),
			 F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
	assert_int_equal(pread(fd, got, sizeof(got), 0), sizeof(big));
	assert_memory_equal(got, big, sizeof(big));
	/* a small one still goes as a plain datagram */
	assert_int_equal(journal_send_payload(sv[0], NULL, "A=b\n", 4), 0);
	assert_int_equal(recv(sv[1], got, sizeof(got), MSG_DONTWAIT), 4);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(unit_count_fds(), fds0);
}

/* Anything but "too big" is the caller's loss to count. */
static void test_send_errors(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	close(sv[1]);
	assert_int_equal(journal_send_payload(sv[0], NULL, "A=b\n", 4), -ECONNREFUSED);
	assert_int_equal(journal_send_payload(sv[0], "/nonexistent/journal", "A=b\n", 4),
			 -ENOENT);
	close(sv[0]);
}

static void test_facilities(void **state)
{
	static const char *const names[] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
		"cron", "authpriv", "ftp", "local0", "local1", "local2", "local3", "local4",
		"local5", "local6", "local7",
	};
	static const int codes[] = {
		LOG_KERN, LOG_USER, LOG_MAIL, LOG_DAEMON, LOG_AUTH, LOG_SYSLOG, LOG_LPR,
		LOG_NEWS, LOG_UUCP, LOG_CRON, LOG_AUTHPRIV, LOG_FTP, LOG_LOCAL0, LOG_LOCAL1,
		LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(names); i++)
		assert_int_equal(syslogout_facility(names[i]), codes[i]);
	assert_int_equal(syslogout_facility("AUTHPRIV"), -EINVAL);
	assert_int_equal(syslogout_facility("local8"), -EINVAL);
	assert_int_equal(syslogout_facility(""), -EINVAL);
	assert_int_equal(syslogout_facility(NULL), -EINVAL);
}

/* <PRI>Mmm dd hh:mm:ss tracerd[PID]: LINE, in UTC here; the day is
 * space-padded, the '\n' dropped. */
static void test_syslog_form(void **state)
{
	char buf[512], want[512];
	const char *l = "{\"decision\":\"denied\",\"path\":\"/a\"}\n";
	int n;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	n = syslogout_format(l, strlen(l), 1767236645, buf, sizeof(buf));	/* 2026-01-01 03:04:05 */
	snprintf(want, sizeof(want), "<85>Jan  1 03:04:05 tracerd[%d]: %.*s", (int)getpid(),
		 (int)strlen(l) - 1, l);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, (size_t)n);
	syslogout_set_facility(LOG_LOCAL3);
	n = syslogout_format("{\"decision\":\"error\"}", 20, 1767236645 + 86400 * 340, buf,
			     sizeof(buf));
	buf[n] = '\0';
	assert_true(!strncmp(buf, "<156>Dec  7 03:04:05 tracerd[", 29));
	n = syslogout_format("{\"event\":\"start\"}", 17, 0, buf, sizeof(buf));
	assert_true(!strncmp(buf, "<158>Jan  1 00:00:00 ", 21));
	assert_int_equal(syslogout_format(l, strlen(l), 0, buf, 40), -ENOSPC);
	syslogout_set_facility(LOG_AUTHPRIV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_rule),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_binary_safe),
		cmocka_unit_test(test_odd_keys),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_short_buffers),
		cmocka_unit_test(test_cap_bound),
		cmocka_unit_test(test_memfd_path),
		cmocka_unit_test(test_send_errors),
		cmocka_unit_test(test_facilities),
		cmocka_unit_test(test_syslog_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
