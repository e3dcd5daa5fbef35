# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Test script: a module that exists but imports one that does not."""

import no_such_dependency_for_tcpflow  # noqa: F401


def f(data):
    return "unreachable"
