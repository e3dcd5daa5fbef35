#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The netviz scanner end to end: report.pdf is a valid one-page PDF whose
# text carries the date range, the packet count and the top-3 lists that
# netviz_check.py computes on its own from the capture (and from report.xml,
# where the host leaves frames out of flows), whose charts are not blank;
# empty and UDP-only captures give a page that says "No TCP traffic"; svg
# and png work; the same capture gives the same bytes twice.
. "$(dirname "$0")/lib.sh"
[ "${NETVIZ:-yes}" = yes ] || skip "netviz was not built (configure found no cairo, or --disable-plugin-netviz)"
for t in python3 pdfinfo pdftotext pdftoppm; do
  command -v $t >/dev/null || skip "$t missing (Debian: python3, poppler-utils)"
done
PY="python3 $(dirname "$0")/netviz_check.py"
T=$TCPFLOW
C=$CAPTURES
export SOURCE_DATE_EPOCH=1700000000

# run NAME CAPTURE [options]: tcpflow -e netviz into $WORK/NAME
run() {
  local name=$1 input=$2
  shift 2
  "$T" -e netviz "$@" -o "$WORK/$name" -r "$input" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  return $rc
}

# has_lines TEXT EXPECT: every "range", "frames" and "top" line of EXPECT
# (netviz_check.py output) appears in the pdftotext output TEXT.
has_lines() {
  local text=$1 expect=$2 kind a b c d e missing=0
  while read -r kind a b c d e; do
    case $kind in
    range) grep -qF "Date range: $a $b -- $d $e UTC" "$text" || { echo "  no range $a $b -- $d $e"; missing=1; } ;;
    frames) grep -qE "Packets analyzed: $a \(" "$text" || { echo "  no frame count $a"; missing=1; } ;;
    top)
      # "2) 41835 - 9.65 kB (1.5%): 9654 bytes, 92 packets"; ports may carry "(HTTP)"
      k=$(printf '%s' "$c" | sed 's/[.]/[.]/g')
      grep -qE "$b\) $k( \([A-Za-z]+\))? - [^:]*: $d bytes, $e packets" "$text" ||
        { echo "  no $a #$b: $c $d bytes $e packets"; missing=1; }
      ;;
    esac
  done <"$expect"
  return $missing
}

# ink PPM X0 Y0 X1 Y1: the region (in points) has some drawing in it
ink() {
  v=$($PY pixels "$@")
  awk -v v="$v" 'BEGIN { exit !(v > 0.04) }'
}

pdf_page_ok() { # one US-Letter page
  pdfinfo "$1" >"$1.info" 2>&1 && grep -qE '^Pages: +1$' "$1.info" &&
    grep -qE '^Page size: +612 x 792 pts' "$1.info"
}

# ---------------------------------------------------------- real captures
for cap in pp_one_tcp_stream_max_seq.pcap pp_four_ipv6_http_streams.pcap tf_test-gzip.pcap; do
  run "$cap" "$C/$cap"
  check "$cap: exit 0" [ "$rc" -eq 0 ]
  pdf="$WORK/$cap/report.pdf"
  check "$cap: report.pdf written" [ -s "$pdf" ]
  check "$cap: pdfinfo: one US-Letter page" pdf_page_ok "$pdf"
  pdftotext -layout "$pdf" "$WORK/$cap.txt"
  $PY capture "$C/$cap" >"$WORK/$cap.expect"
  check "$cap: date range, packet count, top-3 lists as read from the capture" \
    has_lines "$WORK/$cap.txt" "$WORK/$cap.expect"
  $PY report "$WORK/$cap/report.xml" >"$WORK/$cap.rexpect"
  check "$cap: top-3 lists as summed from report.xml" has_lines "$WORK/$cap.txt" "$WORK/$cap.rexpect"
  check "$cap: no TCP-traffic note absent" bash -c "! grep -q 'No TCP traffic' '$WORK/$cap.txt'"
  pdftoppm -r 36 -singlefile "$pdf" "$WORK/$cap"
  # plot areas without their axes: the first bars, where the biggest are
  check "$cap: bandwidth chart drawn" ink "$WORK/$cap.ppm" 85 170 555 290
  check "$cap: source address chart drawn" ink "$WORK/$cap.ppm" 76 370 176 440
  check "$cap: destination address chart drawn" ink "$WORK/$cap.ppm" 354 370 454 440
  check "$cap: source port chart drawn" ink "$WORK/$cap.ppm" 76 566 176 636
  check "$cap: destination port chart drawn" ink "$WORK/$cap.ppm" 354 566 454 636
done
check "IPv6 addresses are written out in full" \
  grep -qF "1) 2001:618:400::5199:cc70 - " "$WORK/pp_four_ipv6_http_streams.pcap.txt"

# Frames the host leaves out of flows (bare ACKs after a close): the charts
# follow report.xml, the header counts every frame.
cap=nd_KakaoTalk_chat.pcap
run kakao "$C/$cap"
pdftotext -layout "$WORK/kakao/report.pdf" "$WORK/kakao.txt"
$PY report "$WORK/kakao/report.xml" >"$WORK/kakao.rexpect"
check "$cap: top-3 lists equal report.xml's flow sums" has_lines "$WORK/kakao.txt" "$WORK/kakao.rexpect"
$PY capture "$C/$cap" | grep -v '^top' >"$WORK/kakao.expect"
check "$cap: every frame counted, date range from the capture" has_lines "$WORK/kakao.txt" "$WORK/kakao.expect"
tp=$(sed -n "s/.*<total_packets>\([0-9]*\)<.*/\1/p" "$WORK/kakao/report.xml")
check "$cap: TCP packets in flows equal report.xml's total_packets ($tp)" \
  grep -qE "TCP flows: [0-9]+ with $tp packets" "$WORK/kakao.txt"

