#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Check the hashdigest elements of a DFXML report against the files.

usage: digests.py REPORT [--expect-none] [--reference DIR]
Every <fileobject> with a <filename> must carry an MD5 (and any SHA1/SHA256)
hashdigest equal to the digest of that file; with --reference DIR the files
are looked up by base name in DIR instead (for -FX runs, which write none).
Prints one line per problem and exits 1 if there was any.
"""
import hashlib
import os
import sys
import xml.etree.ElementTree as ET

NS = ""  # fileobjects are in no namespace (xmlns is declared on <metadata> only)


def main():
    report = sys.argv[1]
    expect_none = "--expect-none" in sys.argv
    ref = sys.argv[sys.argv.index("--reference") + 1] if "--reference" in sys.argv else None
    root = ET.parse(report).getroot()
    problems = checked = 0
    for fo in root.iter(NS + "fileobject"):
        name = fo.find(NS + "filename")
        digests = {d.get("type"): d.text for d in fo.findall(NS + "hashdigest")}
        if expect_none:
            if digests:
                print("unexpected hashdigest for", name.text if name is not None else "?")
                problems += 1
            continue
        size = int(fo.find(NS + "filesize").text)
        if name is None and ref is None:
            continue
        if ref is not None:
            if size == 0:
                continue
            # -FX: the flow is identified by its tcpflow attributes; the
            # reference run names it by the same rule.
            t = fo.find(NS + "tcpflow")
            path = find_by_attrs(ref, t)
        else:
            path = name.text
        if path is None or not os.path.exists(path):
            print("no file for a fileobject:", path)
            problems += 1
            continue
        data = open(path, "rb").read()
        want = {"MD5": hashlib.md5(data).hexdigest(),
                "SHA1": hashlib.sha1(data).hexdigest(),
                "SHA256": hashlib.sha256(data).hexdigest()}
        if "MD5" not in digests:
            print("no MD5 for", path)
            problems += 1
        for kind, value in digests.items():
            if want.get(kind) != value:
                print(f"{kind} mismatch for {path}: {value} != {want.get(kind)}")
                problems += 1
        checked += 1
    print(f"{checked} flows checked, {problems} problems")
    if not expect_none and checked == 0 and root.find(".//filename") is not None:
        print("no flow was checked: the report has files but the check found none")
        return 1
    return 1 if problems else 0


def find_by_attrs(ref, t):
    def addr(a, port, fam):
        import ipaddress
        ip = ipaddress.ip_address(a)
        text = ".".join(f"{int(o):03d}" for o in a.split(".")) if fam == "2" else str(ip)
        return f"{text}.{int(port):05d}"
    base = addr(t.get("src_ipn"), t.get("srcport"), t.get("family")) + "-" + \
        addr(t.get("dst_ipn"), t.get("dstport"), t.get("family"))
    candidate = os.path.join(ref, base)
    return candidate if os.path.exists(candidate) else None


if __name__ == "__main__":
    sys.exit(main())
