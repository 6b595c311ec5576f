/* tracerd/policy.c: the decision table (issue 2, "Decisions and errors").
 * Driven as notif.c drives it: facts start unknown, each NEED_* step
 * computes one more fact, until an answer or a creation. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "policy.h"

static struct verdict c;

/* A fresh verdict, poisoned. */
static struct verdict *fresh(void)
{
	memset(&c, 0, sizeof(c));
	c.decision = (enum decision)77;
	c.err = -12345;
	c.reason = "poison";
	return &c;
}

static struct policy_facts facts(int resolve, const char *deny, enum last_type type,
				 int within, int probe)
{
	struct policy_facts f = { .resolve = resolve, .deny = deny, .type = type,
				  .within = within, .probe = probe };

	return f;
}

static void answer_is(const struct policy_facts *f, enum decision d, int err, const char *reason)
{
	assert_int_equal(policy_decide(f, fresh()), POLICY_ANSWER);
	assert_int_equal(c.decision, d);
	assert_int_equal(c.err, err);
	if (reason)
		assert_string_equal(c.reason, reason);
	else
		assert_null(c.reason);
}

/* A step that asks for more leaves the outcome alone. */
static void step_is(const struct policy_facts *f, enum policy_step want)
{
	assert_int_equal(policy_decide(f, fresh()), want);
	assert_int_equal(c.decision, 77);
	assert_int_equal(c.err, -12345);
	assert_string_equal(c.reason, "poison");
}

static void test_refused_link(void **state)
{
	struct policy_facts f = facts(-EPERM, "magic link outside the target", LAST_NORM,
				      POLICY_UNKNOWN, POLICY_UNKNOWN);

	(void)state;
	answer_is(&f, DECISION_DENIED, EPERM, "magic link outside the target");
	/* deny wins over whatever else is known */
	f = facts(0, "x", LAST_DOT, 1, 0);
	answer_is(&f, DECISION_DENIED, EPERM, "x");
}

static void test_cannot_resolve(void **state)
{
	struct policy_facts f = facts(-EPERM, NULL, LAST_NORM, POLICY_UNKNOWN, POLICY_UNKNOWN);

	(void)state;
	answer_is(&f, DECISION_ERROR, EPERM, "cannot resolve as the target");
}

/* The walk's cost bound: an error of tracerd's, never the kernel's
 * answer, wherever the path points. */
static void test_walk_bound(void **state)
{
	struct policy_facts f = facts(-E2BIG, NULL, LAST_NORM, POLICY_UNKNOWN, POLICY_UNKNOWN);

	(void)state;
	answer_is(&f, DECISION_ERROR, EPERM, "path walk longer than 4096 components");
	f.within = 1;
	answer_is(&f, DECISION_ERROR, EPERM, "path walk longer than 4096 components");
}

/* What the kernel fails before its create step is answered as is,
 * wherever the path points. */
static void test_kernel_errors(void **state)
{
	static const int errs[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EBADF,
				    EFAULT, EXDEV };

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(errs); i++) {
		struct policy_facts f = facts(-errs[i], NULL, LAST_NORM, POLICY_UNKNOWN,
					      POLICY_UNKNOWN);

		answer_is(&f, DECISION_EMULATED, errs[i], NULL);
		f.within = 0;
		answer_is(&f, DECISION_EMULATED, errs[i], NULL);
	}
}

/* ".", ".." and the root itself exist: EEXIST, inside or out. */
static void test_dot(void **state)
{
	static const int within[] = { POLICY_UNKNOWN, 1, 0, -EACCES };

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(within); i++) {
		struct policy_facts f = facts(0, NULL, LAST_DOT, within[i], POLICY_UNKNOWN);

		answer_is(&f, DECISION_EMULATED, EEXIST, NULL);
	}
}

static void test_inside(void **state)
{
	struct policy_facts f = facts(0, NULL, LAST_NORM, POLICY_UNKNOWN, POLICY_UNKNOWN);

	(void)state;
	step_is(&f, POLICY_NEED_WITHIN);
	f.within = 1;
	step_is(&f, POLICY_CREATE);
	/* inside, the probe is never needed: mkdirat's own errno answers */
	f.probe = 0;
	step_is(&f, POLICY_CREATE);
}

static void test_ancestry(void **state)
{
	struct policy_facts f = facts(0, NULL, LAST_NORM, -EACCES, POLICY_UNKNOWN);

	(void)state;
	/* the kernel's refusal as the target comes first (predict.c) */
	step_is(&f, POLICY_NEED_PROBE);
	f.probe = -EACCES;
	answer_is(&f, DECISION_EMULATED, EACCES, NULL);
	f.probe = 0;
	answer_is(&f, DECISION_DENIED, EPERM, "parent's ancestry not searchable");
	f.within = -ELOOP;
	answer_is(&f, DECISION_ERROR, EPERM, "parent deeper than 4096 levels");
	f.within = -EIO;
	answer_is(&f, DECISION_DENIED, EPERM, "cannot check the parent's ancestry");
}

/* A deleted parent (a removed cwd or root): no create step anywhere, so
 * ENOENT, unless the lookup fails first (EACCES), inside a root or not. */
static void test_deleted_parent(void **state)
{
	struct policy_facts f = facts(0, NULL, LAST_NORM, -ENOENT, POLICY_UNKNOWN);

	(void)state;
	step_is(&f, POLICY_NEED_PROBE);
	f.probe = 0;
	answer_is(&f, DECISION_EMULATED, ENOENT, NULL);
	f.probe = -EACCES;
	answer_is(&f, DECISION_EMULATED, EACCES, NULL);
}

