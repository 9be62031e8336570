#!/usr/bin/env bash
# PrairieLearn's external grader runs this in its container
# (docs/grading.md, "PrairieLearn"): the question's tests/ directory is
# /grade/tests (or the course's serverFilesCourse/ at /grade/serverFilesCourse),
# the student's files are in /grade/student, and the results go to
# /grade/results/results.json. GRADE_ROOT replaces /grade (for trying it out
# in a temporary directory), SOCKLAB the socklab command, SOCKLAB_SPEC the spec
# (default: tests/assignment/grading.yaml, else
# serverFilesCourse/assignment/grading.yaml).
set -uo pipefail
ROOT="${GRADE_ROOT:-/grade}"
SOCKLAB="${SOCKLAB:-socklab}"
SPEC="${SOCKLAB_SPEC:-}"
if [ -z "$SPEC" ]; then
  SPEC="$ROOT/tests/assignment/grading.yaml"
  [ -f "$SPEC" ] || SPEC="$ROOT/serverFilesCourse/assignment/grading.yaml"
fi
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"

"$SOCKLAB" grade "$SPEC" --submission "$ROOT/student" \
  --out "$ROOT/grading-output" --prairielearn "$RESULTS" --format prairielearn,junit
status=$?

# If socklab failed before writing anything, PrairieLearn gets a results file
# that says so; `gradable: false` does not count the submission against the student.
if [ ! -s "$RESULTS" ]; then
  msg="The autograder failed (socklab exit status $status); please tell the course staff."
  printf '{ "gradable": false, "score": 0, "message": "%s" }\n' "$msg" > "$RESULTS"
fi
exit 0
