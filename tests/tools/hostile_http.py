#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Write a capture of HTTP exchanges whose headers try to name files.

hostile_http.py OUT

One connection per exchange, client 10.0.0.I:4000+I to 192.0.2.1:80, each a
request and a response with a body.  URIs, Content-Type and
Content-Disposition carry "..", absolute paths, NUL bytes, '/' and names
far over NAME_MAX; the http scanner must name its files from the flow file
and a number only.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_flows import frame  # noqa: E402

LONG = "A" * 5000
EXCHANGES = [
    (b"GET /../../../../tmp/evil HTTP/1.1\r\nHost: x\r\n\r\n",
     b"Content-Type: ../../../../tmp/evil\r\n"
     b"Content-Disposition: attachment; filename=\"../../../../tmp/evil\"\r\n"),
    (b"GET /etc/passwd HTTP/1.1\r\nHost: /etc\r\n\r\n",
     b"Content-Type: /etc/passwd\r\n"
     b"Content-Disposition: attachment; filename=\"/etc/passwd\"\r\n"),
    (b"GET /a\x00b HTTP/1.1\r\nHost: x\x00y\r\n\r\n",
     b"Content-Type: text/html\x00/../../x\r\n"
     b"Content-Disposition: attachment; filename=\"a\x00/../b\"\r\n"),
    (("GET /" + LONG + " HTTP/1.1\r\nHost: x\r\n\r\n").encode(),
     ("Content-Type: image/" + LONG + "\r\n"
      "Content-Disposition: attachment; filename=\"" + LONG + "\"\r\n").encode()),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
     b"Content-Type: text/plain; name=../../x/%2e%2e/\r\n"),
]


def connection(i, request, headers):
    body = b"body of exchange %d\n" % i
    response = (b"HTTP/1.1 200 OK\r\n" + headers +
                b"Content-Length: %d\r\n\r\n" % len(body) + body)
    c, s = bytes([10, 0, 0, i + 1]), bytes([192, 0, 2, 1])
    cp, cisn, sisn = 4000 + i, 1000, 5000
    yield frame(c, cp, s, 80, cisn, 0, 0x02, b"")
    yield frame(s, 80, c, cp, sisn, cisn + 1, 0x12, b"")
    yield frame(c, cp, s, 80, cisn + 1, sisn + 1, 0x10, b"")
    seq = cisn + 1
    for off in range(0, len(request), 1400):
        part = request[off:off + 1400]
        yield frame(c, cp, s, 80, seq, sisn + 1, 0x18, part)
        seq += len(part)
    sseq = sisn + 1
    for off in range(0, len(response), 1400):
        part = response[off:off + 1400]
        yield frame(s, 80, c, cp, sseq, seq, 0x18, part)
        sseq += len(part)
    yield frame(c, cp, s, 80, seq, sseq, 0x11, b"")
    yield frame(s, 80, c, cp, sseq, seq + 1, 0x11, b"")


def main():
    t = 1600000000
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for i, (request, headers) in enumerate(EXCHANGES):
            for p in connection(i, request, headers):
                f.write(struct.pack("<IIII", t, 0, len(p), len(p)))
                f.write(p)
                t += 1


if __name__ == "__main__":
    main()