static void test_outside(void **state)
{
	static const int early[] = { EEXIST, EACCES, ENAMETOOLONG };
	struct policy_facts f = facts(0, NULL, LAST_NORM, 0, POLICY_UNKNOWN);

	(void)state;
	step_is(&f, POLICY_NEED_PROBE);
	/* the lookup would fail first: the kernel's answer */
	for (size_t i = 0; i < UNIT_LEN(early); i++) {
		f.probe = -early[i];
		answer_is(&f, DECISION_EMULATED, early[i], NULL);
	}
	/* it would reach the create step: denied, even where native would
	 * then fail (EROFS, ENOSPC, ...) */
	f.probe = 0;
	answer_is(&f, DECISION_DENIED, EPERM, "outside the allowed roots");
}

/* Refused and absent: predict.c's answer, the kernel's refusal before
 * the filesystem, wins over EPERM and over a denying rule's errno, with or
 * without a known ancestry; only a call it lets through is denied. */
static void test_predicted(void **state)
{
	static const int refusals[] = { EACCES, EROFS, EPERM };
	static const int within[] = { 0, -EACCES, -EIO };
	struct policy_facts in = facts(0, NULL, LAST_NORM, 1, POLICY_UNKNOWN);

	(void)state;
	for (size_t w = 0; w < UNIT_LEN(within); w++) {
		struct policy_facts f = facts(0, NULL, LAST_NORM, within[w], 0);

		f.predict = POLICY_UNKNOWN;
		step_is(&f, POLICY_NEED_PREDICT);
		for (size_t i = 0; i < UNIT_LEN(refusals); i++) {
			f.predict = -refusals[i];
			f.deny_err = EACCES;
			answer_is(&f, DECISION_EMULATED, refusals[i], NULL);
		}
		f.predict = 0;
		f.deny_err = 0;
		assert_int_equal(policy_decide(&f, fresh()), POLICY_ANSWER);
		assert_int_equal(c.decision, DECISION_DENIED);
		assert_int_equal(c.err, EPERM);
	}
	/* inside a root, never asked: mkdirat answers */
	in.predict = POLICY_UNKNOWN;
	step_is(&in, POLICY_CREATE);
}

static const int resolves[] = { 0, -EPERM, -ENOENT, -EACCES, -ELOOP, -E2BIG };
static const char *const denies[] = { NULL, "refused" };
static const int withins[] = { 1, 0, -EACCES, -ELOOP, -EIO };
static const int probes[] = { 0, -EEXIST, -EACCES };

/* Drive one combination the way notif.c does: never more than two
 * questions. Returns the last step. */
static enum policy_step drive(struct policy_facts *f, int within, int probe)
{
	enum policy_step s;
	int steps = 0;

	while ((s = policy_decide(f, fresh())) != POLICY_ANSWER && s != POLICY_CREATE) {
		assert_true(++steps <= 2);
		if (s == POLICY_NEED_WITHIN) {
			assert_int_equal(f->within, POLICY_UNKNOWN);
			assert_int_equal(f->resolve, 0);
			f->within = within;
		} else {
			assert_int_equal(s, POLICY_NEED_PROBE);
			assert_true(f->within <= 0 && f->within != -ELOOP);
			f->probe = probe;
		}
	}
	return s;
}

/* Every combination ends in a creation or an answer that obeys the log's
 * rules (reason on denied and error only; denied and error are EPERM). */
static void test_drive_all(void **state)
{
	const size_t nr = UNIT_LEN(resolves), nd = UNIT_LEN(denies), nt = 2,
		     nw = UNIT_LEN(withins), np = UNIT_LEN(probes);
	unsigned answers = 0, creates = 0;

	(void)state;
	for (size_t i = 0; i < nr * nd * nt * nw * np; i++) {
		size_t r = i % nr, d = i / nr % nd, t = i / nr / nd % nt,
		       w = i / nr / nd / nt % nw, p = i / nr / nd / nt / nw;
		struct policy_facts f = facts(resolves[r], denies[d], (enum last_type)t,
					      POLICY_UNKNOWN, POLICY_UNKNOWN);

		if (drive(&f, withins[w], probes[p]) == POLICY_CREATE) {
			/* only a resolved, normal name inside a root */
			assert_int_equal(f.resolve, 0);
			assert_null(f.deny);
			assert_int_equal(f.type, LAST_NORM);
			assert_int_equal(f.within, 1);
			creates++;
			continue;
		}
		answers++;
		assert_true(c.err > 0);
		if (c.decision == DECISION_EMULATED) {
			assert_null(c.reason);
		} else {
			assert_true(c.decision == DECISION_DENIED || c.decision == DECISION_ERROR);
			assert_non_null(c.reason);
			assert_int_equal(c.err, EPERM);
		}
		/* outside the roots and reaching the create step: denied */
		if (!denies[d] && resolves[r] == 0 && t == LAST_NORM && withins[w] == 0 &&
		    probes[p] == 0)
			assert_int_equal(c.decision, DECISION_DENIED);
	}
	assert_true(answers > 0 && creates > 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(decision_name(DECISION_EMULATED), "emulated");
	assert_string_equal(decision_name(DECISION_DENIED), "denied");
	assert_string_equal(decision_name(DECISION_ERROR), "error");
	assert_string_equal(decision_name((enum decision)42), "error");

	policy_error(fresh(), EFAULT, "path unreadable");
	assert_int_equal(c.decision, DECISION_ERROR);
	assert_int_equal(c.err, EFAULT);
	assert_string_equal(c.reason, "path unreadable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_link),
		cmocka_unit_test(test_cannot_resolve),
		cmocka_unit_test(test_walk_bound),
		cmocka_unit_test(test_kernel_errors),
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_ancestry),
		cmocka_unit_test(test_deleted_parent),
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_predicted),
		cmocka_unit_test(test_drive_all),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
