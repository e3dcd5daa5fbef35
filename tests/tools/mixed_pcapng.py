#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Write a pcapng file whose two interfaces have different link types.

mixed_pcapng.py OUT

Interface 0 is Ethernet and carries flow 1 of gen_flows.py; interface 1 is
raw IP (LINKTYPE_RAW, 101) and carries flow 2.  libpcap refuses to read
past the second interface description, so this is how tests reach that
path.
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


def interface(link):
    return block(1, struct.pack("<HHI", link, 0, 65535))


def packet(iface, usec, data):
    head = struct.pack("<IIIII", iface, usec >> 32, usec & 0xFFFFFFFF, len(data), len(data))
    return block(6, head + data)


def main():
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
