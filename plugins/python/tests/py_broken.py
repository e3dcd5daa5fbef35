# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Test script: a module that fails while being imported."""

raise RuntimeError("broken on purpose")
