#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Independent figures for the netviz tests (tests/integration/netviz.sh).

usage:
  netviz_check.py capture FILE       facts read straight from a pcap/pcapng file
  netviz_check.py report REPORT.xml  top-3 lists summed from report.xml's flows
  netviz_check.py pixels FILE.ppm X0 Y0 X1 Y1   share of non-white pixels in a
                                     region given in PDF points (612 x 792 page)
  netviz_check.py png FILE           "WIDTH HEIGHT" of a PNG
  netviz_check.py make KIND OUT      write a small capture: empty, udp, syn, years

"capture" and "report" print lines the test greps for in pdftotext's output:
  range <first> -- <last>   (UTC, microseconds)
  frames <n>
  top <chart> <rank> <key> <bytes> <packets>
The capture reader is deliberately separate from tcpflow: its own pcap and
pcapng parsing, Ethernet / Linux SLL / raw IP, IPv4 and IPv6 (no extension
headers, no fragments), counting every TCP frame by its length on the wire.
"""
import collections
import datetime
import ipaddress
import struct
import sys
import xml.etree.ElementTree as ET


def frames(path):
    """(seconds as a float-free (sec, usec) pair, wire length, linktype, bytes)."""
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        le = magic[0] in (0xD4, 0x4D)
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        e = "<" if le else ">"
        link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
            off += 16
            usec = frac // 1000 if nano else frac
            yield sec, usec, orig, link, data[off:off + incl]
            off += incl
        return
    if magic != b"\x0a\x0d\x0d\x0a":
        raise SystemExit("%s: not a pcap or pcapng file" % path)
    off, e, ifaces = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # interface description: link type and time resolution
            link = struct.unpack(e + "H", body[0:2])[0]
            res, o = 6, 8
            while o + 4 <= len(body):
                code, ln = struct.unpack(e + "HH", body[o:o + 4])
                if code == 0:
                    break
                if code == 9:
                    res = body[o + 4]
                o += 4 + ((ln + 3) & ~3)
            ifaces.append((link, res))
        elif btype == 6:  # enhanced packet
            iface, hi, lo, incl, orig = struct.unpack(e + "IIIII", body[0:20])
            link, res = ifaces[iface]
            ticks = (hi << 32) | lo
            per = 2 ** (res & 0x7F) if res & 0x80 else 10 ** res
            sec, rem = divmod(ticks, per)
            yield sec, rem * 1000000 // per, orig, link, body[20:20 + incl]
        off += blen


def tcp_of(link, f):
    """(src, dst, sport, dport) of a TCP frame, else None."""
    if link == 1:
        off, et = 12, None
        while True:
            et = struct.unpack(">H", f[off:off + 2])[0]
            if et in (0x8100, 0x88A8):
                off += 4
                continue
            break
        ip = f[off + 2:]
    elif link == 113:
        et, ip = struct.unpack(">H", f[14:16])[0], f[16:]
    elif link in (101, 12, 228, 229):
        ip = f
        et = 0x0800 if f and f[0] >> 4 == 4 else 0x86DD
    else:
        return None
    if et == 0x0800 and len(ip) >= 20 and ip[9] == 6:
        if struct.unpack(">H", ip[6:8])[0] & 0x3FFF:
            return None  # a fragment
        hl = (ip[0] & 15) * 4
        sp, dp = struct.unpack(">HH", ip[hl:hl + 4])
        return str(ipaddress.ip_address(ip[12:16])), str(ipaddress.ip_address(ip[16:20])), sp, dp
    if et == 0x86DD and len(ip) >= 40 and ip[6] == 6:
        sp, dp = struct.unpack(">HH", ip[40:44])
        return str(ipaddress.ip_address(ip[8:24])), str(ipaddress.ip_address(ip[24:40])), sp, dp
    return None


def show(t):
    sec, usec = t
    d = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
    return d.strftime("%Y-%m-%d %H:%M:%S") + ".%06d" % usec


def print_tops(tables):
    for name, table in tables:
        ranked = sorted(table.items(), key=lambda kv: (-kv[1][0], -kv[1][1], str(kv[0])))
        for rank, (key, (b, p)) in enumerate(ranked[:3], 1):
            print("top %s %d %s %d %d" % (name, rank, key, b, p))


def capture(path):
    n, times = 0, []
    tabs = {k: collections.defaultdict(lambda: [0, 0]) for k in ("src", "dst", "sport", "dport")}
    for sec, usec, orig, link, f in frames(path):
        n += 1
        times.append((sec, usec))
        t = tcp_of(link, f)
        if t:
            for name, key in zip(("src", "dst", "sport", "dport"), t):
                tabs[name][key][0] += orig
                tabs[name][key][1] += 1
    print("frames %d" % n)
    if times:
        print("range %s -- %s" % (show(min(times)), show(max(times))))
    print_tops(tabs.items())


def report(path):
    tabs = {k: collections.defaultdict(lambda: [0, 0]) for k in ("src", "dst", "sport", "dport")}
    for el in ET.parse(path).getroot().iter():
        if el.tag.split("}")[-1] != "tcpflow" or el.get("len") is None:
            continue
        keys = (el.get("src_ipn"), el.get("dst_ipn"), int(el.get("srcport")), int(el.get("dstport")))
        for name, key in zip(("src", "dst", "sport", "dport"), keys):
            tabs[name][key][0] += int(el.get("len"))
            tabs[name][key][1] += int(el.get("packets"))
    print_tops(tabs.items())


def pixels(path, x0, y0, x1, y1):
    data = open(path, "rb").read()
    parts, off = [], 0
    while len(parts) < 4:  # P6 width height maxval, whitespace separated
        while data[off:off + 1].isspace():
            off += 1
        start = off
        while not data[off:off + 1].isspace():
            off += 1
        parts.append(data[start:off])
    off += 1
    if parts[0] != b"P6":
        raise SystemExit("%s: not a binary PPM" % path)
    w, h = int(parts[1]), int(parts[2])
    sx, sy = w / 612.0, h / 792.0
    ink = total = 0
    for y in range(int(y0 * sy), int(y1 * sy)):
        row = off + y * w * 3
        for x in range(int(x0 * sx), int(x1 * sx)):
            p = row + x * 3
            total += 1
            if min(data[p], data[p + 1], data[p + 2]) < 215:  # not white, not grid lines
                ink += 1
    print("%.4f" % (ink / total if total else 0))


def png(path):
    d = open(path, "rb").read(24)
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    print("%d %d" % struct.unpack(">II", d[16:24]))


def make(kind, out):
    """Small captures: Ethernet frames between 192.0.2.1 and 192.0.2.2."""
    def ip4(proto, payload):
        hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                          bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
        return b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00" + hdr + payload

    def tcp(sport, dport, flags, seq, data=b""):
        return ip4(6, struct.pack(">HHIIBBHHH", sport, dport, seq, 0, 0x50, flags, 65535, 0, 0) + data)

    recs = []
    if kind == "udp":
        recs.append((1700000000, 0, ip4(17, struct.pack(">HHHH", 5353, 53, 12, 0) + b"abcd")))
    elif kind == "syn":
        recs.append((1700000000, 250000, tcp(40000, 80, 0x02, 1000)))
    elif kind == "years":  # one connection's packets spread over three years
        t = 1500000000
        recs.append((t, 0, tcp(40000, 443, 0x02, 1000)))
        for i in range(1, 37):
            recs.append((t + i * 30 * 86400, 0, tcp(40000, 443, 0x18, 1001 + 100 * (i - 1), b"x" * 100)))
    elif kind != "empty":
        raise SystemExit("unknown kind %s" % kind)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, frame in recs:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "capture":
        capture(args[0])
    elif cmd == "report":
        report(args[0])
    elif cmd == "pixels":
        pixels(args[0], *map(float, args[1:5]))
    elif cmd == "png":
        png(args[0])
    elif cmd == "make":
        make(args[0], args[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
