#!/usr/bin/env python3
"""test-commands.py - every external program the test suite calls, and the Debian package it comes from.

usage: test-commands.py ALLOWED_PACKAGES FILE...

Reads shell scripts (and the ```sh blocks of Markdown files, which t6500 runs) with a small shell
lexer: words in command position, including inside $(...), backticks, test bodies handed to
test_expect_success / timing_test / test_when_finished / eval / sh -c, and after prefixes such as
timeout, env, exec, setsid, unshare, test_expect_code, test_must_fail. Shell builtins, keywords and
functions defined in the scanned files are skipped. Each remaining name is found on PATH (or taken as
the absolute path it is) and mapped to its package with dpkg -S.

A package is allowed when it is named in ALLOWED_PACKAGES (the Makefile's lists, space separated),
is Essential, or is a dependency (Depends/Pre-Depends, recursively) of an allowed package: exactly what
a fresh `apt-get install --no-install-recommends` of the lists brings. Prints one line per command
("ok CMD PACKAGE" or "MISSING CMD ...") and exits 1 when any command is not covered.
"""
import os
import re
import shutil
import subprocess
import sys

BUILTINS = set("""
. : [ [[ ]] alias bg break cd command continue echo eval exec exit export false fc fg getopts hash
jobs kill let local printf pwd read readonly return set shift test times trap true type ulimit umask
unalias unset wait if then else elif fi case esac for while until do done in function select time
{ } ! source declare typeset shopt mapfile readarray
""".split())
# words after which the next word is a command too (with the number of arguments to skip first)
PREFIXES = {"timeout": 1, "env": 0, "exec": 0, "setsid": 0, "nohup": 0, "command": 0, "xargs": 0,
            "test_expect_code": 1, "test_must_fail": 0, "unshare": 0, "time": 0, "chroot": 1,
            "strace": 0, "valgrind": 0, "in_netns": 0, "nice": 0, "stdbuf": 0}
# options of those prefixes that take an argument
OPTION_ARGS = {"strace": ("-e", "-o", "-s", "-E", "-P", "-p"), "valgrind": (), "timeout": ("-s", "-k"),
               "unshare": (), "env": ("-u",)}
# functions whose argument N (1-based) is shell code
EVAL_ARGS = {"test_expect_success": [2], "timing_test": [2], "test_when_finished": [1],
             "eval": [1], "test_expect_failure": [2]}
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", "\n", "{", "}", ";;", "!", "then", "do", "else",
              "elif", "if", "while", "until", "|&"}


