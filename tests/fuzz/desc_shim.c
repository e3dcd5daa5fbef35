/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner module whose descriptor comes from the fuzz_descriptor
 * harness: the harness copies this .so into a plugin directory under a
 * few names, and each copy asks the harness (a symbol of the executable,
 * exported with -export-dynamic) for the next hostile descriptor.  So the
 * host's real loader -- dlopen, the entry symbol, the descriptor checks --
 * runs on fuzzer-made descriptors without building a module per input.
 */
#include <tcpflow/scanner.h>

const struct tfs_scanner *Fuzz_descriptor_next(void);

TFS_EXPORT const struct tfs_scanner *tcpflow_scanner_describe(void);
const struct tfs_scanner *tcpflow_scanner_describe(void)
{
  return Fuzz_descriptor_next();
}
