#!/usr/bin/env bats
# smshim's Python-compatible printing and parsing, checked against CPython
# itself on many inputs (tests/unit/oracle.c, tests/fixtures/oracle_check.py).

load helpers

ORACLE="$ROOT/${BUILD:-build}/tests/oracle"

@test "repr(float) for 200 000 doubles, powers of two included" {
	python3 "$FIXTURES/oracle_check.py" "$ORACLE" float 1
}

@test "json.loads then json.dumps for 30 000 valid and broken texts" {
	python3 "$FIXTURES/oracle_check.py" "$ORACLE" json 2
}

@test "json.loads then str() for 30 000 valid and broken texts" {
	python3 "$FIXTURES/oracle_check.py" "$ORACLE" str 3
}

@test "str.upper() and repr() of every Unicode code point" {
	python3 "$FIXTURES/oracle_check.py" "$ORACLE" unicode
}
