#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The report stays well-formed whatever packets, -T templates and scanners
# put into it: control characters and invalid UTF-8 are escaped reversibly
# ("\xHH", a backslash "\\"), bad names from scanners are refused with
# TFS_ERROR and a log line.  (Every run of every test is also checked by
# tools/checked; here the report is parsed and the escaping undone.)
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (Debian: libxml2-utils)"
command -v python3 >/dev/null || skip "python3 missing"
T=$TCPFLOW
C=$CAPTURES
K=$C/nd_KakaoTalk_chat.pcap

# Undo the report's escaping: "\\" -> "\", "\xHH" -> byte.
cat >"$WORK/unescape.py" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
def unescape(s):
    out = bytearray()
    for m in re.finditer(r'\\\\|\\x([0-9a-f]{2})|[^\\]+|\\', s):
        t = m.group(0)
        if t == '\\\\': out += b'\\'
        elif m.group(1): out.append(int(m.group(1), 16))
        elif t == '\\': sys.exit("lone backslash in " + repr(s))
        else: out += t.encode('utf-8')
    return bytes(out)
PY

# 1. The README's python example on a capture with binary first lines.
mkdir -p "$WORK/scanners"
printf 'def first_line(data):\n    return data.split(b"\\r\\n", 1)[0].decode("latin-1")\n' \
  >"$WORK/scanners/firstline.py"
if "$T" -hh 2>/dev/null | grep -Eq '^   python '; then
  PYTHONDONTWRITEBYTECODE=1 "$T" -o "$WORK/py" -e python -S py_path="$WORK/scanners" \
    -S py_module=firstline -S py_function=first_line -r "$K" >/dev/null 2>&1
  check "python example on KakaoTalk: exit 0" test $? = 0
  check "python example on KakaoTalk: report well-formed" xml_ok "$WORK/py/report.xml"
  check "python example on KakaoTalk: control characters escaped" grep -q '\\x0' "$WORK/py/report.xml"
  # Every result decodes to the first line of its flow file (latin-1 made
  # UTF-8 by python; the NUL cut is the python scanner's, it logs it).
  cat >"$WORK/py.py" <<PY
exec(open("$WORK/unescape.py").read())
ns = {'t': 'http://afflib.org/tcpflow/'}
root = ET.parse("$WORK/py/report.xml").getroot()
n = 0
for fo in root.iter('fileobject'):
    r = fo.find('t:result', ns)
    fn = fo.find('filename')
    if r is None or fn is None: continue
    want = open(fn.text, 'rb').read().split(b'\r\n', 1)[0].decode('latin-1').split('\0')[0]
    got = unescape(r.text or '')
    if got != want.encode('utf-8'): sys.exit("%s: %r != %r" % (fn.text, got[:60], want[:60]))
    n += 1
sys.exit(0 if n > 10 else "only %d results" % n)
PY
  check "python example on KakaoTalk: results decode to the flows' first lines" \
    sh -c "cd '$WORK' && python3 '$WORK/py.py'"
fi

# 2. A template with control characters and invalid UTF-8.
"$T" -o "$WORK/tpl" -T $'a\x01\x1b%N\xff\\b' -r "$C/tf_test-gzip.pcap" >/dev/null 2>&1
check "-T with control characters: exit 0" test $? = 0
check "-T with control characters: report well-formed" xml_ok "$WORK/tpl/report.xml"
cat >"$WORK/tpl.py" <<PY
exec(open("$WORK/unescape.py").read())
import os
names = sorted(unescape(f.text) for f in ET.parse("$WORK/tpl/report.xml").getroot().iter('filename'))
files = sorted(os.path.join(b"$WORK/tpl", f) for f in os.listdir(b"$WORK/tpl") if f != b'report.xml')
sys.exit(0 if names and names == files else "%r != %r" % (names, files))
PY
check "-T with control characters: <filename> decodes to the real file names" python3 "$WORK/tpl.py"

# 3. A scanner that calls xml_start("a b<c") and worse.
mkdir -p "$WORK/mods"
cp "$TESTMODS/xmlabuse.so" "$WORK/mods/xmlabuse.so" # built by make check
"$T" --plugin-dir "$WORK/mods" -e xmlabuse -o "$WORK/abuse" -r "$C/tf_test-gzip.pcap" \
  >/dev/null 2>"$WORK/abuse.err"
check "bad scanner XML: exit 0" test $? = 0
check "bad scanner XML: report well-formed" xml_ok "$WORK/abuse/report.xml"
want="EEEOEEOEOOEOE$(printf 'O%.0s' $(seq 63))$(printf 'E%.0s' $(seq 7))"
check "bad scanner XML: exactly the bad calls got TFS_ERROR" \
  grep -q "<tcpflow:xmlabuse_rc>$want</tcpflow:xmlabuse_rc>" "$WORK/abuse/report.xml"
big="$(printf 'OO%.0s' $(seq 15))OEOE"
check "bad scanner XML: over 16 MiB for one flow refused" \
  grep -q "<tcpflow:xmlabuse_big>$big</tcpflow:xmlabuse_big>" "$WORK/abuse/report.xml"
check "bad scanner XML: log line names the scanner and the element" \
  grep -q "scanner 'xmlabuse': xml_start refused: invalid element name 'a b<c'" "$WORK/abuse.err"
check "bad scanner XML: duplicate attribute logged" grep -q "second value for attribute 'value'" "$WORK/abuse.err"
check "bad scanner XML: invalid UTF-8 name logged escaped" grep -q "invalid element name '\\\\xff'" "$WORK/abuse.err"
check "bad scanner XML: no control character on stderr" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$WORK/abuse.err'"
cat >"$WORK/abuse.py" <<PY
exec(open("$WORK/unescape.py").read())
ns = {'t': 'http://afflib.org/tcpflow/'}
n = 0
for e in ET.parse("$WORK/abuse/report.xml").getroot().iter('{http://afflib.org/tcpflow/}xmlabuse'):
    v = unescape(e.get('value'))
    t = unescape(e.find('text').text)
    if v != b"ctl\x01\x1b[31m bad\xff\xfe bs\\\\ <&'\" tab\t nl\n cr\r end": sys.exit("value %r" % v)
    if t != b"vt\x0b ff\x0c overlong\xc0\xaf surrogate\xed\xa0\x80 nonchar\xef\xbf\xbe ok\xc3\xa9": sys.exit("text %r" % t)
    n += 1
sys.exit(0 if n > 0 else "no xmlabuse element")
PY
check "bad scanner XML: value and text decode to the scanner's bytes" python3 "$WORK/abuse.py"
finish
