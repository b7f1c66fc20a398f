#!/usr/bin/env python3
"""dockerfile.py EXAMPLE_DIR ROOT BASE_DIR - an example image without docker.

Lays out the files an example's Dockerfile COPYs under ROOT (the image's
/ ), the job's own paths (/opt/ml/...) under BASE_DIR, and prints, as bash,
how `docker run IMAGE` would start it:

    IMAGE_WORKDIR=...          the WORKDIR (moved under ROOT)
    IMAGE_PRELOAD=0|1          whether the Dockerfile sets LD_PRELOAD
    IMAGE_ENTRYPOINT=(...)     ENTRYPOINT (exec form), image paths moved
    IMAGE_CMD=(...)            CMD (exec form)
    export NAME=value          every other ENV (PATH with image paths moved)

Only what the examples use is understood: COPY, WORKDIR, ENV, ENTRYPOINT,
CMD; FROM and RUN are skipped.  smshim and libsmshim.so are not copied:
the tests run the build's.  Absolute image paths inside copied text files
(`exec python3 /app/train.py`) are moved the same way, so that the scripts
run unchanged otherwise.
"""
import json
import os
import re
import shlex
import shutil
import sys

example, root, base = sys.argv[1:4]
SKIP = {"smshim", "libsmshim.so"}
JOB = "/opt/ml/"


def lines(path):
    """Instructions, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", open(path).read())
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            yield word.upper(), rest.strip()


instructions = list(lines(os.path.join(example, "Dockerfile")))
copied = []  # image paths of the files COPY put there
for word, rest in instructions:
    if word == "COPY":
        src, dst = rest.split()
        if src not in SKIP:
            copied.append(dst)


def move(path):
    """An image path as laid out here."""
    if path.startswith(JOB):
        return os.path.join(base, path[len(JOB):])
    if any(path in (c, os.path.dirname(c)) or path.startswith(os.path.dirname(c) + "/")
           for c in copied):
        return root + path
    return path


def move_text(text):
    for c in sorted({os.path.dirname(c) + "/" for c in copied} | set(copied), key=len, reverse=True):
        text = re.sub(r"(?<![\w/.])" + re.escape(c), lambda m: move(m.group(0)), text)
    return text


out = {"IMAGE_WORKDIR": root + "/", "IMAGE_PRELOAD": "0"}
arrays = {"IMAGE_ENTRYPOINT": [], "IMAGE_CMD": []}
exports = []
for word, rest in instructions:
    if word == "COPY":
        src, dst = rest.split()
        if src in SKIP:
            continue
        target = move(dst)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(example, src), target)
        with open(target) as f:
            text = f.read()
        with open(target, "w") as f:
            f.write(move_text(text))
    elif word == "WORKDIR":
        out["IMAGE_WORKDIR"] = move(rest)
        os.makedirs(out["IMAGE_WORKDIR"], exist_ok=True)
    elif word == "ENV":
        name, _, value = rest.partition("=")
        value = value.strip('"')
        if name == "LD_PRELOAD":
            out["IMAGE_PRELOAD"] = "1"
            continue
        if name == "PATH":  # the test's own PATH stands for the image's
            value = ":".join('"$PATH"' if p in ("$PATH", "${PATH}") else shlex.quote(move(p))
                             for p in value.split(":"))
        else:
            value = shlex.quote(value)
        exports.append("export %s=%s" % (name, value))
    elif word in ("ENTRYPOINT", "CMD"):
        args = json.loads(rest)
        arrays["IMAGE_" + word] = [move(a) if a.startswith("/") else a for a in args]

for k, v in out.items():
    print("%s=%s" % (k, shlex.quote(v)))
for k, v in arrays.items():
    print("%s=(%s)" % (k, " ".join(shlex.quote(a) for a in v)))
print("\n".join(exports))
