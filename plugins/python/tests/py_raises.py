"""Test script: the function fails on every flow that starts with 'bad'."""


def check(data):
    if data.startswith(b"bad"):
        raise ValueError("flow starts with bad")
    return "ok"