# 1.6.1 (when installed) counts the same frames over the same seconds; its
# dates are local time, so run it in UTC.
if [ -x "$REF" ]; then
  TZ=UTC timeout -s KILL 60 "$REF" -e netviz -o "$WORK/ref" -r "$C/pp_one_tcp_stream_max_seq.pcap" >/dev/null 2>&1
  pdftotext -layout "$WORK/ref/report.pdf" "$WORK/ref.txt" 2>/dev/null
  refn=$(sed -n 's/.*Packets analyzed: \([0-9]*\).*/\1/p' "$WORK/ref.txt")
  check "1.6.1 analyzed the same number of packets ($refn)" \
    grep -q "Packets analyzed: ${refn:-none} (" "$WORK/pp_one_tcp_stream_max_seq.pcap.txt"
  refr=$(sed -n 's/.*Date range: \([-0-9]* [0-9:]*\) -- \([-0-9]* [0-9:]*\).*/\1.[0-9]* -- \2.[0-9]* UTC/p' "$WORK/ref.txt")
  check "1.6.1's date range, to the second" grep -q "Date range: ${refr:-none}" "$WORK/pp_one_tcp_stream_max_seq.pcap.txt"
fi

# -------------------------------------------------- empty, one packet, span
for kind in empty udp; do
  $PY make $kind "$WORK/$kind.pcap"
  run $kind "$WORK/$kind.pcap"
  check "$kind capture: exit 0" [ $? -eq 0 ]
  check "$kind capture: valid page" pdf_page_ok "$WORK/$kind/report.pdf"
  pdftotext -layout "$WORK/$kind/report.pdf" "$WORK/$kind.txt"
  check "$kind capture: says No TCP traffic" grep -q "No TCP traffic" "$WORK/$kind.txt"
  check "$kind capture: report.xml well-formed" xml_ok "$WORK/$kind/report.xml"
done
check "empty capture: no packets, no date range" grep -q "Date range: none" "$WORK/empty.txt"
check "one UDP packet: counted" grep -q "Packets analyzed: 1 (" "$WORK/udp.txt"
$PY make syn "$WORK/syn.pcap"
run syn "$WORK/syn.pcap"
pdftotext -layout "$WORK/syn/report.pdf" "$WORK/syn.txt"
check "one SYN: a flow of one packet, charts drawn" grep -q "TCP flows: 1 with 1 packets" "$WORK/syn.txt"
$PY make years "$WORK/years.pcap"
run years "$WORK/years.pcap"
pdftotext -layout "$WORK/years/report.pdf" "$WORK/years.txt"
check "three years: bars of a calendar month" grep -qE "Time \(UTC\): 3[67] bars of 1 month" "$WORK/years.txt"
check "three years: ticks labelled by month" grep -q "2018-01" "$WORK/years.txt"
check "seven seconds: bars of 500 ms" grep -qE "bars of 500 ms" "$WORK/pp_one_tcp_stream_max_seq.pcap.txt"

# ------------------------------------------------------ formats, settings
cap=$C/pp_one_tcp_stream_max_seq.pcap
run again "$cap"
check "same capture twice: identical PDF bytes" cmp -s "$WORK/again/report.pdf" "$WORK/pp_one_tcp_stream_max_seq.pcap/report.pdf"
check "PDF creation date is the header's time" \
  grep -qE "^CreationDate: .*2023" "$WORK/pp_one_tcp_stream_max_seq.pcap/report.pdf.info"
run svg "$cap" -S netviz_format=svg
run svg2 "$cap" -S netviz_format=svg
check "svg: report.svg, well-formed" xml_ok "$WORK/svg/report.svg"
check "svg: no report.pdf" [ ! -e "$WORK/svg/report.pdf" ]
check "svg: identical bytes twice" cmp -s "$WORK/svg/report.svg" "$WORK/svg2/report.svg"
run png "$cap" -S netviz_format=png
run png2 "$cap" -S netviz_format=png
check "png: 1224 x 1584 pixels" [ "$($PY png "$WORK/png/report.png")" = "1224 1584" ]
check "png: identical bytes twice" cmp -s "$WORK/png/report.png" "$WORK/png2/report.png"
run bad "$cap" -S netviz_format=gif
check "bad netviz_format: refused with a message" grep -q "netviz_format must be pdf, svg or png" "$WORK/bad.err"
"$T" -o "$WORK/off" -r "$cap" >/dev/null 2>&1
check "off by default" [ ! -e "$WORK/off/report.pdf" ]
"$T" -a -o "$WORK/all" -r "$cap" >/dev/null 2>&1
check "-a enables it" pdf_page_ok "$WORK/all/report.pdf"
run dump "$cap" -S netviz_histogram_dump=1
check "netviz_histogram_dump prints the counts" \
  grep -qF "  10.0.0.1 packets=18 bytes=13814" "$WORK/dump.out"
mkdir -p "$WORK/blocked/report.pdf"
run blocked "$cap"
check "unwritable report.pdf: exit 5" [ $? -eq 5 ]
check "unwritable report.pdf: message names the file" grep -q "blocked/report.pdf" "$WORK/blocked.err"
check "unwritable report.pdf: report.xml still well-formed" xml_ok "$WORK/blocked/report.xml"
finish