class Lexer:
    """Splits shell text into words and operators; records nested code (command substitutions)."""

    def __init__(self, text):
        self.s = text
        self.i = 0
        self.nested = []  # code found inside $(...) and `...`

    def dollar_paren(self):
        # at "$(": read to the matching ")" (quotes respected), return the inner text
        depth, j = 1, self.i + 2
        start = j
        while j < len(self.s) and depth:
            c = self.s[j]
            if c == "\\":
                j += 2
                continue
            if c == "'":
                k = self.s.find("'", j + 1)
                j = len(self.s) if k < 0 else k + 1
                continue
            if c == '"':
                j = self.skip_dq(j)
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            j += 1
        inner = self.s[start:j - 1]
        self.i = j
        return inner

    def skip_dq(self, j):
        # j at '"': returns the index after the closing quote, collecting $(...) inside
        j += 1
        while j < len(self.s) and self.s[j] != '"':
            if self.s[j] == "\\":
                j += 2
                continue
            if self.s.startswith("$(", j) and not self.s.startswith("$((", j):
                save = self.i
                self.i = j
                self.nested.append(self.dollar_paren())
                j = self.i
                self.i = save
                continue
            if self.s[j] == "`":
                k = self.s.find("`", j + 1)
                k = len(self.s) if k < 0 else k
                self.nested.append(self.s[j + 1:k])
                j = k + 1
                continue
            j += 1
        return j + 1

    def tokens(self):
        s = self.s
        out = []
        while self.i < len(s):
            c = s[self.i]
            if c in " \t":
                self.i += 1
                continue
            if c == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
                continue
            if c == "#" and (self.i == 0 or s[self.i - 1] in " \t\n;"):
                k = s.find("\n", self.i)
                self.i = len(s) if k < 0 else k
                continue
            if c == "\n":
                out.append(("op", "\n"))
                self.i += 1
                # a here-document body is data: skip it
                continue
            for op in ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")"):
                if s.startswith(op, self.i):
                    out.append(("op", op))
                    self.i += len(op)
                    break
            else:
                word, raw_sq = self.word()
                out.append(("word", word, raw_sq))
        return out

    def word(self):
        # returns (text with quotes removed, the single-quoted content when the word is one '...')
        s = self.s
        parts = []
        sq_only = None
        start = self.i
        m = REDIR.match(s, self.i)
        if m:
            self.i = m.end()
            # "2>&1", ">&-" name no file; any other redirection takes the next word as its file
            return ("<redir-done>" if m.group(1) else "<redir>", None)
        while self.i < len(s) and s[self.i] not in " \t\n;&|()":
            c = s[self.i]
            if c == "\\":
                parts.append(s[self.i + 1:self.i + 2])
                self.i += 2
            elif c == "'":
                k = s.find("'", self.i + 1)
                k = len(s) if k < 0 else k
                parts.append(s[self.i + 1:k])
                if self.i == start and (k + 1 >= len(s) or s[k + 1] in " \t\n;&|()"):
                    sq_only = s[self.i + 1:k]
                self.i = k + 1
            elif c == '"':
                j = self.skip_dq(self.i)
                # inside double quotes a backslash escapes only $ ` " \ and a newline
                parts.append(re.sub(r'\\([$`"\\\n])', r"\1", s[self.i + 1:j - 1]))
                self.i = j
            elif s.startswith("${", self.i):
                depth, j = 0, self.i + 1
                while j < len(s):
                    if s[j] == "{":
                        depth += 1
                    elif s[j] == "}":
                        depth -= 1
                        if not depth:
                            break
                    j += 1
                parts.append("${}")
                self.i = j + 1
            elif s.startswith("$((", self.i):
                k = s.find("))", self.i)
                k = len(s) if k < 0 else k
                parts.append(s[self.i:k + 2])
                self.i = k + 2
            elif s.startswith("$(", self.i):
                self.nested.append(self.dollar_paren())
                parts.append("$()")
            elif c == "`":
                k = s.find("`", self.i + 1)
                k = len(s) if k < 0 else k
                self.nested.append(s[self.i + 1:k])
                parts.append("$()")
                self.i = k + 1
            elif c in "<>" and not parts:
                # a redirection: the next word is a file
                self.i += 1
                while self.i < len(s) and s[self.i] in "<>&-":
                    self.i += 1
                return ("<redir>", None)
            else:
                parts.append(c)
                self.i += 1
        return ("".join(parts), sq_only)


REDIR = re.compile(r"[0-9]*(?:>>|>\||<<<|&>|>|<)(&[0-9-])?")
HEREDOC = re.compile(r"<<-?\s*\\?['\"]?([A-Za-z_]+)['\"]?")
FUNCTION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\)", re.M)
# a fresh Debian's PATH: what is found only in /usr/local or a home directory was installed by hand
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def strip_heredocs(text):
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = HEREDOC.search(line)
        i += 1
        if m and not line.lstrip().startswith("#"):
            end = m.group(1)
            while i < len(lines) and lines[i].strip() != end:
                out.append("")  # keep line numbers
                i += 1
            if i < len(lines):
                out.append("")  # the terminator
                i += 1
    return "\n".join(out)


ABSOLUTE = re.compile(r"(?<![\w./-])(/(?:usr/)?(?:s?bin|lib/git-core)/[A-Za-z0-9_.+-]+)")


