/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Modules that would leak into each other, for tests/integration/isolation.sh
 * (issue 11, items 1, 2 and 7).  One source, several modules, chosen with
 * -D when compiling:
 *   -DISO_NAME=x -DISO_VALUE=n   a scanner "x" with a global helper()
 *                                returning n; run_end reports what helper()
 *                                returned in <iso name= helper=/>
 *   -DISO_EVP                    also exports EVP_DigestUpdate, which
 *                                does nothing (would break md5 if it were
 *                                seen by libcrypto's users)
 *   -DISO_CTOR_CRASH             an ELF constructor that crashes
 *   -DISO_UNRESOLVED             flow_data calls a function no library has
 */
#include <stdio.h>
#include <stdlib.h>

#include <tcpflow/scanner.h>

#define ISO_STR2(x) #x
#define ISO_STR(x) ISO_STR2(x)

/* Deliberately global and default-visible: the names that must not meet. */
int helper(void);
int helper(void)
{
  return ISO_VALUE;
}

#ifdef ISO_EVP
int EVP_DigestUpdate(void *ctx, const void *d, size_t cnt);
int EVP_DigestUpdate(void *ctx, const void *d, size_t cnt)
{
  (void)ctx;
  (void)d;
  (void)cnt;
  return 1;
}
#endif

#ifdef ISO_CTOR_CRASH
__attribute__((constructor)) static void iso_boom(void)
{
  *(volatile int *)(uintptr_t)8 = 1;
}
#endif

#ifdef ISO_UNRESOLVED
void iso_function_nobody_defines(void);
#endif

struct iso_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
};

static int iso_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct iso_state *st = calloc(1, sizeof(*st));
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  *state = st;
  return TFS_OK;
}

static int iso_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                    const uint8_t *data, size_t len)
{
  (void)state;
  (void)flow;
  (void)offset;
  (void)data;
  (void)len;
#ifdef ISO_UNRESOLVED
  iso_function_nobody_defines();
#endif
  return TFS_OK;
}

static int iso_run_end(void *state)
{
  struct iso_state *st = state;
  char v[16];
  snprintf(v, sizeof(v), "%d", helper());
  st->host->xml_start(st->ctx, "iso");
  st->host->xml_attr(st->ctx, "name", ISO_STR(ISO_NAME));
  st->host->xml_attr(st->ctx, "helper", v);
  st->host->xml_end(st->ctx);
  return TFS_OK;
}

static void iso_fini(void *state)
{
  free(state);
}

static const struct tfs_scanner iso = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = ISO_STR(ISO_NAME),
    .version = "1",
    .description = "test scanner for module isolation",
    .flags = TFS_SCANNER_WANTS_DATA,
    .init = iso_init,
    .flow_data = iso_data,
    .run_end = iso_run_end,
    .fini = iso_fini,
};

TFS_SCANNER_ENTRY(iso)
