#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# --fanout on a live interface: two network namespaces joined by a veth pair,
# nginx in one, curl in the other making 300 connections (Connection: close).
# Inside the client namespace, two tcpflow processes in one fanout group and a
# third without fanout capture the veth at the same time.  Every connection
# is in exactly one of the two fanout outputs, whole (both directions); their
# --merge has the third's files, bytes and report flows (names, sizes,
# session ids, packet counts); and -j 2 on the interface gives the same.
# Needs root, ip netns, nginx and curl (else skipped).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "fanout needs root (network namespaces, capture)"
for t in ip nginx curl; do command -v $t >/dev/null || skip "$t missing"; done
ns_s=tffo$$s
ns_c=tffo$$c
ip netns add $ns_s 2>/dev/null || skip "cannot create network namespaces"
ip netns add $ns_c
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  ip netns del $ns_s 2>/dev/null
  ip netns del $ns_c 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
ip link add tffo$$a type veth peer name tffo$$b
ip link set tffo$$a netns $ns_s
ip link set tffo$$b netns $ns_c
ip -n $ns_s addr add 10.211.0.1/24 dev tffo$$a
ip -n $ns_c addr add 10.211.0.2/24 dev tffo$$b
for n in $ns_s $ns_c; do ip -n $n link set lo up; done
ip -n $ns_s link set tffo$$a up
ip -n $ns_c link set tffo$$b up
in_c() { ip netns exec $ns_c "$@"; }

www=$WORK/www
mkdir -p "$www" "$WORK/logs" "$WORK/tmp"
for i in $(seq 0 9); do head -c $((500 + i * 997)) /dev/urandom >"$www/f$i.bin"; done
cat >"$WORK/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/body;
  proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi;
  scgi_temp_path $WORK/tmp/scgi;
  keepalive_timeout 0;
  server { listen 10.211.0.1:8080; root $www; }
}
CONF
ip netns exec $ns_s nginx -p "$WORK" -c "$WORK/nginx.conf" &
nginx_pid=$!
base=http://10.211.0.1:8080
for _ in $(seq 50); do in_c curl -s -o /dev/null "$base/f0.bin" && break; sleep 0.1; done

if=tffo$$b
group=$((1000 + $$ % 60000))
start() { # start NAME options...: a capture in the client namespace
  local name=$1
  shift
  # ip netns exec execs tcpflow: $! is tcpflow's own pid, for kill -INT
  ip netns exec $ns_c "$TCPFLOW" -i $if "$@" -o "$WORK/$name" tcp port 8080 \
    2>"$WORK/$name.err" &
  eval "pid_$name=\$!"
}
# 60 s: on a loaded machine starting four captures can take a while.
listening() { for _ in $(seq 600); do grep -q "listening on" "$1" && return; sleep 0.1; done; }
start fo0 --fanout $group
start fo1 --fanout $group
start single
start j2 -j 2
for n in fo0 fo1 single; do listening "$WORK/$n.err"; done
for _ in $(seq 600); do [ "$(grep -c 'listening on' "$WORK/j2.err")" -ge 2 ] && break; sleep 0.1; done

# 300 connections: 30 curl runs of 10 URLs, each URL on its own connection,
# paced so that six capturing sockets on a busy machine drop nothing.
urls=
for i in $(seq 0 9); do urls="$urls -o /dev/null $base/f$i.bin"; done
for _ in $(seq 30); do
  # shellcheck disable=SC2086
  in_c curl -s -H 'Connection: close' $urls || not_ok "curl"
  sleep 0.2
done
sleep 2
for n in fo0 fo1 single j2; do eval "kill -INT \$pid_$n"; done
for n in fo0 fo1 single j2; do eval "wait \$pid_$n"; done

for n in fo0 fo1 single j2; do # what a capture that stopped early said
  grep -qv "listening on\|report file\|terminating orderly" "$WORK/$n.err" &&
    sed "s/^/# $n: /" "$WORK/$n.err" | head -5
done
names() { (cd "$1" && find . -type f ! -name report.xml | LC_ALL=C sort); }
n_single=$(names "$WORK/single" | wc -l)
check "the single process saw 300 connections, 600 flows ($n_single)" test "$n_single" -eq 600
names "$WORK/fo0" >"$WORK/n0"
names "$WORK/fo1" >"$WORK/n1"
check "both fanout members got connections ($(wc -l <"$WORK/n0") + $(wc -l <"$WORK/n1"))" \
  test -s "$WORK/n0" -a -s "$WORK/n1"
check "no flow in both fanout outputs" test -z "$(comm -12 "$WORK/n0" "$WORK/n1")"
# Whole connections: each connection (both directions, from the reports) is
# in exactly one member, and together they have the single process's.
check "every connection in exactly one fanout member, both directions" python3 - \
  "$WORK/fo0/report.xml" "$WORK/fo1/report.xml" "$WORK/single/report.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
def conns(path):
    flows = {}
    for t in ET.parse(path).getroot().iter("tcpflow"):
        a = (t.get("src_ipn"), t.get("srcport"))
        b = (t.get("dst_ipn"), t.get("dstport"))
        k = (min(a, b), max(a, b))
        flows[k] = flows.get(k, 0) + 1
    return flows
m0, m1, one = (conns(p) for p in sys.argv[1:])
assert not set(m0) & set(m1), "a connection in both members"
both = {**m0, **m1}
assert both == one, "members' connections and flow counts differ from the single process's"
PY
"$TCPFLOW" --merge -o "$WORK/merged" "$WORK/fo0" "$WORK/fo1" 2>"$WORK/merge.err"
check "--merge of the fanout members: exit 0" test $? -eq 0
check "merged files and bytes equal the single process's" \
  diff -r -x report.xml "$WORK/single" "$WORK/merged"
check "-j 2 on the interface: files and bytes equal the single process's" \
  diff -r -x report.xml "$WORK/single" "$WORK/j2"
flows() { # name size session packets len per flow, sorted (the order may tie on a microsecond)
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
rows = []
for fo in ET.parse(sys.argv[1]).getroot().iter("fileobject"):
    t = fo.find("tcpflow")
    name = (fo.findtext("filename") or "(no file)").rsplit("/", 1)[-1]
    rows.append(f"{name} {fo.findtext('filesize')} {t.get('session_id')} {t.get('packets')} {t.get('len')}")
print("\n".join(sorted(rows)))
PY
}
flows "$WORK/single/report.xml" >"$WORK/f.single"
flows "$WORK/merged/report.xml" >"$WORK/f.merged"
flows "$WORK/j2/report.xml" >"$WORK/f.j2"
check "the single process's report has every flow" test "$(wc -l <"$WORK/f.single")" -eq 600
same_flows() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -6 | sed 's/^/# /'; false; }; }
check "merged report flows equal the single process's" same_flows "$WORK/f.single" "$WORK/f.merged"
check "-j 2 report flows equal the single process's" same_flows "$WORK/f.single" "$WORK/f.j2"
finish
