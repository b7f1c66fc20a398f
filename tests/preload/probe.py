#!/usr/bin/env python3
"""probe.py - stands in for an example's training script in tests/preload.bats.

What it does is chosen by PROBE (smshim passes the variable through):
  args      print its arguments as one JSON list (the default)
  exit      print "boom" on stderr, exit with $PROBE_EXIT
  term      wait for SIGTERM (after creating $PROBE_READY), write "TERM" to
            $PROBE_MARKER, exit 143 as a shell would; exit 1 after 20 s
  children  start a Python subprocess and a bash pipeline, print what
            each saw (arguments, SMSHIM_ACTIVE, SM_CURRENT_HOST)
"""
import json
import os
import signal
import subprocess
import sys
import time

mode = os.environ.get("PROBE", "args")
if mode == "args":
    print(json.dumps(sys.argv[1:]))
elif mode == "exit":
    print("boom", file=sys.stderr)
    sys.exit(int(os.environ["PROBE_EXIT"]))
elif mode == "term":
    def on_term(signum, frame):
        with open(os.environ["PROBE_MARKER"], "w") as f:
            f.write("TERM\n")
        sys.exit(143)

    signal.signal(signal.SIGTERM, on_term)
    open(os.environ["PROBE_READY"], "w").close()
    time.sleep(20)
    sys.exit(1)
elif mode == "children":
    code = ("import json, os, sys; print(json.dumps([sys.argv[1:], "
            "os.environ.get('SMSHIM_ACTIVE') == os.environ.get('PROBE_ACTIVE'), "
            "os.environ.get('SM_CURRENT_HOST')]))")
    os.environ["PROBE_ACTIVE"] = os.environ.get("SMSHIM_ACTIVE", "")
    sys.stdout.flush()
    subprocess.run([sys.executable, "-c", code, "x"], check=True)
    subprocess.run(["bash", "-c", 'printf "%s|" "$@" | tr a-z A-Z; echo " $SMSHIM_ACTIVE"', "bash", "a", "b"],
                   check=True)
else:
    sys.exit("probe.py: unknown PROBE=" + mode)
