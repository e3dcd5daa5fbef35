#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Write synthetic but well-formed Ethernet/IPv4/TCP captures for tests.

gen_flows.py OUT --flows N [--segments K] [--interleave] [--start T]
             [--gap SECONDS] [--split OUT2] [--seed S]

Each flow is a full connection (SYN, SYN/ACK, K data segments client to
server, FIN both ways) from 10.(i>>16).(i>>8).(i) port 1024+i%60000 to
192.0.2.1:80; its payload is deterministic so tests can recompute it with
payload(i, k).  --interleave sends segment k of every flow before segment
k+1 of any (maximal fd-cache pressure).  --gap puts that many seconds between
segments.  --split OUT2 writes the second half of the packets to OUT2
(for -R tests).
"""
import argparse
import struct


def payload(i, k):
    return (f"flow {i} segment {k} " + "x" * (i % 37) + "\n").encode()


def frame(src, sport, dst, dport, seq, ack, flags, data):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0)
    total = 20 + len(tcp) + len(data)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 6, 0, src, dst)
    eth = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00"
    return eth + ip + tcp + data


def flow_packets(i, segments):
    c = bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])
    s = bytes([192, 0, 2, 1])
    cp = 1024 + i % 60000
    cisn, sisn = 1000 + i, 5000 + i
    yield frame(c, cp, s, 80, cisn, 0, 0x02, b"")
    yield frame(s, 80, c, cp, sisn, cisn + 1, 0x12, b"")
    seq = cisn + 1
    for k in range(segments):
        d = payload(i, k)
        yield frame(c, cp, s, 80, seq, sisn + 1, 0x18, d)
        seq += len(d)
    yield frame(c, cp, s, 80, seq, sisn + 1, 0x11, b"")
    yield frame(s, 80, c, cp, sisn + 1, seq + 1, 0x11, b"")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, required=True)
    ap.add_argument("--segments", type=int, default=3)
    ap.add_argument("--interleave", action="store_true")
    ap.add_argument("--start", type=int, default=1600000000)
    ap.add_argument("--gap", type=float, default=0.001)
    ap.add_argument("--split")
    a = ap.parse_args()
    gens = [flow_packets(i, a.segments) for i in range(a.flows)]
    pkts = []
    if a.interleave:
        while gens:
            alive = []
            for g in gens:
                p = next(g, None)
                if p is not None:
                    pkts.append(p)
                    alive.append(g)
            gens = alive
    else:
        for g in gens:
            pkts.extend(g)
    outs = [(a.out, pkts)] if not a.split else [(a.out, pkts[:len(pkts) // 2]),
                                                 (a.split, pkts[len(pkts) // 2:])]
    t = float(a.start)
    for path, part in outs:
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
            for p in part:
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(p), len(p)))
                f.write(p)
                t += a.gap


if __name__ == "__main__":
    main()
