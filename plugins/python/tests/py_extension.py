# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Test script: imports C extension modules, which only load when libpython's
symbols are global in the process (the host loads the python scanner with
lt_dladvise_global)."""

import _json
import zlib


def crc(data):
    return "crc32=%08x json=%s" % (zlib.crc32(data), _json.encode_basestring_ascii("\u00e9"))
