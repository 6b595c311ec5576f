#!/usr/bin/env python3
# Functions longer than a limit in C files.
#
#   tools/funclen.py [--max N] FILE_OR_DIR...      (N defaults to 60)
#   tools/funclen.py --self-test
#
# A directory is searched recursively for .c files; a file named on the
# command line is read whatever its name. Prints, for each function longer
# than N lines,
#   path:line: function NAME is M lines (max N)
# where line is the line of the function's name, and exits 1 if there is
# any (0 if none, 2 on a usage error). Unbalanced braces are warned about
# on stderr.
#
# How a function is counted: M is the number of physical lines from the
# line of the function's opening "{" through the line of its closing "}",
# both included, blank and comment lines inside included: the lines a
# reader reads as the body. The signature is not counted, however many
# lines its parameters take. So, kernel style,
#     int f(void)
#     {                  <- counted
#             return 0;  <- counted
#     }                  <- counted
# is 3 lines, and "int f(void) { return 0; }" is 1.
#
# The braces are found on the source with comments, string and character
# literals and preprocessor lines (with their continuations) blanked out,
# line numbers kept, so braces inside them do not count. Of an #if/#elif/
# #else group all branches are read when each balances its braces, else
# only the first live one; #if 0 and #ifdef __cplusplus blocks are
# skipped, and the inside of extern "C" { } is at file scope. A function is an
# identifier followed by a parameter list and "{" at file scope
# (attributes such as __attribute__((...)) allowed before, and the
# "T (*f(args))(args)" form of a function returning a function pointer);
# struct, union, enum bodies and initialisers at file scope are not.
#
# Known limits: no real preprocessor (a macro that hides a brace, or that
# expands to a whole function header, can mislead it; a macro call
# "DEFINE_X(a) {" at file scope is taken as a function named DEFINE_X);
# old-style K&R parameter declarations ("int f(a) int a; {") are not seen
# as definitions; GCC nested functions count as part of their parent.
import argparse
import bisect
import os
import re
import shutil
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clex import KEYWORDS, ATTR_WORDS, strip_source, tokenize, parse, \
    self_test_verdict  # noqa: E402

# --- funclen proper. ------------------------------------------------------

def functions(path):
    """([(name, line, length)], warnings) of the functions of one file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code, _ = strip_source(f.read())
    warnings = []
    funcs = parse(code, warnings)
    return [(f["name"], f["line"], f["close"] - f["open"] + 1)
            for f in funcs], warnings


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [os.path.join(root, nm) for nm in sorted(names)
                          if nm.endswith(".c")]
        elif os.path.isfile(p):
            files.append(p)
        else:
            raise FileNotFoundError(p)
    return files


def check(paths, limit, out=sys.stdout, err=sys.stderr):
    found = 0
    for path in collect(paths):
        funcs, warnings = functions(path)
        for w in warnings:
            print("funclen: warning: %s:%s" % (path, w), file=err)
        for name, line, length in funcs:
            if length > limit:
                found += 1
                print("%s:%d: function %s is %d lines (max %d)"
                      % (path, line, name, length, limit), file=out)
    return 1 if found else 0


SELF_TEST_C = r'''#include <stdio.h>
#define OPEN {                          /* a brace in a directive */
#define BODY(x) \
	do { x; } while (0)

struct s { int a; };                    /* not functions: */
static const struct s tab[] = { { 1 }, { 2 } };
enum e { E1, E2 };
int (*fp)(int) = 0;

/* a comment with int fake(void) { in it */
int
kr(int a)
{
	const char *s = "}}} /* {";
	char c = '}';
	char d = '\'';
	// }
	if (a) {
		while (a--) { BODY(c++); }
	}
#if 0
	{
#endif
	return s[0] + c + d;
}

static int cond(int a)
{
#ifdef X
	if (a) {
#else
	if (!a) {
#endif
		a++;
	}
	return a;
}

int one(void) { return 1; }

__attribute__((unused)) static int attr(void) {
	int n = 1'000;
	return n;
}

static int (*getter(int k))(void)
{
	static const char *x = "a\
}";
	(void)x;
	return k ? one : 0;
}

int multi(int a,
	  int b)
{

	return a + b;   /* a blank line above is counted */

}
'''
SELF_TEST_WANT = [("kr", 13, 13), ("cond", 28, 10), ("one", 40, 1),
                  ("attr", 42, 4), ("getter", 47, 6), ("multi", 55, 5)]


def self_test():
    failures = []
    tmp = tempfile.mkdtemp(prefix="funclen-selftest.")
    try:
        os.makedirs(os.path.join(tmp, "sub"))
        path = os.path.join(tmp, "sub", "t.c")
        with open(path, "w") as f:
            f.write(SELF_TEST_C)
        with open(os.path.join(tmp, "sub", "t.h"), "w") as f:
            f.write("static inline int h(void)\n{\n" + "\tx;\n" * 99 + "}\n")
        got, warnings = functions(path)
        if got != SELF_TEST_WANT:
            failures.append("functions: got %s, want %s" % (got, SELF_TEST_WANT))
        if warnings:
            failures.append("warnings: %s" % warnings)

        class Buf(list):
            def write(self, s):
                self.append(s)

        out, err = Buf(), Buf()
        rc = check([tmp], 10, out, err)     # .h files under a dir: skipped
        want = "%s:13: function kr is 13 lines (max 10)\n" % path
        if rc != 1 or "".join(out) != want:
            failures.append("report: rc %d, %r" % (rc, "".join(out)))
        out = Buf()
        if check([path], 13, out, err) != 0 or out:
            failures.append("max 13: not clean: %r" % "".join(out))
        bad = os.path.join(tmp, "bad.c")
        with open(bad, "w") as f:
            f.write("int f(void)\n{\n\tif (1) {\n\treturn 0;\n}\n")
        got, warnings = functions(bad)
        if got != [("f", 1, 4)] or len(warnings) != 1:
            failures.append("unbalanced: %s %s" % (got, warnings))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return self_test_verdict("funclen", failures)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Report C functions longer than --max lines (from the "
                    "opening through the closing brace, inclusive).")
    ap.add_argument("paths", nargs="*", metavar="FILE_OR_DIR")
    ap.add_argument("--max", type=int, default=60, metavar="N")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.paths:
        ap.error("no file or directory given")
    if args.max < 1:
        ap.error("--max must be at least 1")
    try:
        return check(args.paths, args.max)
    except FileNotFoundError as e:
        print("funclen: no such file or directory: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
