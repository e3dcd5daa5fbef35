#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The reference Debian packaging (packaging/debian) kept working:
#   tests/packaging.sh TARBALL      (make deb-check makes the tarball first)
# unpacks the release tarball as a distribution would, adds
# packaging/debian as debian/, builds the binary packages with the test
# profile off (dpkg-buildpackage -b, DEB_BUILD_OPTIONS=nocheck), runs lintian
# (an error fails, warnings are listed), then unpacks the host package alone
# into a scratch root and runs captures through it, and adds each plugin
# package in turn, running a capture with each of its scanners.
# Exit 0 passed, 1 failed, 77 skipped (tools or build dependencies missing).
set -u
tarball=${1:?usage: packaging.sh TARBALL}
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
here=$(cd "$(dirname "$0")" && pwd)
captures=$here/captures
PASS=0
FAIL=0
skip() { echo "SKIP: $*"; exit 77; }
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { # check "description" command...
  local desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

for tool in dpkg-buildpackage dpkg-checkbuilddeps dpkg-deb dh lintian; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool missing (dpkg-dev debhelper lintian)"
done
[ "$(id -u)" = 0 ] || command -v fakeroot >/dev/null 2>&1 || skip "fakeroot missing"
[ -f "$tarball" ] || { echo "FAIL: no tarball $tarball"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tcpflow-deb.XXXXXX")
# KEEP=1 leaves the build tree for a look after a failure.
[ "${KEEP:-0}" = 1 ] && echo "# working in $WORK (kept)" || trap 'rm -rf "$WORK"' EXIT
tar -xzf "$tarball" -C "$WORK" || { echo "FAIL: cannot unpack $tarball"; exit 1; }
src=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'tcpflow-*' | head -1)
[ -d "$src/packaging/debian" ] || { echo "FAIL: the tarball has no packaging/debian"; exit 1; }
cp -r "$src/packaging/debian" "$src/debian"
# A distribution's orig tarball is the release tarball under its Debian name.
ver=${src##*/tcpflow-}
cp "$tarball" "$WORK/tcpflow_$ver.orig.tar.gz"

export DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck
(cd "$src" && dpkg-checkbuilddeps) >"$WORK/deps" 2>&1 ||
  skip "build dependencies missing: $(sed -n 's/.*Unmet build dependencies: //p' "$WORK/deps")"

# ---- build
if (cd "$src" && dpkg-buildpackage -b -us -uc) >"$WORK/build.log" 2>&1; then
  ok "dpkg-buildpackage -b (nocheck)"
else
  not_ok "dpkg-buildpackage -b (nocheck)"
  tail -40 "$WORK/build.log"
  echo "$PASS passed, $FAIL failed"
  exit 1
fi
changes=$(ls "$WORK"/tcpflow_*.changes)
for p in tcpflow tcpflow-plugin-http tcpflow-plugin-python tcpflow-plugin-wifi tcpflow-plugin-netviz libtcpflow-sdk-dev; do
  check "package $p built" sh -c "ls '$WORK'/${p}_*.deb >/dev/null 2>&1"
done

# ---- lintian: no errors; warnings and informational tags listed
lintian --fail-on error --display-info "$changes" >"$WORK/lintian" 2>&1
lrc=$?
check "lintian: no errors" test "$lrc" = 0 -a "$(grep -c '^E: ' "$WORK/lintian")" = 0
if [ -s "$WORK/lintian" ]; then
  echo "# lintian said:"
  sed 's/^/#   /' "$WORK/lintian"
fi

deb() { ls "$WORK/$1"_*.deb; }
# The ABI virtual package: provided by the host, required by every plugin.
abi=$(dpkg-deb -f "$(deb tcpflow)" Provides)
check "host package provides the ABI ($abi)" sh -c "echo '$abi' | grep -Eq '^tcpflow-abi-[0-9]+$'"
for p in tcpflow-plugin-http tcpflow-plugin-python tcpflow-plugin-wifi tcpflow-plugin-netviz; do
  check "$p depends on $abi" sh -c "dpkg-deb -f '$(deb $p)' Depends | grep -q '$abi'"
done
check "no .la file in any package" sh -c "! (for d in '$WORK'/*.deb; do dpkg-deb -c \"\$d\"; done) | grep -q '\.la$'"

# ---- the host alone in a scratch root
root=$WORK/root
dpkg-deb -x "$(deb tcpflow)" "$root"
bin=$root/usr/bin/tcpflow
plugdir=$(dirname "$(find "$root" -name md5.so | head -1)")
check "host package: binary and md5 scanner" test -x "$bin" -a -f "$plugdir/md5.so"
# Only the scratch root's plugin directory: the built-in one is the system's.
run() { "$bin" --plugin-dir "$plugdir" "$@"; }
check "-V: TCPFLOW $ver and the ABI" sh -c "'$bin' -V | head -1 | grep -qx 'TCPFLOW $ver' && '$bin' -V | grep -q '^scanner ABI '"
run -o "$WORK/o-host" -r "$captures/tf_test-gzip.pcap" >/dev/null 2>&1
check "host alone: flows written" test -f "$WORK/o-host/172.031.021.034.00080-052.043.158.010.55634"
run -e md5 -o "$WORK/o-md5" -r "$captures/tf_test-gzip.pcap" >/dev/null 2>&1
want=$(md5sum <"$WORK/o-md5/172.031.021.034.00080-052.043.158.010.55634" | cut -c1-32)
check "host alone: -e md5 digests the flow" grep -q "$want" "$WORK/o-md5/report.xml"
run -e http -o "$WORK/o-nohttp" -r "$captures/tf_test-gzip.pcap" >/dev/null 2>"$WORK/nohttp.err"
check "host alone: -e http fails, naming http" sh -c "test -s '$WORK/nohttp.err' && grep -q http '$WORK/nohttp.err'"
echo "#   -e http without the package: $(head -1 "$WORK/nohttp.err")"

# ---- each plugin package added to the host
dpkg-deb -x "$(deb tcpflow-plugin-http)" "$root"
# gen_http-mixed.pcapng: a gzip + chunked HTML page (tests/tools/gen_sample.py).
run -e http -o "$WORK/o-http" -r "$captures/gen_http-mixed.pcapng" >/dev/null 2>&1
check "plugin-http: -e http writes the body, gunzipped and de-chunked" \
  sh -c "grep -l '<title>tcpflow sample</title>' '$WORK/o-http'/*HTTPBODY* >/dev/null 2>&1"
run -e gzip -o "$WORK/o-gzip" -r "$captures/gen_http-mixed.pcapng" >/dev/null 2>&1
check "plugin-http: -e gzip runs (exit 0, report)" sh -c "test $? = 0 && test -f '$WORK/o-gzip/report.xml'"

dpkg-deb -x "$(deb tcpflow-plugin-wifi)" "$root"
run -e wifi -o "$WORK/o-wifi" -r "$captures/pn_80211_qos_data_frame_ipv4_tcp.pcap" >/dev/null 2>&1
check "plugin-wifi: -e wifi summarises the 802.11 capture" test -s "$WORK/o-wifi/wifi-summary.txt"

dpkg-deb -x "$(deb tcpflow-plugin-netviz)" "$root"
run -e netviz -o "$WORK/o-nv" -r "$captures/tf_jpegs.cap" >/dev/null 2>&1
check "plugin-netviz: -e netviz draws report.pdf" sh -c "head -c 5 '$WORK/o-nv/report.pdf' | grep -q '%PDF-'"

dpkg-deb -x "$(deb tcpflow-plugin-python)" "$root"
ex=$(find "$root/usr/share/doc/tcpflow-plugin-python" -name 'sample_plugin.py*' | head -1)
case $ex in *.gz) gunzip -c "$ex" >"$WORK/sample_plugin.py" ;; *) cp "$ex" "$WORK/sample_plugin.py" ;; esac
run -e python -S py_path="$WORK" -S py_module=sample_plugin -S py_function=sample_function \
  -o "$WORK/o-py" -r "$captures/tf_test-gzip.pcap" >/dev/null 2>&1
check "plugin-python: the packaged example's result is in the report" grep -q "md5=" "$WORK/o-py/report.xml"

# ---- the SDK package: an out-of-tree scanner built with its pkg-config file
dpkg-deb -x "$(deb libtcpflow-sdk-dev)" "$root"
pc=$(find "$root" -name tcpflow-sdk.pc | head -1)
if command -v pkg-config >/dev/null && command -v cc >/dev/null; then
  cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-variable=prefix="$root/usr" --cflags tcpflow-sdk)
  exdir=$root/usr/share/tcpflow/examples # pkg-config's examplesdir
  mkdir -p "$WORK/mods"
  # shellcheck disable=SC2086
  check "SDK: the example scanner builds against the packaged header" \
    cc -shared -fPIC $cflags -o "$WORK/mods/bytecount.so" "$exdir/bytecount.c"
  "$bin" --plugin-dir "$WORK/mods" -e bytecount -o "$WORK/o-bc" -r "$captures/tf_test-gzip.pcap" >/dev/null 2>&1
  check "SDK: the host loads it" grep -q bytecount "$WORK/o-bc/report.xml"
  check "SDK: abi_package in the .pc is the host's Provides" \
    test "$(sed -n 's/^abi_package=//p' "$pc")" = "$abi"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
