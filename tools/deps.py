#!/usr/bin/env python3
# Dependency cycles among the modules of a C tree.
#
#   tools/deps.py [--graph] [-I DIR]... DIR_OR_FILE...
#   tools/deps.py --self-test
#
# Reads every .c and .h file under the given directories (recursively) and
# builds a graph of modules: foo.c and foo.h in the same directory are one
# module, "dir/foo"; a header without a .c (or a .c without a header) is a
# module of its own. Module A depends on module B when a file of A
#   - #includes a header of B: "x.h" is resolved relative to the including
#     file's directory, then in each -I DIR, then, failing that, as the one
#     scanned file whose path ends in /x.h; <x.h> only through -I DIR; or
#   - calls a non-static function defined in a file of B: an identifier
#     followed by "(" inside a function body (not after "." or "->", not a
#     keyword, not a #define'd macro visible there). A call resolves to a
#     definition in the same file, or to a static (inline) function of a
#     header the file includes, before any other module; when several
#     modules define the name, those whose header the file includes win,
#     then those under the same given directory. A function-like or
#     object-like macro of the project used in a body counts as the calls
#     its replacement text makes ("calls log_msg() via log_info").
# Definitions and calls are found on the source with comments, string and
# character literals and preprocessor lines blanked out (line numbers kept);
# a definition is an identifier followed by a parameter list and "{" at
# file scope (attributes such as __attribute__((...)) allowed, and the
# "T (*f(args))(args)" form of a function returning a function pointer).
# Of an #if/#elif/#else group all branches are read when each balances its
# braces, else only the first live one; #if 0 and #ifdef __cplusplus
# blocks are skipped, and the inside of extern "C" { } is at file scope.
#
# Prints every strongly connected component of more than one module, with
# cycles through it (the shortest cycle through each of its edges) and, for
# each edge, why (the #include or the calls, with the first file:line of
# each). --graph also prints the whole edge list. Exit 1 if there is any
# cycle, 0 if none, 2 on a usage error.
#
# Known limits: no real preprocessor (a macro that expands to a function
# definition or hides braces is not understood); calls through function
# pointers and functions only referenced (callbacks, tables) make no edge;
# old-style K&R parameter declarations ("int f(a) int a; {") are not seen
# as definitions; an #include built from a macro is ignored.
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

def body_uses(body):
    """[(name, line, called)] of the identifiers of a function body; called:
    followed by "(". Member names (after . or ->) are left out."""
    uses = []
    for k, (t, line) in enumerate(body):
        if not (t[0].isalpha() or t[0] == "_") or t in KEYWORDS:
            continue
        if k and body[k - 1][0] in (".", "->"):
            continue
        called = k + 1 < len(body) and body[k + 1][0] == "("
        uses.append((t, line, called))
    return uses


# --- The project. ----------------------------------------------------------

_INCLUDE = re.compile(r'#\s*include\s*([<"])([^>"]+)[>"]')
_DEFINE = re.compile(r"#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?(.*)", re.S)


class Source:
    def __init__(self, path, rel):
        self.path = path                # as given / found
        self.rel = rel                  # for display
        with open(path, encoding="utf-8", errors="replace") as f:
            code, directives = strip_source(f.read())
        self.warnings = []
        self.funcs = parse(code, self.warnings)
        self.includes = []              # (kind, name, line)
        self.macros = {}                # name -> (params or None, calls, idents)
        for first, _, text in directives:
            m = _INCLUDE.match(text)
            if m:
                self.includes.append((m.group(1), m.group(2).strip(), first))
                continue
            m = _DEFINE.match(text)
            if m:
                params = None
                if m.group(2) is not None:
                    params = {p.strip() for p in m.group(2)[1:-1].split(",")}
                body, _ = strip_source(m.group(3))
                uses = body_uses(tokenize(body))
                self.macros[m.group(1)] = (
                    params,
                    {u for u, _, c in uses if c and u not in (params or ())},
                    {u for u, _, c in uses if not c and u not in (params or ())})
        self.defined = {f["name"] for f in self.funcs}
        self.static = {f["name"] for f in self.funcs if f["static"]}


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for nm in sorted(names):
                    if nm.endswith((".c", ".h")):
                        files.append((os.path.join(root, nm), p))
        elif os.path.isfile(p):
            files.append((p, os.path.dirname(p) or "."))
        else:
            raise FileNotFoundError(p)
    return files


