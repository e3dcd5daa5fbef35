#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Print a tcpflow report without what differs between two runs of the same
work: when and how it was started (start_time, command_line), what it cost
(rusage, open_fds_at_end, max_open_flows: per process, see tcpflow(1)
MERGING), and with --strip-prefix DIR the output directory in file names (element text
and attribute values).
Everything else -- every flow, its order, numbers, names, sizes and scanner
results, the totals -- is printed in canonical XML, one element per line,
so two reports compare with diff.  Usage: report_norm.py [--strip-prefix DIR] REPORT"""
import sys
import xml.etree.ElementTree as ET

DROP = {"start_time", "command_line", "rusage", "open_fds_at_end", "max_open_flows"}


def main():
    args = sys.argv[1:]
    prefix = None
    if args[:1] == ["--strip-prefix"]:
        prefix = args[1].rstrip("/") + "/"
        args = args[2:]
    tree = ET.parse(args[0])

    def unprefix(v):
        return v[len(prefix):] if prefix and v.startswith(prefix) else v

    def walk(e, depth):
        tag = e.tag.split("}")[-1]
        if tag in DROP:
            return
        attrs = " ".join(f"{k.split('}')[-1]}={unprefix(v)!r}" for k, v in sorted(e.attrib.items()))
        text = unprefix((e.text or "").strip())
        print(f"{'  ' * depth}<{tag} {attrs}> {text}")
        for c in e:
            walk(c, depth + 1)

    walk(tree.getroot(), 0)


if __name__ == "__main__":
    main()
