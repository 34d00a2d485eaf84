#!/usr/bin/env python3
"""mdsh.py - turn a Markdown tutorial into steps a test can run, and check expected output.

usage:
  mdsh.py extract [--sub OLD=NEW]... FILE.md OUTDIR
  mdsh.py match EXPECTED ACTUAL

extract writes OUTDIR/steps (one line per step: "NNN KIND ARG LINE") and, per step, OUTDIR/NNN.body
(the block's text) and, for a command, OUTDIR/NNN.expect (its expected output, possibly empty).
The Markdown conventions (docs/tutorial.md follows them):

  <!-- file: PATH -->      the next fenced block is a file: KIND "file", ARG the path (relative to
                          the directory the previous commands left the shell in)
  ```sh                   a command block: KIND "sh", ARG the exit code it must end with (default 0)
  <!-- test: expect-exit N -->   before a ```sh block: it must exit N
  <!-- test: skip ... -->        before a ```sh block: not run (KIND "skip"); the rest of the
                                 comment says why
  ```text                 directly after a ```sh block (blank lines only between): what it prints;
                          every non-blank line must appear in the output (see match)

Every other fenced block is prose. Each --sub replaces OLD by NEW in every path, body and expected
output (the test points the tutorial's Gitea URL at its loopback server that way).

match exits 0 when every non-blank line of EXPECTED matches a whole line of ACTUAL, comparing with
runs of blanks collapsed and "..." standing for any text; else it prints the lines not found and
exits 1.
"""
import os
import re
import sys

DIRECTIVE = re.compile(r"^\s*<!--\s*(file|test)\s*:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)[^`]*$")


def parse(text):
    """Yields (kind, info, body, line, directives) for each fenced block, in order; kind is the
    block's info string, directives the HTML-comment directives right before it."""
    lines = text.split("\n")
    pending = []
    i = 0
    while i < len(lines):
        line = lines[i]
        d = DIRECTIVE.match(line)
        if d:
            pending.append((d.group(1), d.group(2)))
            i += 1
            continue
        f = FENCE.match(line)
        if f:
            indent, fence, info = len(f.group(1)), f.group(2), f.group(3)
            start = i + 1
            body = []
            i += 1
            while i < len(lines):
                close = lines[i].strip()
                if close.startswith(fence[0] * len(fence)) and set(close) == {fence[0]}:
                    break
                body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
                i += 1
            i += 1
            yield info, "\n".join(body) + "\n", start, pending
            pending = []
            continue
        if line.strip():
            pending = []  # a directive applies only to the block right after it
        i += 1


def substitute(s, subs):
    for old, new in subs:
        s = s.replace(old, new)
    return s


def extract(md, outdir, subs):
    with open(md, encoding="utf-8") as f:
        text = f.read()
    os.makedirs(outdir, exist_ok=True)
    steps = []
    last = None  # the last step, when it was a command block (text blocks attach to it)
    gap_ok = True
    for info, body, line, directives in parse(text):
        files = [v for k, v in directives if k == "file"]
        tests = [v for k, v in directives if k == "test"]
        n = "%03d" % (len(steps) + 1)
        if files:
            steps.append((n, "file", substitute(files[0], subs), line, body))
            last = None
        elif info == "sh":
            kind, arg = "sh", "0"
            for t in tests:
                if t == "skip" or t.startswith("skip ") or t.startswith("skip:"):
                    kind, arg = "skip", "-"
                else:
                    m = re.match(r"expect-exit\s+(\d+)$", t)
                    if not m:
                        sys.exit("%s:%d: unknown directive '%s'" % (md, line, t))
                    arg = m.group(1)
            steps.append((n, kind, arg, line, body))
            last = steps[-1]
        elif info == "text" and last is not None and not tests:
            expect = os.path.join(outdir, last[0] + ".expect")
            with open(expect, "a", encoding="utf-8") as f:
                f.write(substitute(body, subs))
            last = None
        else:
            last = None
    with open(os.path.join(outdir, "steps"), "w", encoding="utf-8") as f:
        for n, kind, arg, line, body in steps:
            if " " in arg or "\t" in arg:
                sys.exit("%s:%d: a path with blanks: '%s'" % (md, line, arg))
            f.write("%s %s %s %d\n" % (n, kind, arg, line))
            with open(os.path.join(outdir, n + ".body"), "w", encoding="utf-8") as b:
                b.write(substitute(body, subs))
            e = os.path.join(outdir, n + ".expect")
            if kind == "sh" and not os.path.exists(e):
                open(e, "w").close()
    return 0


def norm(s):
    return re.sub(r"[ \t]+", " ", s.strip())


def match(expected, actual):
    with open(actual, encoding="utf-8", errors="replace") as f:
        got = [norm(l) for l in f.read().split("\n")]
    missing = []
    with open(expected, encoding="utf-8") as f:
        for want in f.read().split("\n"):
            w = norm(want)
            if not w:
                continue
            pat = re.compile(".*".join(re.escape(p.strip()) for p in w.split("...")) + r"\Z")
            if not any(pat.match(g) for g in got):
                missing.append(want)
    for m in missing:
        print("expected line not in the output: %s" % m)
    return 1 if missing else 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "extract":
        subs = []
        args = argv[1:]
        while args and args[0] == "--sub":
            old, _, new = args[1].partition("=")
            subs.append((old, new))
            args = args[2:]
        if len(args) != 2:
            sys.exit(__doc__)
        return extract(args[0], args[1], subs)
    if len(argv) == 3 and argv[0] == "match":
        return match(argv[1], argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
