#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Write tests/captures/gen_http-mixed.pcapng, the project's own capture.

gen_sample.py OUT

It replaces the coverage of five captures whose terms did not allow
redistribution (chrissanders/packets has no licence; see
tests/captures/SOURCES): in one pcapng file (Ethernet),
  - an IPv4 HTTP exchange whose response is gzip + chunked, sent in several
    segments, one of them retransmitted three times (RTO back-off) and one
    arriving out of order (each byte must be written once, in place);
  - the same kind of fetch over IPv6 with a Content-Length body;
  - a SYN scan of 40 ports: SYN, RST/ACK and one SYN/ACK, every frame shorter
    than 60 bytes and so padded with trailer bytes that are not TCP payload;
  - UDP datagrams and ARP frames, which are not TCP (the -w file and the
    report's not_tcp / not_ip counters).
Everything is deterministic (fixed timestamps, gzip mtime 0): running this
again gives the same bytes.
"""
import gzip
import hashlib
import struct
import sys

MAC_C = b"\x02\x00\x00\x00\x00\x01"
MAC_S = b"\x02\x00\x00\x00\x00\x02"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(src, dst, etype, payload):
    f = dst + src + struct.pack("!H", etype) + payload
    if len(f) < 60:  # Ethernet minimum: trailer padding, not IP data
        f += b"\0" * (60 - len(f))
    return f


def tcp_hdr(sport, dport, seq, ack, flags, data, pseudo):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                    5 << 4, flags, 65535, 0, 0)
    c = csum(pseudo + h + data)
    return h[:16] + struct.pack("!H", c) + h[18:] + data


def ip4(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def tcp4(src, dst, sport, dport, seq, ack, flags, data=b"", ident=1):
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, 20 + len(data))
    seg = tcp_hdr(sport, dport, seq, ack, flags, data, pseudo)
    return ip4(src, dst, 6, seg, ident)


def tcp6(src, dst, sport, dport, seq, ack, flags, data=b""):
    pseudo = struct.pack("!16s16sIxxxB", src, dst, 20 + len(data), 6)
    seg = tcp_hdr(sport, dport, seq, ack, flags, data, pseudo)
    return struct.pack("!IHBB16s16s", 0x60000000, len(seg), 6, 64, src, dst) + seg


def udp4(src, dst, sport, dport, data, ident):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return ip4(src, dst, 17, u, ident)


def body_text():
    lines = ["<html><head><title>tcpflow sample</title></head><body>"]
    # Digests, so that the gzip body spans several segments.
    lines += ["<p>line %03d %s</p>" % (i, hashlib.sha256(b"%d" % i).hexdigest()) for i in range(60)]
    lines.append("</body></html>\n")
    return "\n".join(lines).encode()


def chunked(data, size):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def http4():
    """(frames) of the IPv4 gzip + chunked exchange with retransmissions."""
    c, s = bytes([192, 168, 7, 10]), bytes([203, 0, 113, 80])
    cp, sp, ci, si = 49152, 80, 1000000, 3000000
    req = (b"GET /sample.html HTTP/1.1\r\nHost: www.example.com\r\n"
           b"Accept-Encoding: gzip\r\nUser-Agent: gen_sample\r\n\r\n")
    gz = gzip.compress(body_text(), compresslevel=9, mtime=0)
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunked(gz, 300))
    C = lambda *a, **k: eth(MAC_C, MAC_S, 0x0800, tcp4(c, s, cp, sp, *a, **k))  # noqa: E731
    S = lambda *a, **k: eth(MAC_S, MAC_C, 0x0800, tcp4(s, c, sp, cp, *a, **k))  # noqa: E731
    f = [C(ci, 0, 0x02), S(si, ci + 1, 0x12), C(ci + 1, si + 1, 0x10),
         C(ci + 1, si + 1, 0x18, req)]
    segs = [resp[i:i + 400] for i in range(0, len(resp), 400)]
    off = si + 1
    sent = []
    for k, d in enumerate(segs):
        sent.append(S(off, ci + 1 + len(req), 0x18, d, ident=100 + k))
        off += len(d)
    # Segment 1 is lost and sent again three times (RTO back-off), the third
    # copy after the rest; segments 3 and 4 arrive swapped.
    order = [sent[0], sent[1], sent[1], sent[2], sent[4], sent[3]] + sent[5:] + [sent[1]]
    f += order
    fin_c = ci + 1 + len(req)
    f += [C(fin_c, off, 0x10), S(off, fin_c, 0x11), C(fin_c, off + 1, 0x11), S(off + 1, fin_c + 1, 0x10)]
    return f


def http6():
    c = bytes.fromhex("20010db8000000000000000000000010")
    s = bytes.fromhex("20010db8000000000000000000000080")
    cp, sp, ci, si = 50000, 80, 7000, 9000
    body = b"plain body over IPv6\n" * 20
    req = b"GET /v6.txt HTTP/1.1\r\nHost: [2001:db8::80]\r\n\r\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    C = lambda *a: eth(MAC_C, MAC_S, 0x86DD, tcp6(c, s, cp, sp, *a))  # noqa: E731
    S = lambda *a: eth(MAC_S, MAC_C, 0x86DD, tcp6(s, c, sp, cp, *a))  # noqa: E731
    a = ci + 1 + len(req)
    b = si + 1 + len(resp)
    return [C(ci, 0, 0x02), S(si, ci + 1, 0x12), C(ci + 1, si + 1, 0x10), C(ci + 1, si + 1, 0x18, req),
            S(si + 1, a, 0x18, resp), C(a, b, 0x11), S(b, a + 1, 0x11), C(a + 1, b + 1, 0x10)]


def synscan():
    c, s = bytes([198, 51, 100, 7]), bytes([198, 51, 100, 9])
    f = []
    for k, port in enumerate(range(20, 60)):
        isn = 0x10000000 + k * 7919
        f.append(eth(MAC_C, MAC_S, 0x0800, tcp4(c, s, 61000, port, isn, 0, 0x02, ident=k)))
        if port == 22:  # open: SYN/ACK, then the scanner resets
            f.append(eth(MAC_S, MAC_C, 0x0800, tcp4(s, c, port, 61000, 0x50000000, isn + 1, 0x12)))
            f.append(eth(MAC_C, MAC_S, 0x0800, tcp4(c, s, 61000, port, isn + 1, 0, 0x04)))
        else:
            f.append(eth(MAC_S, MAC_C, 0x0800, tcp4(s, c, port, 61000, 0, isn + 1, 0x14)))
    return f


def others():
    c, d = bytes([192, 168, 7, 10]), bytes([192, 168, 7, 1])
    f = []
    for k in range(3):
        q = struct.pack("!HHHHHH", 0x1000 + k, 0x0100, 1, 0, 0, 0) + b"\x07example\x03com\x00\x00\x01\x00\x01"
        f.append(eth(MAC_C, MAC_S, 0x0800, udp4(c, d, 53000 + k, 53, q, 500 + k)))
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_C, c, b"\0" * 6, d)
    f.append(eth(MAC_C, b"\xff" * 6, 0x0806, arp))
    f.append(eth(MAC_C, b"\xff" * 6, 0x0806, arp))
    return f


def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def main():
    frames = others()[:2] + http4() + others()[2:3] + http6() + synscan() + others()[3:]
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 262144))
    t = 1767225600 * 1000000  # 2026-01-01T00:00:00Z, in microseconds
    for k, fr in enumerate(frames):
        us = t + k * 1500
        out += block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF, len(fr), len(fr)) + fr)
    with open(sys.argv[1], "wb") as fh:
        fh.write(out)


if __name__ == "__main__":
    main()
