/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Flow file names: the -T template language of tcpflow 1.6.1 and the -F
 * prefixes that rewrite it.  Names are always relative to the output
 * directory and can never leave it.
 */
#ifndef TF_NAMING_H
#define TF_NAMING_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* Checks every specifier and that no component is "..", "." or absolute.
 * On failure writes a message into err and returns -1. */
int Tf_naming_check(const char *tmpl, char *err, size_t errlen);

/* Expand tmpl for flow f with connection counter `counter`.  With
 * counter_always, %C%c print the counter even when it is 0 (-Fc).
 * Returns the length, or -1 when the name does not fit or is unsafe. */
int Tf_naming_expand(const char *tmpl, const struct tf_flow *f, uint32_t counter,
                     int counter_always, char *buf, size_t buflen);

/* The -F letter's prefix for the template (t, T, k, m, g), or NULL. */
const char *Tf_naming_prefix_for(char letter);

/* Address as 1.6.1 prints it in names: zero-padded IPv4 or RFC 5952 IPv6. */
void Tf_naming_addr(int family, const uint8_t *addr, char *buf, size_t buflen);

#endif
