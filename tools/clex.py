"""The C lexer and function finder shared by tools/deps.py and
tools/funclen.py: comments, literals and directives blanked with the lines
kept, #if branches resolved as both tools describe, top-level function
definitions found with their extents. Standard library only."""
import bisect
import re


KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local alignas alignof bool static_assert
    thread_local typeof typeof_unqual __typeof__ __typeof __alignof__
    __attribute__ __attribute __asm__ __asm asm __extension__ __inline
    __inline__ __restrict __restrict__ __volatile__ __builtin_offsetof
    __builtin_va_arg __declspec defined
""".split())
ATTR_WORDS = frozenset(("__attribute__", "__attribute", "__declspec",
                        "__asm__", "__asm", "asm", "_Alignas", "alignas"))

# --- Lexing: blank comments, literals and directives, keep the lines. -----

_LEX = re.compile(r"""
  (?P<pp>^[ \t]*\#(?:\\\n|/\*.*?(?:\*/|\Z)|//(?:\\\n|[^\n])*
        |"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|[^\n])*)
| (?P<lc>//(?:\\\n|[^\n])*)
| (?P<bc>/\*.*?(?:\*/|\Z))
| (?P<num>(?<![\w.])\.?[0-9](?:[eEpP][+-]|'(?=\w)|[\w.])*)
| (?P<str>"(?:\\.|[^"\\\n])*"?)
| (?P<chr>'(?:\\.|[^'\\\n])*'?)
""", re.M | re.S | re.X)
_PP_CLEAN = re.compile(r"""
  (?P<c>/\*.*?(?:\*/|\Z)|//[^\n]*)
| (?P<s>"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?)
""", re.S | re.X)
_DIRECTIVE = re.compile(r"[ \t]*#[ \t]*(\w*)")
_TOKEN = re.compile(r"[A-Za-z_]\w*|[0-9][\w.]*|->|\S")


def strip_source(text):
    """(code, directives): text with comments, string/char literals and
    preprocessor directives blanked, line structure kept, dead or brace-
    unbalanced conditional branches blanked; directives is a list of
    (first_line, last_line, text) with continuations joined, comments
    removed and string literals kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    directives = []

    def sub(m):
        s = m.group(0)
        nl = "\n" * s.count("\n")
        kind = m.lastgroup
        if kind == "pp":
            line = bisect.bisect_right(starts, m.start())
            joined = _PP_CLEAN.sub(
                lambda c: " " if c.group("c") else c.group(0),
                s.replace("\\\n", ""))
            directives.append((line, line + s.count("\n"), joined.strip()))
            return nl
        if kind == "num":
            return s
        if kind == "str":
            return '""' + nl
        if kind == "chr":
            return "0" + nl
        return " " + nl

    code = _LEX.sub(sub, text)
    return _resolve_conditionals(code, directives), directives


def _resolve_conditionals(code, directives):
    """Blank #if 0 branches; when a branch of an #if group does not
    balance its braces, keep only the first live branch of the group."""
    lines = code.split("\n")
    stack = []          # open groups: [branches], branch = [cond, first, last, dead]
    groups = []         # closed groups, innermost first
    for first, last, text in directives:
        m = _DIRECTIVE.match(text)
        word = m.group(1) if m else ""
        cond = text[m.end():].strip() if m else ""
        if word in ("if", "ifdef", "ifndef"):
            stack.append([[word + " " + cond, last + 1, None]])
        elif word in ("elif", "elifdef", "elifndef", "else") and stack:
            stack[-1][-1][2] = first - 1
            stack[-1].append([word + " " + cond, last + 1, None])
        elif word == "endif" and stack:
            stack[-1][-1][2] = first - 1
            groups.append(stack.pop())
    # Unterminated groups: leave them alone.
    for branches in groups:         # inner groups were closed (and fixed) first
        live = []
        for i, (cond, a, b) in enumerate(branches):
            c = cond.split(None, 1)
            expr = c[1].strip() if len(c) > 1 else ""
            first = branches[0][0].split(None, 1) + [""]
            cxx = re.fullmatch(r"(?:defined\s*\(?\s*)?__cplusplus\s*\)?",
                               expr) is not None
            dead = ((c[0] in ("if", "elif") and expr in ("0", "(0)"))
                    or (i > 0 and first[0] == "if"
                        and first[1].strip() in ("1", "(1)"))
                    or (c[0] == "ifdef" and cxx)    # C, not C++
                    or (c[0] == "else" and first[0] == "ifndef"
                        and first[1].strip() == "__cplusplus"))
            if dead:
                for n in range(a, b + 1):
                    lines[n - 1] = ""
            else:
                delta = sum(lines[n - 1].count("{") - lines[n - 1].count("}")
                            for n in range(a, b + 1))
                live.append((a, b, delta))
        if any(d for _, _, d in live):
            for a, b, _ in live[1:]:
                for n in range(a, b + 1):
                    lines[n - 1] = ""
    return "\n".join(lines)


def tokenize(code):
    """[(text, line)] of the blanked code."""
    toks = []
    line, pos = 1, 0
    for m in _TOKEN.finditer(code):
        line += code.count("\n", pos, m.start())
        pos = m.start()
        toks.append((m.group(0), line))
    return toks


# --- Definitions: the head before a file-scope "{". -----------------------

def _nest(head):
    """Group parenthesised/bracketed runs of tokens: [tok | (open, [..])]."""
    root = []
    stack = [root]
    closers = []
    for tok in head:
        t = tok[0]
        if t in "([":
            node = (t, [], tok[1])
            stack[-1].append(node)
            stack.append(node[1])
            closers.append(")" if t == "(" else "]")
        elif t in ")]":
            if not closers or closers.pop() != t:
                return None
            stack.pop()
        else:
            stack[-1].append(tok)
    return root if not closers else None


def _is_group(item, kind="("):
    return len(item) == 3 and item[0] == kind


def _is_ident(item):
    return len(item) == 2 and (item[0][0].isalpha() or item[0][0] == "_")


def _drop_attributes(items):
    out = []
    skip = False
    for it in items:
        if skip and _is_group(it):
            skip = False
            continue
        skip = False
        if _is_ident(it) and it[0] in ATTR_WORDS:
            skip = True
            continue
        if _is_group(it, "[") and len(it[1]) == 1 and _is_group(it[1][0], "["):
            continue                    # [[attribute]]
        out.append(it)
    return out


def _declarator_name(items):
    items = _drop_attributes(items)
    if len(items) < 1 or not _is_group(items[-1]):
        return None
    if len(items) < 2:
        return None
    prev = items[-2]
    if _is_ident(prev):
        return None if prev[0] in KEYWORDS else prev
    if _is_group(prev):
        inner = [i for i in prev[1] if not (
            len(i) == 2 and i[0] in ("*", "const", "volatile", "restrict"))]
        if inner and _is_group(inner[-1]):  # T (*name(params))(params)
            return _declarator_name(inner)
        if len(items) > 2 and _is_ident(items[-3]) and \
                items[-3][0] not in KEYWORDS:   # NAME_MACRO(x) (params)
            name = items[-3][0] + "(" + " ".join(
                i[0] for i in prev[1] if len(i) == 2) + ")"
            return (name, items[-3][1])
    return None


def analyse_head(head):
    """(name, line, is_static) when the tokens before a file-scope "{" make
    a function definition, else None."""
    items = _nest(head)
    if not items:
        return None
    words = {i[0] for i in items if len(i) == 2}
    if "=" in words or "typedef" in words:
        return None
    name = _declarator_name(items)
    if not name:
        return None
    return name[0], name[1], "static" in words


def parse(code, warnings=None):
    """Function definitions of blanked code: a list of dicts with name,
    line (of the name), static, open/close (brace lines), body (tokens).
    Unbalanced braces are described in warnings (a list), if given."""
    toks = tokenize(code)
    funcs = []
    head = []
    linkage = 0                         # open extern "C" { blocks
    i, n = 0, len(toks)
    while i < n:
        t = toks[i][0]
        if t == "{" and [h[0] for h in head] == ["extern", '""']:
            linkage += 1                # its contents are at file scope
            head = []
            i += 1
            continue
        if t == "}" and linkage:
            linkage -= 1
            head = []
            i += 1
            continue
        if t == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if toks[j][0] == "{":
                    depth += 1
                elif toks[j][0] == "}":
                    depth -= 1
                j += 1
            close = toks[j - 1][1] if depth == 0 else toks[-1][1]
            if depth and warnings is not None:
                warnings.append("%d: the \"{\" here is never closed"
                                % toks[i][1])
            info = analyse_head(head)
            if info:
                funcs.append({"name": info[0], "line": info[1],
                              "static": info[2], "open": toks[i][1],
                              "close": close,
                              "body": toks[i + 1:j - 1 if depth == 0 else j]})
            head = []
            i = j
            continue
        if t == "}" and warnings is not None:
            warnings.append("%d: \"}\" closes nothing" % toks[i][1])
        if t in (";", "}"):
            head = []
        else:
            head.append(toks[i])
        i += 1
    return funcs


def self_test_verdict(name, failures):
    """Print a self-test's failures (or ok); its exit status."""
    for f in failures:
        print("%s self-test FAILED: %s" % (name, f))
    if not failures:
        print("%s self-test: ok" % name)
    return 1 if failures else 0
