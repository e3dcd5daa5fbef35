# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Sample tcpflow python scanner.

    tcpflow -e python -S py_path=plugins/python/examples \
            -S py_module=sample_plugin -S py_function=sample_function -r in.pcap

tcpflow calls sample_function once per closed flow with the flow's whole
content as bytes (NUL bytes included).  The returned str is recorded in
report.xml as <tcpflow:result> inside the flow's <fileobject>; returning
None records nothing.
"""

import hashlib


def first_line(data):
    """The first line of the flow if it is printable ASCII, else ''."""
    line = data.split(b"\n", 1)[0].rstrip(b"\r")
    if line and all(32 <= c < 127 for c in line):
        return line.decode("ascii")
    return ""


def sample_function(data):
    text = "length=%d md5=%s" % (len(data), hashlib.md5(data).hexdigest())
    line = first_line(data)
    if line:
        text += " first_line=" + line
    return text
