#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Writes the seed corpora under tests/fuzz/seeds/ (run from anywhere;
the output is committed).  Frames come from the captures in tests/captures
(classic pcap and the simple blocks of pcapng), the HTTP, gzip and
descriptor seeds are built here so that each feature has at least one
input that reaches it."""
import glob
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CAPS = os.path.join(HERE, "..", "captures")
SEEDS = os.path.join(HERE, "seeds")
# fuzz_packet's table (fuzz_packet.c): the 2-byte selector is an index.
PACKET_DLTS = [1, 113, 276, 12, 0, 108, 9, 51, 105, 127, 119, 163]
DOT11_DLTS = [105, 119, 127, 163]
MAX_FRAME = 4096
PER_CAPTURE = 2


def read_frames(path):
    """(dlt, frame) of a classic pcap or pcapng file; stops at damage."""
    data = open(path, "rb").read()
    out = []
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif data[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif data[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    else:
        return out
    if len(data) < 24:
        return out
    dlt = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        if caplen > 262144 or off + 16 + caplen > len(data):
            break
        out.append((dlt, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out


def read_pcapng(data):
    out, links, off, end = [], [], 0, "<"
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, _, _, caplen = struct.unpack(end + "IIII", body[:16])
            if ifid < len(links) and 20 + caplen <= len(body):
                out.append((links[ifid], body[20:20 + caplen]))
        off += blen
    return out


def pick(frames, n):
    """Up to n frames, spread over the capture, the longest of each stretch
    (payload-carrying segments teach the fuzzer more than bare ACKs)."""
    if len(frames) <= n:
        return frames
    step = len(frames) // n
    return [max(frames[i * step:(i + 1) * step], key=lambda f: len(f[1])) for i in range(n)]


def write(harness, name, blob):
    d = os.path.join(SEEDS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def packet_and_dot11_seeds():
    counts = {}
    for path in sorted(glob.glob(os.path.join(CAPS, "*.*cap*"))):
        base = os.path.splitext(os.path.basename(path))[0]
        frames = [(d, f[:MAX_FRAME]) for d, f in read_frames(path) if d in PACKET_DLTS]
        # One frame of each Ethernet capture; more of the rarer link types.
        per = 1 if all(d == 1 for d, _ in frames) else PER_CAPTURE
        for i, (dlt, frame) in enumerate(pick(frames, per)):
            write("fuzz_packet", "%s-%d" % (base, i), struct.pack(">H", PACKET_DLTS.index(dlt)) + frame)
            counts[dlt] = counts.get(dlt, 0) + 1
            if dlt in DOT11_DLTS:
                write("fuzz_dot11", "%s-%d" % (base, i), bytes([DOT11_DLTS.index(dlt)]) + frame)
    # Link types no capture here has, and IP features worth a start.
    tcp = ip4_tcp(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    eth = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb"
    synth = {
        "eth-vlan-qinq": (1, eth + b"\x88\xa8\x00\x05\x81\x00\x00\x07\x08\x00" + tcp),
        "eth-mpls": (1, eth + b"\x88\x47\x00\x01\x01\x40" + tcp),
        "eth-pppoe": (1, eth + b"\x88\x64\x11\x00\x00\x01" + struct.pack(">H", len(tcp) + 2) + b"\x00\x21" + tcp),
        "loop-108": (108, struct.pack(">I", 2) + tcp),
        "null-v6": (0, struct.pack("<I", 30) + ip6_tcp(b"x")),
        "ppp": (9, b"\xff\x03\x00\x21" + tcp),
        "pppoe-51": (51, b"\x11\x00\x00\x01\x00\x20\x00\x21" + tcp),
        "raw": (12, tcp),
        "sll": (113, b"\x00\x00\x00\x01\x00\x06" + eth[:8] + b"\x08\x00" + tcp),
        "frag4-a": (12, ip4_frag(b"A" * 16, 0, True)),
        "frag4-b": (12, ip4_frag(b"B" * 16, 16, False)),
        "frag6": (12, ip6_frag(b"C" * 24)),
        "ip4-options": (12, ip4_tcp(b"opt", options=b"\x01\x01\x01\x00")),
        "prism": (119, prism() + dot11_data(tcp)),
        "avs": (163, avs() + dot11_data(tcp)),
        "radiotap-beacon": (127, radiotap() + beacon()),
        "dot11-data": (105, dot11_data(tcp)),
    }
    for name, (dlt, frame) in synth.items():
        write("fuzz_packet", "synth-" + name, struct.pack(">H", PACKET_DLTS.index(dlt)) + frame)
        if dlt in DOT11_DLTS:
            write("fuzz_dot11", "synth-" + name, bytes([DOT11_DLTS.index(dlt)]) + frame)
    write("fuzz_dot11", "synth-beacon-plain", bytes([0]) + beacon())


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp_hdr(payload, seq=1, flags=0x18):
    return struct.pack(">HHIIBBHHH", 40000, 80, seq, 0, 0x50, flags, 65535, 0, 0) + payload


def ip4_tcp(payload, options=b""):
    seg = tcp_hdr(payload)
    ihl = 5 + len(options) // 4
    hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(seg), 1, 0, 64, 6, 0,
                      bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + options
    return hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:] + seg


def ip4_frag(data, offset, more):
    frag = (offset // 8) | (0x2000 if more else 0)
    body = (tcp_hdr(data) if offset == 0 else data)
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 77, frag, 64, 6, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + body


def ip6_tcp(payload):
    seg = tcp_hdr(payload)
    return struct.pack(">IHBB", 0x60000000, len(seg), 6, 64) + b"\xfe\x80" + b"\0" * 13 + b"\x01" \
        + b"\xfe\x80" + b"\0" * 13 + b"\x02" + seg


def ip6_frag(data):
    seg = tcp_hdr(data)
    fh = struct.pack(">BBHI", 6, 0, 0, 1234)  # offset 0, last fragment
    return struct.pack(">IHBB", 0x60000000, len(fh) + len(seg), 44, 64) + b"\x20\x01" + b"\0" * 13 \
        + b"\x01" + b"\x20\x01" + b"\0" * 13 + b"\x02" + fh + seg


def dot11_data(l3):
    hdr = struct.pack("<BBH", 0x08, 0x01, 0) + b"\x02" * 6 + b"\x04" * 6 + b"\x06" * 6 + b"\0\0"
    return hdr + b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + l3


def beacon():
    hdr = struct.pack("<BBH", 0x80, 0, 0) + b"\xff" * 6 + b"\x02" * 6 + b"\x02" * 6 + b"\0\0"
    fixed = b"\0" * 8 + b"\x64\x00\x01\x04"
    return hdr + fixed + b"\x00\x04test" + b"\x01\x04\x82\x84\x8b\x96" + b"\x03\x01\x06" + b"\xdd\x05\x00\x50\xf2\x01\x01"


def radiotap():
    # present: flags (bit 1), channel (bit 3)
    return struct.pack("<BBHI", 0, 0, 14, 0x0A) + b"\x00\x00" + struct.pack("<HH", 2437, 0x00A0)


def prism():
    return struct.pack("<II16s", 0x41, 144, b"wlan0") + b"\0" * 120


def avs():
    return struct.pack(">II", 0x80211001, 64) + b"\0" * 56


def pcap_seeds():
    n = 0
    for path in sorted(glob.glob(os.path.join(CAPS, "*.*cap*"))):
        base = os.path.basename(path)
        data = open(path, "rb").read()
        if len(data) <= 6000:
            write("fuzz_pcap", base, data)
        elif data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
            # The header and whole records up to ~4 KB.
            end = "<" if data[0] in (0xD4, 0x4D) else ">"
            off = 24
            while off + 16 <= len(data) and off < 4096:
                caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
                if off + 16 + caplen > len(data) or caplen > 65536:
                    break
                off += 16 + caplen
            write("fuzz_pcap", base + "-head", data[:off])
        else:
            write("fuzz_pcap", base + "-head", data[:4096])  # a cut pcapng
        n += 1
    return n


def http_seed(name, flows, cfg=0, plan=b""):
    blob = bytes([cfg, len(plan)]) + plan + b"@@FLOW@@".join(flows)
    write("fuzz_http", name, blob)


def http_seeds():
    body = b"<html>" + b"hello world " * 40 + b"</html>"
    gz = gzip.compress(body)
    deflate_raw = zlib.compress(body)[2:-4]
    req = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n"
    r_len = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    r_gz = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(gz) + gz
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(gz[i:i + 50]), gz[i:i + 50]) for i in range(0, len(gz), 50))
    r_chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
                 b"Content-Type: application/json\r\n\r\n" + chunks + b"0\r\nX-Trailer: 1\r\n\r\n")
    r_deflate = b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n" % len(deflate_raw) + deflate_raw
    r_close = b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n" + b"\0" * 40
    http_seed("get-len", [req, r_len])
    http_seed("get-gzip", [req, r_gz], cfg=1)
    http_seed("get-chunked-gzip", [req, r_chunked], plan=b"\x07\x13\x01")
    http_seed("keepalive-pipelined", [req + req.replace(b"index", b"b") + b"HEAD /c HTTP/1.1\r\n\r\n",
                                      r_len + r_gz + b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"], cfg=16)
    http_seed("deflate-raw", [req, r_deflate], cfg=4)
    http_seed("http10-close", [b"GET /a.png HTTP/1.0\r\n\r\n", r_close])
    http_seed("post-100-continue", [b"POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
                                    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"])
    http_seed("upgrade-101", [b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                              b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello"])
    http_seed("gap-resync", [b"garbage before\r\n" + req, b"junk" + r_len], cfg=8, plan=b"\x20\x00\x10\x40")
    http_seed("not-modified", [req, b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n" + r_len])
    http_seed("bomb-capped", [req, b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(b"\0" * 200000)], cfg=2)
    http_seed("multi-session", [req, r_len, req, r_gz, req], cfg=16)


def gzip_seeds():
    data = b"The quick brown fox jumps over the lazy dog. " * 30
    member = gzip.compress(data)
    named = bytearray(member)
    named[3] |= 0x08  # FNAME
    named = bytes(named[:10]) + b"file.txt\0" + bytes(named[10:])
    extra = bytearray(member)
    extra[3] |= 0x04 | 0x10 | 0x02  # FEXTRA, FCOMMENT, FHCRC
    hcrc_hdr = bytes(extra[:10]) + b"\x04\x00AB\x00\x00" + b"note\0"
    extra = hcrc_hdr + struct.pack("<H", zlib.crc32(hcrc_hdr) & 0xFFFF) + bytes(member[10:])
    seeds = {
        "single": (0, 0, member),
        "multi-member": (0, 17, member + gzip.compress(b"second") + gzip.compress(b"")),
        "fname": (0, 1, named),
        "fextra-comment-hcrc": (0, 5, extra),
        "zlib": (1, 0, zlib.compress(data)),
        "raw-deflate": (1, 3, zlib.compress(data)[2:-4]),
        "truncated": (0, 0, member[:len(member) // 2]),
        "bomb-size-cap": (2, 0, gzip.compress(b"\0" * 100000)),
        "bomb-ratio-cap": (4, 64, gzip.compress(b"A" * 3000000)),
        "trailing-garbage": (0, 0, member + b"not gzip"),
        "gap": (8, 0, member),
    }
    for name, (cfg, feed, z) in seeds.items():
        write("fuzz_gzip", name, bytes([cfg, feed]) + z)


def desc(major=0, minor=0, size=0, flags=3, name=b"scan", version=b"1.0", descr=b"d", settings=()):
    def s(x):
        return b"\xff" if x is None else bytes([len(x)]) + x
    out = bytes([major, minor]) + struct.pack(">H", size) + bytes([flags]) + s(name) + s(version) + s(descr)
    out += struct.pack(">H", len(settings)) + b"".join(s(x) for x in settings)
    return out


def descriptor_seeds():
    seeds = {
        "good": [desc(settings=[b"scan_a", b"scan_b"])],
        "two-good": [desc(name=b"one", settings=[b"x1"]), desc(name=b"two", settings=[b"x2"])],
        "conflict": [desc(name=b"one", settings=[b"same"]), desc(name=b"two", settings=[b"same"])],
        "host-setting": [desc(settings=[b"tcp_timeout"])],
        "bad-major": [desc(major=3)],
        "newer-minor": [desc(minor=2)],
        "small-size": [desc(size=0x8010)],
        "larger-size": [desc(size=0xc040)],
        "null-name": [desc(name=None, version=None, descr=None)],
        "bad-name": [desc(name=b"Bad-Name!")],
        "long-name": [desc(name=b"a" * 70)],
        "bad-settings": [desc(settings=[b"", b"a=b", b"z" * 200])],
        "many-settings": [desc(settings=[b"s%d" % i for i in range(260)])],
        "renamed": [desc(name=b"beta"), desc(name=b"beta")],
        "three": [desc(name=b"a"), desc(name=b"b", flags=8), desc(name=b"c", flags=0)],
        "none": [],
    }
    for name, ds in seeds.items():
        write("fuzz_descriptor", name, bytes([len(ds)]) + b"".join(ds))


def options_seeds():
    """fuzz_options.c: 6 header bytes (options, console options, template
    choice, -b, link type index, template length), the template, then
    frames as 2-byte length + bytes.  One real conversation under each
    family of options."""
    frames = [f for d, f in read_frames(os.path.join(CAPS, "tf_test-gzip.pcap")) if d == 1][:24]
    body = b"".join(struct.pack(">H", len(f)) + f for f in frames)
    seeds = {
        "defaults": (0x00, 0x00, 0, 0, b""),
        "strip-findx": (0x01 | 0x04, 0x00, 0, 0, b""),
        "kpcap-maxbytes": (0x02 | 0x08, 0x00, 1, 4, b""),
        "nostore-counter": (0x10 | 0x20, 0x00, 2, 0, b""),
        "console-c-hex": (0x40, 0x01, 0, 0, b""),
        "console-C-binary-nonl": (0x80, 0x02 | 0x04, 0, 0, b""),
        "console-json-strip": (0xc0 | 0x01, 0x08, 0, 0, b""),
        "bins-kmg": (0x00, 0x00, 0x08 | 0x10 | 0x20, 0, b""),
        "bins-tT-dirs": (0x04, 0x00, 3 | 0x40 | 0x80, 0, b""),
        "template-from-input": (0x01, 0x00, 7, 0, b"%A-%B-%#%C%c"),
        "template-escape": (0x00, 0x00, 7, 0, b"../%A"),
    }
    for name, (opts, con, tmpl, maxb, t) in seeds.items():
        write("fuzz_options", name, bytes([opts, con, tmpl, maxb, 0, len(t)]) + t + body)


if __name__ == "__main__":
    options_seeds()
    packet_and_dot11_seeds()
    pcap_seeds()
    http_seeds()
    gzip_seeds()
    descriptor_seeds()
    for h in sorted(os.listdir(SEEDS)):
        files = os.listdir(os.path.join(SEEDS, h))
        size = sum(os.path.getsize(os.path.join(SEEDS, h, f)) for f in files)
        print("%-16s %3d files %7d bytes" % (h, len(files), size))