def commands(text, found, functions):
    functions.update(FUNCTION.findall(text))
    # a program named by its absolute path anywhere (TIME=/usr/bin/time; "$TIME" ...) is called too
    found.update(ABSOLUTE.findall("\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))))
    text = strip_heredocs(text)
    lx = Lexer(text)
    toks = lx.tokens()
    at_cmd = True
    skip = 0
    cur = None
    argn = 0
    redirect_next = False
    case_depth, case_header, in_pattern = 0, False, False
    for t in toks:
        if t[0] == "op":
            if t[1] == ";;" and case_depth:
                in_pattern = True
            elif t[1] == ")" and in_pattern:
                in_pattern = False
            at_cmd, cur, argn, skip = True, None, 0, 0
            continue
        word, sq = t[1], t[2]
        if in_pattern:
            if word == "esac":
                case_depth -= 1
                in_pattern = False
            continue
        if at_cmd and word == "case":
            case_depth += 1
            case_header = True
            at_cmd = False
            continue
        if case_header:
            if word == "in":
                case_header, in_pattern = False, True
                at_cmd = True
            continue
        if at_cmd and word == "esac":
            case_depth -= 1
            continue
        if word == "<redir>":
            redirect_next = True
            continue
        if word == "<redir-done>":
            continue
        if redirect_next:
            redirect_next = False
            continue
        if at_cmd:
            if word in SEPARATORS:
                continue
            if skip:
                skip -= 1
                continue
            if re.match(r"^[A-Za-z_][A-Za-z_0-9]*=", word):
                continue  # an assignment before the command
            if word.startswith("-") and cur in PREFIXES:
                if word in OPTION_ARGS.get(cur, ()):
                    skip = 1
                continue  # an option of the prefix command
            if not re.match(r"^[A-Za-z0-9_./+-]+$", word):
                at_cmd = False
                continue  # a case pattern, a quoted string: not a program name
            at_cmd = False
            m = re.match(r"^([A-Za-z_][A-Za-z0-9_.-]*)\(\)$", word)
            if m:
                functions.add(m.group(1))
                at_cmd = True
                continue
            cur, argn = word, 0
            if os.environ.get("TEST_COMMANDS_DEBUG") == word:
                print("DEBUG", repr(text[:300]), file=sys.stderr)
            found.add(word)
            if word in PREFIXES:
                at_cmd, skip = True, PREFIXES[word]
            continue
        argn += 1
        if cur in EVAL_ARGS and (argn in EVAL_ARGS[cur] or cur == "eval"):
            commands(word, found, functions)
        elif cur in ("sh", "bash", "dash") and sq is not None and argn >= 2:
            commands(word, found, functions)
        elif cur in ("sh", "bash") and word == "-c":
            pass
    for inner in lx.nested:
        commands(inner, found, functions)


def md_blocks(text):
    return "\n".join(m.group(1) for m in re.finditer(r"```sh\n(.*?)```", text, re.S))


def dpkg_owner(path):
    cands = [path, os.path.realpath(path)]
    for p in list(cands):
        for a, b in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"), ("/bin/", "/usr/bin/"),
                     ("/sbin/", "/usr/sbin/")):
            if p.startswith(a):
                cands.append(b + p[len(a):])
    for p in cands:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        for line in r.stdout.splitlines() if r.returncode == 0 else []:
            if not line.startswith("diversion "):
                return line.split(":")[0].split(",")[0].strip()
    return None


def installed_fields():
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Essential}${Priority}\t${Depends}, ${Pre-Depends}\t${Provides}\n"],
                       capture_output=True, text=True)
    deps, essential, provides = {}, set(), {}
    for line in r.stdout.splitlines():
        name, ess, dep, prov = (line.split("\t") + ["", "", ""])[:4]
        if ess in ("yesrequired", "yes", "required", "norequired"):  # what debootstrap --variant=minbase installs
            essential.add(name)
        alts = []
        for d in dep.split(","):
            d = d.strip()
            if d:
                alts.append([re.sub(r"[ (:].*", "", a.strip()) for a in d.split("|")])
        deps[name] = alts
        for p in prov.split(","):
            p = re.sub(r"[ (].*", "", p.strip())
            if p:
                provides.setdefault(p, []).append(name)
    return deps, essential, provides


def closure(roots, deps, provides):
    seen, todo = set(), list(roots)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        for alts in deps.get(p, []):
            for a in alts:
                for real in [a] + provides.get(a, []):
                    if real in deps and real not in seen:
                        todo.append(real)
    return seen


def main():
    allowed_roots = sys.argv[1].split()
    found, functions = set(), set()
    for f in sys.argv[2:]:
        if not os.path.isfile(f):
            continue
        text = open(f, encoding="utf-8", errors="replace").read()
        commands(md_blocks(text) if f.endswith(".md") else text, found, functions)
    deps, essential, provides = installed_fields()
    allowed = closure(set(allowed_roots) | essential, deps, provides)
    bad = 0
    for c in sorted(found):
        if c in BUILTINS or c in functions or c in ("vosctl",) or "$" in c or not c:
            continue
        if re.match(r"^[0-9_]", c) or c.startswith("-") or ("/" in c and not c.startswith("/")):
            continue  # a number, an option, a completion function, a path inside the test's own tree
        path = c if c.startswith("/") else shutil.which(c, path=SYSTEM_PATH)
        if path is None or not os.path.exists(path):
            print(f"MISSING {c}: not installed (no package of the Makefile's lists brings it)")
            bad += 1
            continue
        if path.startswith(os.path.abspath(os.path.dirname(__file__) + "/../..")):
            continue  # the project's own
        pkg = dpkg_owner(path)
        if pkg is None:
            print(f"MISSING {c}: {path} belongs to no Debian package (installed by hand?)")
            bad += 1
        elif pkg not in allowed:
            print(f"MISSING {c}: {path} is in package {pkg}, which the Makefile's lists do not bring")
            bad += 1
        else:
            print(f"ok {c} {pkg}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
