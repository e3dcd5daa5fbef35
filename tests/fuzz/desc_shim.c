/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner module whose descriptor comes from the fuzz_descriptor
 * harness: the harness copies this .so into a plugin directory under a
 * few names, and each copy asks the harness (a symbol of the executable,
 * exported with -export-dynamic) for the hostile descriptor of its file
 * name (the loader calls the entry point once to list the module and once
 * more to open it).  So the host's real loader -- dlopen, the entry
 * symbol, the descriptor checks -- runs on fuzzer-made descriptors without
 * building a module per input.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>

#include <tcpflow/scanner.h>

const struct tfs_scanner *Fuzz_descriptor_for(const char *module_path);

TFS_EXPORT const struct tfs_scanner *tcpflow_scanner_describe(void);
const struct tfs_scanner *tcpflow_scanner_describe(void)
{
  Dl_info info;
  if (!dladdr((void *)(uintptr_t)&tcpflow_scanner_describe, &info) || !info.dli_fname)
    return NULL;
  return Fuzz_descriptor_for(info.dli_fname);
}
