/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * tcpflow --check-scanner FILE.so: a conformance run for scanner authors.
 * The module is loaded alone (from a private copy, no other scanner
 * directory) and run by this same program over each capture installed in
 * the conformance directory, twice; the runs must end with status 0, a
 * report that libxml2 parses, no <scanner_failure>, no file but flow files,
 * their derived files and run outputs, and the same files both times.
 */
#ifndef TF_CONFORMANCE_H
#define TF_CONFORMANCE_H

#include <stdio.h>

#include "error.h"

/* Prints "ok - ..."/"FAIL - ..." lines to out.  TF_OK when everything
 * passed, TF_ERR_SCANNER when the module failed a check, TF_ERR_USAGE when
 * the check could not be run (no such file, no captures). */
tf_err Tf_conformance_run(const char *module_file, FILE *out);

#endif
