#!/usr/bin/env bash
# After a sandbox refresh: check every integration user, grant what is missing in the sandbox, and
# fail the pipeline (exit 3) if anything is still missing afterwards. Exit 1 means the check could not run.
set -uo pipefail
ORG=${1:?usage: sandbox-refresh-check.sh ORG_ALIAS}

status=0
check() { # preset user [app]
  sf integration check --preset "$1" --user "$2" ${3:+--app "$3"} --target-org "$ORG" --json > "check-$1.json"
  local code=$?
  case $code in
    0) echo "ok: $1 ($2)";;
    3) echo "missing: $1 ($2)"; jq -r '.result.users[].findings[] | select(.status=="fail" or .status=="error") | "  \(.requirement): \(.fix // .message)"' "check-$1.json"
       sf integration grant --preset "$1" --user "$2" --target-org "$ORG" --deploy --no-prompt --output-dir "grants/$1" || status=3;;
    *) echo "could not check $1: $(jq -r '.message' "check-$1.json")"; status=1;;
  esac
}

check crankwheel agent@acme.example.sandbox
check ciro integration@acme.example.sandbox
exit $status
