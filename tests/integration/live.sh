#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Live capture on the loopback interface: a real server (python http.server)
# and a real client (curl), a BPF expression, an orderly stop on SIGINT with
# every flow written and the report finished (SIGTERM and SIGHUP too), and
# -U dropping privileges so the files belong to that user.  Needs root
# (capturing); skipped otherwise.
. "$(dirname "$0")/lib.sh"
need_root "live capture"
command -v curl >/dev/null || skip "curl missing"
command -v python3 >/dev/null || skip "python3 missing"
need_loopback
need_capture

port=$((20000 + RANDOM % 20000))
mkdir -p "$WORK/www"
head -c 200000 /dev/urandom >"$WORK/www/blob.bin"
printf 'hello from the live test\n' >"$WORK/www/hello.txt"
(cd "$WORK/www" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'rc=$?; kill $server 2>/dev/null; (exit $rc); lib_exit' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/hello.txt" && break; sleep 0.1; done

wait_listening() { # the capture is active once tcpflow says so (60 s: a loaded machine)
  for _ in $(seq 600); do grep -q "listening on" "$1" 2>/dev/null && return; sleep 0.1; done
}

capture() { # capture OUTDIR [extra options]; stops it with SIG${SIG:-INT}
  local out=$1
  shift
  "$TCPFLOW" -i lo -o "$out" "$@" "tcp port $port" 2>"$WORK/live.err" &
  tf=$!
  wait_listening "$WORK/live.err"
  curl -s -o "$WORK/got.bin" "http://127.0.0.1:$port/blob.bin"
  curl -s -o /dev/null "http://127.0.0.1:$port/hello.txt"
  kill -USR1 "$tf" # the status line once (no terminal here)
  sleep 2
  kill -"${SIG:-INT}" "$tf"
  wait "$tf"
  echo $?
}

rc=$(capture "$WORK/live")
check "SIGINT: exit 0" test "$rc" = 0
check "SIGUSR1: a status line with packets, drops and flows" \
  grep -q '^tcpflow: [0-9]* packets, [0-9]* dropped, [0-9]* flows open, [0-9]* closed' "$WORK/live.err"
check "report finished" xml_ok "$WORK/live/report.xml"
n=$(find "$WORK/live" -type f ! -name report.xml | wc -l)
check "two connections, four flow files ($n)" test "$n" = 4
srv=$(grep -l "blob" "$WORK"/live/127.000.000.001.*-127.000.000.001.* 2>/dev/null | head -1)
body=$(find "$WORK/live" -type f -name "127.000.000.001.$(printf %05d "$port")-*" -size +190k | head -1)
check "the server flow holds the whole file after the headers" \
  sh -c "tail -c 200000 '$body' | cmp -s - '$WORK/www/blob.bin'"
check "the client flow holds the request" test -n "$srv"

# SIGTERM and SIGHUP stop a live capture as orderly as SIGINT.
for sig in TERM HUP; do
  rc=$(SIG=$sig capture "$WORK/live$sig")
  check "SIG$sig on a live capture: exit 0" test "$rc" = 0
  check "SIG$sig: report finished" xml_ok "$WORK/live$sig/report.xml"
  n=$(find "$WORK/live$sig" -type f ! -name report.xml | wc -l)
  check "SIG$sig: four flow files ($n)" test "$n" = 4
done

# Idle flows are closed on a live capture after idle_timeout (here 1 s),
# even when the connection stays open.
"$TCPFLOW" -i lo -o "$WORK/idle" -S idle_timeout=1 -S tcp_alert_fd=3 "tcp port $port" \
  3>"$WORK/alerts" 2>"$WORK/idle.err" &
tf=$!
wait_listening "$WORK/idle.err"
python3 - "$port" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(6)
PY
client=$!
sleep 4.5
closes_before_exit=$(grep -c '^close' "$WORK/alerts")
kill -INT "$tf"
wait "$tf"
wait "$client"
check "idle_timeout closes idle live flows while the connection is open ($closes_before_exit)" \
  test "$closes_before_exit" -ge 1

# -U: privileges dropped after opening the device; files belong to the user.
if id nobody >/dev/null 2>&1; then
  chmod 0755 "$WORK" # mktemp makes it private; nobody must reach its output
  mkdir -p "$WORK/asuser"
  chmod 0777 "$WORK/asuser"
  rc=$(capture "$WORK/asuser/out" -U nobody)
  check "-U nobody: exit 0" test "$rc" = 0
  owners=$(find "$WORK/asuser/out" -type f ! -name report.xml -printf '%u\n' | sort -u)
  check "-U nobody: flow files belong to nobody ($owners)" test "$owners" = nobody
fi
finish
