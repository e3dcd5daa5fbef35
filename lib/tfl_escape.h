/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The one escaping of text that reaches a report (report.xml and
 * report.jsonl), and the check of names that scanners give the report.
 *
 * Text from packets, templates and scanners is bytes, not XML: it may hold
 * control characters XML 1.0 forbids and byte sequences that are not UTF-8.
 * The report must stay well-formed and valid UTF-8 whatever it holds, and a
 * reader must be able to get the original bytes back, so the escaping is a
 * reversible, private one (U+FFFD would lose the bytes):
 *
 *   - a backslash is written as two backslashes: "\\";
 *   - every byte that is not part of a well-formed UTF-8 sequence of an XML
 *     1.0 character is written as "\x" and two lowercase hex digits.  That
 *     is: invalid UTF-8 (stray continuation bytes, overlong forms, UTF-16
 *     surrogates, past U+10FFFF, truncated sequences), the C0 controls other
 *     than tab, line feed and carriage return, and U+FFFE/U+FFFF (each byte
 *     of their UTF-8 form);
 *   - everything else is copied unchanged.
 *
 * Decoding: "\\" -> "\", "\xHH" -> the byte HH.  The report writers then
 * apply XML's (or JSON's) own quoting on top.  This module has no host
 * dependencies, so plugins, tests and fuzzers can use it as well.
 */
#ifndef TFL_ESCAPE_H
#define TFL_ESCAPE_H

#include <stddef.h>

/* Escaped copy of the len bytes at in (NUL-terminated, malloc'd; the caller
 * frees it), or NULL when memory ran out.  The result is valid UTF-8 made of
 * XML 1.0 characters only.  At most 4 * len + 1 bytes. */
char *Tfl_escape_text(const char *in, size_t len);

/* 1 when the len bytes at in need no escaping (Tfl_escape_text would return
 * a copy), 0 otherwise. */
int Tfl_escape_is_clean(const char *in, size_t len);

/* The original bytes of an escaped string: writes at most len bytes to out
 * (which may be in itself) and returns how many, or -1 when in is not a
 * string Tfl_escape_text could have made (a lone backslash, a bad "\x"). */
long Tfl_escape_decode(const char *in, size_t len, char *out);

/* 1 when the len bytes at s are an XML 1.0 NCName (a Name without ':',
 * fifth edition, UTF-8), 0 otherwise. */
int Tfl_escape_ncname_ok(const char *s, size_t len);

#endif
