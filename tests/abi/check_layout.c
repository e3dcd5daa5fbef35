/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The scanner ABI checked at compile time: the member layouts of every
 * released minor (layout-1.0.h, layout-1.1.h, layout-1.2.h, generated once by
 * gen-asserts.py from that minor's header and stored) must hold for the
 * current sdk/tcpflow/scanner.h, and so must the constants a compiled
 * module carries (version numbers, flags, return codes, enum values).  An
 * incompatible change to the header makes this file fail to compile, and
 * with it `make check`.  When a minor is released, add its layout file.
 *
 * At run time it checks what the preprocessor cannot: the entry symbol's
 * name and that TFS_HAS_MEMBER reads struct_size the way old peers need.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <tcpflow/scanner.h>

#include "layout-1.0.h"
#include "layout-1.1.h"
#include "layout-1.2.h"

#if defined(__LP64__)
/* The sizes of ABI 1.0, frozen. */
_Static_assert(TFS_SCANNER_SIZE_1_0 == 104, "1.0 descriptor size changed");
_Static_assert(TFS_HOST_SIZE_1_0 == 88, "1.0 host table size changed");
_Static_assert(TFS_FLOW_INFO_SIZE_1_0 == 136, "1.0 flow info size changed");
_Static_assert(TFS_PACKET_SIZE_1_0 == 40, "1.0 packet size changed");
/* The sizes of ABI 1.1, frozen. */
_Static_assert(TFS_SCANNER_SIZE_1_1 == 120, "1.1 descriptor size changed");
_Static_assert(TFS_HOST_SIZE_1_1 == 112, "1.1 host table size changed");
_Static_assert(TFS_FLOW_INFO_SIZE_1_1 == 172, "1.1 flow info size changed");
_Static_assert(TFS_PACKET_SIZE_1_1 == 44, "1.1 packet size changed");
#endif
_Static_assert(TFS_ABI_MAJOR == 1, "a new major is a new baseline, not an edit");
_Static_assert(TFS_ABI_MINOR >= 2, "minors only grow");
_Static_assert(TFS_OK == 0 && TFS_ERROR == -1, "return codes");
_Static_assert(TFS_FLOW_DONE == 1 && TFS_FLOW_SKIP == 2, "1.1 verdicts");
_Static_assert(TFS_FLOW_LATER == 3, "1.2 verdict");
_Static_assert(TFS_LOG_ERROR == 0 && TFS_LOG_WARN == 1 && TFS_LOG_INFO == 2 &&
               TFS_LOG_DEBUG == 3, "log levels");
_Static_assert(TFS_SCANNER_ENABLED_BY_DEFAULT == 0x1u && TFS_SCANNER_WANTS_DATA == 0x2u &&
               TFS_SCANNER_WANTS_PACKETS == 0x4u && TFS_SCANNER_NOT_IN_ALL == 0x8u &&
               TFS_SCANNER_STREAMS == 0x10u, "1.0 flags");
_Static_assert(TFS_SCANNER_PARALLEL_SAFE == 0x20u, "1.1 flags");
_Static_assert(TFS_END_NONE == 0 && TFS_END_FIN == 1 && TFS_END_RST == 2 &&
               TFS_END_TIMEOUT == 3 && TFS_END_INPUT == 4 && TFS_END_REUSED == 5,
               "1.1 end reasons");
_Static_assert(TFS_OPENER_UNKNOWN == 0 && TFS_OPENER_THIS == 1 && TFS_OPENER_PEER == 2,
               "1.1 openers");

int main(void)
{
  struct tfs_host old = {0};
  struct tfs_scanner old_desc = {0};
  int bad = 0;
  if (strcmp(TFS_ENTRY_SYMBOL, "tcpflow_scanner_describe") != 0) {
    puts("FAIL: the entry symbol changed");
    bad = 1;
  }
  /* A 1.0 host table: the 1.1 services are absent, the 1.0 ones present. */
  old.struct_size = (uint32_t)TFS_HOST_SIZE_1_0;
  if (TFS_HAS_MEMBER(&old, struct tfs_host, error) ||
      !TFS_HAS_MEMBER(&old, struct tfs_host, xml_end)) {
    puts("FAIL: TFS_HAS_MEMBER on a 1.0 host table");
    bad = 1;
  }
  /* A 1.1 descriptor: no flow_finish, flow_state_free present. */
  old_desc.struct_size = (uint32_t)TFS_SCANNER_SIZE_1_1;
  if (TFS_HAS_MEMBER(&old_desc, struct tfs_scanner, flow_finish) ||
      !TFS_HAS_MEMBER(&old_desc, struct tfs_scanner, flow_state_free)) {
    puts("FAIL: TFS_HAS_MEMBER on a 1.1 descriptor");
    bad = 1;
  }
  if (!bad)
    puts("ok - scanner ABI layout and constants match the stored baselines");
  return bad;
}
