# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Test script: the function fails on every flow that starts with 'bad'."""


def check(data):
    if data.startswith(b"bad"):
        raise ValueError("flow starts with bad")
    return "ok"
