#!/usr/bin/env python3
"""summary.py HYPERFINE_JSON [BASELINE_NAME]

Medians of a hyperfine --export-json run, and each command's median minus
and over the baseline's (the first command unless named).
"""
import json
import statistics
import sys

results = json.load(open(sys.argv[1]))["results"]
base_name = sys.argv[2] if len(sys.argv) > 2 else results[0]["command"]
med = {r["command"]: statistics.median(r["times"]) * 1000 for r in results}
base = med[base_name]
print("%-42s %12s %12s %9s" % ("command", "median ms", "added ms", "ratio"))
for r in results:
    m = med[r["command"]]
    print("%-42s %12.3f %12.3f %8.1fx" % (r["command"], m, m - base, m / base))