def display(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def module_of(path):
    return display(os.path.splitext(path)[0])


class Graph:
    def __init__(self, paths, incdirs=()):
        self.srcs = {}                  # normpath -> Source
        self.top = {}                   # normpath -> the given dir it is under
        for path, top in collect(paths):
            key = os.path.normpath(os.path.abspath(path))
            if key not in self.srcs:
                self.srcs[key] = Source(path, display(path))
                self.top[key] = os.path.normpath(os.path.abspath(top))
        self.incdirs = [os.path.abspath(d) for d in incdirs]
        self.modules = sorted({module_of(k) for k in self.srcs})
        self.edges = {}                 # (A, B) -> {reason: "file:line"}
        self._resolve_includes()
        self._resolve_calls()

    def _find_header(self, src_key, kind, name):
        cands = []
        if kind == '"':
            cands.append(os.path.join(os.path.dirname(src_key), name))
        cands += [os.path.join(d, name) for d in self.incdirs]
        for c in cands:
            c = os.path.normpath(c)
            if c in self.srcs:
                return c
            if os.path.exists(c):
                return None             # a real file outside the scanned set
        if kind == '"':
            tail = os.sep + os.path.normpath(name).lstrip("." + os.sep)
            hits = [k for k in self.srcs if k.endswith(tail)]
            if len(hits) == 1:
                return hits[0]
        return None

    def _add(self, a, b, reason, where):
        if a != b:
            self.edges.setdefault((a, b), {}).setdefault(reason, where)

    def _resolve_includes(self):
        self.inc = {}                   # key -> direct project includes
        for key, s in self.srcs.items():
            self.inc[key] = []
            for kind, name, line in s.includes:
                h = self._find_header(key, kind, name)
                if h:
                    self.inc[key].append(h)
                    self._add(module_of(key), module_of(h),
                              "includes " + name, "%s:%d" % (s.rel, line))
        self.closure = {}
        for key in self.srcs:           # transitive includes, with key
            seen, todo = {key}, [key]
            while todo:
                for h in self.inc[todo.pop()]:
                    if h not in seen:
                        seen.add(h)
                        todo.append(h)
            self.closure[key] = seen

    def _resolve_calls(self):
        defs = {}                       # name -> [key] non-static
        for key, s in self.srcs.items():
            for f in s.funcs:
                if not f["static"]:
                    defs.setdefault(f["name"], []).append(key)
        for key, s in self.srcs.items():
            vis = self.closure[key]
            macros = {}
            for h in sorted(vis, key=lambda k: k == key):   # own last wins
                macros.update(self.srcs[h].macros)
            local = set()
            for h in vis:
                local |= self.srcs[h].static if h != key else s.defined
            mod = module_of(key)

            def call(name, line, via):
                if name in local or name not in defs:
                    return
                targets = defs[name]
                if len(targets) > 1:
                    for narrow in (lambda t: module_of(t) in {module_of(h) for h in vis if h.endswith(".h")},
                                   lambda t: self.top[t] == self.top[key]):
                        sub = [t for t in targets if narrow(t)]
                        if sub:
                            targets = sub
                            break
                why = "calls %s()" % name + (" via %s" % via if via else "")
                for t in targets:
                    self._add(mod, module_of(t), why, "%s:%d" % (s.rel, line))

            def expand(mname, line, via, seen):
                _, calls, idents = macros[mname]
                for c in sorted(calls):
                    if c in macros and c not in seen:
                        expand(c, line, via, seen | {c})
                    elif c not in macros:
                        call(c, line, via)
                for c in sorted(idents):
                    if c in macros and macros[c][0] is None and c not in seen:
                        expand(c, line, via, seen | {c})

            for f in s.funcs:
                for name, line, called in body_uses(f["body"]):
                    if name in macros:
                        if called or macros[name][0] is None:
                            expand(name, line, name, {name})
                    elif called:
                        call(name, line, None)

    # --- Cycles ------------------------------------------------------------

    def succ(self):
        out = {m: [] for m in self.modules}
        for a, b in sorted(self.edges):
            out[a].append(b)
        return out

    def components(self):
        """Strongly connected components of more than one module (Tarjan,
        iterative), each sorted, in order of their first module."""
        succ = self.succ()
        index, low, on, stack, comps = {}, {}, set(), [], []
        counter = 0
        for root in self.modules:
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on.add(v)
                recurse = False
                while i < len(succ[v]):
                    w = succ[v][i]
                    i += 1
                    if w not in index:
                        work.append((v, i))
                        work.append((w, 0))
                        recurse = True
                        break
                    if w in on:
                        low[v] = min(low[v], index[w])
                if recurse:
                    continue
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        comps.append(sorted(comp))
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
        return sorted(comps)

    def cycles(self, comp):
        """The shortest cycle through each edge of comp, without repeats,
        shortest first; each a list of modules, first == last."""
        inside = set(comp)
        succ = {m: [b for b in self.succ()[m] if b in inside] for m in comp}
        found, seen = [], set()
        for a in comp:
            for b in succ[a]:
                prev, todo = {b: None}, [b]         # BFS b -> a
                while todo and a not in prev:
                    nxt = []
                    for u in todo:
                        for w in succ[u]:
                            if w not in prev:
                                prev[w] = u
                                nxt.append(w)
                    todo = nxt
                path = [a]
                while path[-1] != b:
                    path.append(prev[path[-1]])
                path.reverse()                      # b ... a
                cyc = [a] + path
                ring = cyc[:-1]
                k = ring.index(min(ring))
                canon = tuple(ring[k:] + ring[:k])
                if canon not in seen:
                    seen.add(canon)
                    found.append(list(canon) + [canon[0]])
        return sorted(found, key=lambda c: (len(c), c))

    def why(self, a, b):
        return "; ".join("%s (%s)" % (r, w)
                         for r, w in self.edges[(a, b)].items())


def report(g, show_graph, out=sys.stdout):
    comps = g.components()
    if show_graph:
        print("edges (%d among %d modules):" % (len(g.edges), len(g.modules)),
              file=out)
        for a, b in sorted(g.edges):
            print("  %s -> %s: %s" % (a, b, g.why(a, b)), file=out)
        if comps:
            print(file=out)
    for n, comp in enumerate(comps, 1):
        print("cycle %d of %d: %d modules depend on each other: %s"
              % (n, len(comps), len(comp), " ".join(comp)), file=out)
        for cyc in g.cycles(comp):
            print("  " + " -> ".join(cyc), file=out)
        print("  why:", file=out)
        inside = set(comp)
        for a, b in sorted(g.edges):
            if a in inside and b in inside:
                print("    %s -> %s: %s" % (a, b, g.why(a, b)), file=out)
    if not comps:
        print("deps: no cycle among %d modules (%d edges between them)"
              % (len(g.modules), len(g.edges)), file=out)
    return 1 if comps else 0


# --- Self-test. -------------------------------------------------------------

SELF_TEST = {
    # Include cycle: a.c includes b.h, b.c includes a.h (a.h includes its
    # own types, not a cycle).
    "inc/a.h": '#include "a_types.h"\nint a_fn(void);\n',
    "inc/a_types.h": "struct a { int x; };\n",
    "inc/a.c": '#include "a.h"\n#include "b.h"\nint a_fn(void) { return 1; }\n',
    "inc/b.h": "int b_fn(void);\n",
    "inc/b.c": '#include "b.h"\n#include "a.h"\nint b_fn(void) { return 2; }\n',
    # Call cycle through a third module, no includes between them:
    # c -> d -> e -> c, e's call in a K&R-braced, macro-wrapped body.
    "call/c.c": "int d_fn(int);\nint c_fn(int x)\n{\n\treturn d_fn(x);\n}\n",
    "call/d.c": "int e_fn(int);\nint d_fn(int x) { if (x) { return e_fn(x - 1); } return 0; }\n",
    "call/e.h": "#define CALL_C(x) c_fn(x)\nint c_fn(int);\n",
    "call/e.c": '#include "e.h"\nint\ne_fn(int x)\n{\n\treturn CALL_C(x);\n}\n',
    # Acyclic: none of these may make an edge back to x.
    "ok/x.h": '#include "y.h"\nstruct x { struct y y; };\nint x_fn(void);\n',
    "ok/x.c": '#include "x.h"\nint x_fn(void)\n{\n\treturn y_fn() + y_other();\n}\n',
    "ok/y.h": "struct y { int (*cb)(void); };\nint y_fn(void);\nint y_other(void);\n",
    "ok/y.c": ('#include "y.h"\n'
               "#define x_fn() 0 /* a macro, not x.c's function */\n"
               "static int x_static(void) { return 0; }\n"
               "/* x_fn(); in a comment */\n"
               'int y_fn(void) { const char *s = "x_fn()"; struct y o = {0};\n'
               "\tif (sizeof(s) && o.cb) return o.cb() + x_fn() + x_static();\n"
               "\treturn '(' + '{';\n}\n"
               "int y_other(void) { return 0; }\n"
               "int (*y_get(int k))(void) { return k ? y_fn : 0; }\n"),
    "ok/z.c": ("static int x_fn(void) { return 3; }  /* its own, static */\n"
               "int main(void) { return x_fn(); }\n"),
    "ok/sub/w.c": '#include "../x.h"\nint w(void) { return x_fn(); }\n',
}


def self_test():
    tmp = tempfile.mkdtemp(prefix="deps-selftest.")
    failures = []

    def check(what, cond):
        if not cond:
            failures.append(what)

    try:
        for rel, text in SELF_TEST.items():
            p = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
        old = os.getcwd()
        os.chdir(tmp)
        try:
            null = open(os.devnull, "w")
            g = Graph(["inc"])
            check("include cycle found", g.components() == [["inc/a", "inc/b"]])
            check("include cycle path", g.cycles(["inc/a", "inc/b"]) == [["inc/a", "inc/b", "inc/a"]])
            check("include reason", "includes b.h" in g.edges.get(("inc/a", "inc/b"), {}))
            check("own header types no cycle", ("inc/a", "inc/a_types") in g.edges)
            check("include exit 1", report(g, True, null) == 1)

            g = Graph(["call"])
            check("call cycle found", g.components() == [["call/c", "call/d", "call/e"]])
            check("call cycle path", g.cycles(["call/c", "call/d", "call/e"])
                  == [["call/c", "call/d", "call/e", "call/c"]])
            check("call reason", "calls d_fn()" in g.edges.get(("call/c", "call/d"), {}))
            check("macro reason", "calls c_fn() via CALL_C" in g.edges.get(("call/e", "call/c"), {}))
            check("call exit 1", report(g, False, null) == 1)

            g = Graph(["ok"])
            check("acyclic: no cycle", g.components() == [])
            check("acyclic: edges %s" % sorted(g.edges), sorted(g.edges) == [
                ("ok/sub/w", "ok/x"), ("ok/x", "ok/y")])
            check("acyclic: ../ include", "includes ../x.h" in g.edges.get(("ok/sub/w", "ok/x"), {}))
            check("acyclic: x calls", set(g.edges.get(("ok/x", "ok/y"), {}))
                  == {"includes y.h", "calls y_fn()", "calls y_other()"})
            ydefs = {f["name"]: f["static"] for f in g.srcs[os.path.abspath("ok/y.c")].funcs}
            check("definitions %s" % ydefs, ydefs == {
                "x_static": True, "y_fn": False, "y_other": False, "y_get": False})
            check("acyclic exit 0", report(g, True, null) == 0)

            g = Graph(["inc", "call", "ok"])
            check("all: two components", len(g.components()) == 2)
            null.close()
        finally:
            os.chdir(old)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return self_test_verdict("deps", failures)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Dependency cycles among the modules (foo.c + foo.h) "
                    "of the C files under the given directories.")
    ap.add_argument("paths", nargs="*", metavar="DIR_OR_FILE")
    ap.add_argument("--graph", action="store_true",
                    help="also print the whole edge list")
    ap.add_argument("-I", dest="incdirs", action="append", default=[],
                    metavar="DIR", help="where #include looks after the "
                    "including file's directory (like cc -I)")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.paths:
        ap.error("no directory given")
    try:
        g = Graph(args.paths, args.incdirs)
    except FileNotFoundError as e:
        print("deps: no such file or directory: %s" % e, file=sys.stderr)
        return 2
    for s in g.srcs.values():
        for w in s.warnings:
            print("deps: warning: %s:%s" % (s.rel, w), file=sys.stderr)
    return report(g, args.graph)


if __name__ == "__main__":
    sys.exit(main())
