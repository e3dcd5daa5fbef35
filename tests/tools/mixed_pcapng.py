#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Write a pcapng file whose two interfaces have different link types.

mixed_pcapng.py OUT
mixed_pcapng.py --oversize OUT

Interface 0 is Ethernet and carries flow 1 of gen_flows.py; interface 1 is
raw IP (LINKTYPE_RAW, 101) and carries flow 2.  libpcap refuses to read
past the second interface description, so this is how tests reach that
path.

With --oversize the file holds packets larger than their interface allows,
which only a hostile or broken writer makes: interface 0 (raw IP, snapshot
length 0 = "no limit") carries flow 3 with one 300,000-byte segment whose
IPv4 total length is 0 (as TSO captures have it); interface 1 (raw IP,
snapshot length 1000) carries flow 4 with one 5,000-byte segment.  The
payload bytes are (7 * i) mod 256, every value, so -s has work to do.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_flows  # noqa: E402


def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def interface(link, snaplen=65535):
    return block(1, struct.pack("<HHI", link, 0, snaplen))


def packet(iface, usec, data):
    head = struct.pack("<IIIII", iface, usec >> 32, usec & 0xFFFFFFFF, len(data), len(data))
    return block(6, head + data)


def raw_tcp(src, dst, seq, flags, data, tso):
    """An IPv4+TCP packet from src:40003 to dst:80; IPv4 total length 0 if tso."""
    tcp = struct.pack("!HHIIBBHHH", 40003, 80, seq, 0, 5 << 4, flags, 65535, 0, 0)
    total = 0 if tso else 40 + len(data)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 6, 0, src, dst)
    return ip + tcp + data


def oversize_flow(i, size, tso):
    """SYN, one segment of size bytes, FIN: raw IP packets of flow i."""
    c, s = bytes([10, 0, 0, i]), bytes([192, 0, 2, 1])
    data = bytes((7 * k) & 255 for k in range(size))
    yield raw_tcp(c, s, 1000, 0x02, b"", False)
    yield raw_tcp(c, s, 1001, 0x18, data, tso)
    yield raw_tcp(c, s, 1001 + size, 0x11, b"", False)


def oversize(path):
    t = 1600000000 * 1000000
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += interface(101, 0)
    out += interface(101, 1000)
    for k, f in enumerate(oversize_flow(3, 300000, True)):
        out += packet(0, t + k, f)
    for k, f in enumerate(oversize_flow(4, 5000, False)):
        out += packet(1, t + 100 + k, f)
    with open(path, "wb") as fh:
        fh.write(out)


def main():
    if sys.argv[1] == "--oversize":
        oversize(sys.argv[2])
        return
    t = 1600000000 * 1000000
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += interface(1)
    for k, f in enumerate(gen_flows.flow_packets(1, 2)):
        out += packet(0, t + k, f)
    out += interface(101)
    for k, f in enumerate(gen_flows.flow_packets(2, 2)):
        out += packet(1, t + 100 + k, f[14:])  # without the Ethernet header
    with open(sys.argv[1], "wb") as fh:
        fh.write(out)


if __name__ == "__main__":
    main()
