# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Test script: return values other than a plain short str."""


def returns_int(data):
    return len(data)


def returns_none(data):
    return None


def returns_long(data):
    # Every XML special character, and far more text than a flow header.
    return "<&'\">" * 20000 + "end"


def returns_nul(data):
    return "before\0after"


def leaves(data):
    raise SystemExit(3)


not_callable = 42
