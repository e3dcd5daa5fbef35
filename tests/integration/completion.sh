#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The bash completion (etc/bash-completion/tcpflow): it parses, and for a set
# of command lines COMPREPLY holds what it should.  Runs with and without the
# bash-completion package's helpers.  Exit 0 on pass, 1 on fail.
# The helper-mode run is a subshell on purpose; its counts come back on stdout.
# shellcheck disable=SC2030,SC2031
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_src=${TOP_SRCDIR:-$here/../..}
top_build=${TOP_BUILDDIR:-$top_src}
work=$(mktemp -d "${TMPDIR:-/tmp}"/tfcomp.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

# The generated script if the build made it, else generate it here.
script=$top_build/etc/bash-completion/tcpflow
if [[ ! -f $script ]]; then
  script=$work/tcpflow.bash
  sed -e "s|@plugindir@|$work/builtin|g" -e 's|@PACKAGE_VERSION@|test|g' \
    "$top_src/etc/bash-completion/tcpflow.in" >"$script"
fi

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $*"; }

if bash -n "$script"; then ok "bash -n $script"; else not_ok "bash -n $script"; fi
if grep -q '@plugindir@' "$script"; then not_ok "plugindir substituted"; else ok "plugindir substituted"; fi

# Plugin directories: one from TCPFLOW_PLUGIN_PATH (two entries), one given
# with --plugin-dir, and the built-in one.
mkdir -p "$work/p1" "$work/p2" "$work/cli" "$work/builtin" "$work/files/sub"
touch "$work/p1/md5.so" "$work/p1/http.so" "$work/p2/gzip.la" "$work/p2/notascanner.txt" \
  "$work/cli/mine.so" "$work/builtin/wifi.so" "$work/files/a.pcap" "$work/files/b.pcapng"
export TCPFLOW_PLUGIN_PATH=$work/p1:$work/p2

# comp LINE: split LINE as readline does (spaces, and '=' on its own), set
# COMP_* and call the completion function; the replies land in COMPREPLY.
comp() {
  local line=$1 w
  local -a ws=()
  read -r -a ws <<<"$line"
  [[ $line == *' ' ]] && ws+=("")
  COMP_WORDS=()
  for w in "${ws[@]}"; do
    if [[ $w == *=* && $w != =* ]]; then
      COMP_WORDS+=("${w%%=*}" "=")
      [[ -n ${w#*=} || $w == *= ]] && COMP_WORDS+=("${w#*=}")
    else
      COMP_WORDS+=("$w")
    fi
  done
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  _tcpflow tcpflow "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}" 2>/dev/null
}

has() { # has WORD: COMPREPLY contains WORD
  local r
  for r in "${COMPREPLY[@]}"; do [[ $r == "$1" ]] && return 0; done
  return 1
}

expect() { # expect "LINE" word... (each must be offered)
  local line=$1 w missing=''
  shift
  comp "$line"
  for w in "$@"; do has "$w" || missing+=" $w"; done
  if [[ -z $missing ]]; then ok "[$mode] '$line'"; else not_ok "[$mode] '$line': missing$missing (got: ${COMPREPLY[*]})"; fi
}

expect_not() { # expect_not "LINE" word... (none may be offered)
  local line=$1 w extra=''
  shift
  comp "$line"
  for w in "$@"; do has "$w" && extra+=" $w"; done
  if [[ -z $extra ]]; then ok "[$mode] '$line' leaves out $*"; else not_ok "[$mode] '$line': offered$extra"; fi
}

run_cases() {
  _tcpflow_builtin_plugindir=$work/builtin
  cd "$work/files" || exit 1
  expect "tcpflow -" -e -E -x -S -r -l -T -F --plugin-dir= --help --version
  expect "tcpflow -e " all md5 http gzip wifi
  expect_not "tcpflow -e " notascanner
  expect "tcpflow -x " md5 http gzip wifi
  expect_not "tcpflow -x " all
  expect "tcpflow -E m" md5
  expect "tcpflow --plugin-dir=$work/cli -e " mine md5
  expect "tcpflow --plugin-dir $work/cli -x " mine
  expect "tcpflow -S tcp_" tcp_timeout= tcp_cmd= tcp_alert_fd=
  expect "tcpflow -S " md5_extra_digests= http_keep_compressed= http_alert_fd= py_path= py_module= \
    py_function= gzip_max_decompressed= wifi_max_entries= tdelta= enable_report= idle_timeout=
  expect "tcpflow -S http_keep_compressed=" YES NO
  expect "tcpflow -S tcp_cmd=gz" gzip
  expect "tcpflow -S enable_report=" YES NO
  expect "tcpflow -S report_format=" dfxml jsonl both
  expect "tcpflow -S md5_extra_digests=" sha1 sha256
  expect "tcpflow -i " any
  if [[ -e /sys/class/net/lo ]]; then expect "tcpflow -i l" lo; fi
  expect "tcpflow -r " a.pcap b.pcapng sub
  expect "tcpflow -R b" b.pcapng
  expect "tcpflow -o out -l a.pcap " a.pcap b.pcapng
  expect "tcpflow -o " sub
  expect_not "tcpflow -o " a.pcap
  expect "tcpflow -Fk" -Fkc -FkX
  expect "tcpflow -F " c t T X M k m g
  expect "tcpflow -r a.pcap ho" host
}

mode=plain
run_cases_plain() {
  # shellcheck source=/dev/null
  source "$script"
  run_cases
}
run_cases_plain

# Again with the bash-completion package's helpers, as an interactive shell
# has them (skipped when the package is not installed).
bc=''
for f in /usr/share/bash-completion/bash_completion /etc/bash_completion; do
  [[ -r $f ]] && { bc=$f; break; }
done
if [[ -n $bc ]]; then
  mode=bash-completion
  (
    pass=0
    fail=0
    # shellcheck source=/dev/null
    source "$bc" >/dev/null 2>&1
    # shellcheck source=/dev/null
    source "$script"
    run_cases
    echo "SUB $pass $fail"
  ) >"$work/bc.out"
  grep -v '^SUB ' "$work/bc.out"
  read -r _ p f < <(grep '^SUB ' "$work/bc.out")
  pass=$((pass + ${p:-0}))
  fail=$((fail + ${f:-1}))
else
  echo "# bash-completion not installed: helper mode not tested"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]] && exit 0
exit 1
