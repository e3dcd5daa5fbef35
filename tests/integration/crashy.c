/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner that crashes on purpose, for tests/integration/scanner_crash.sh.
 *
 *   -S crashy_where=init|packet|flow_open|flow_data|flow_close|run_end|fini
 *   -S crashy_how=segv|abort|fpe|bus|stack
 *   -S crashy_after=N      crash on the Nth call of that callback (default 2)
 *   CRASHY_IN_DESCRIBE=1   (environment) crash in the entry point itself
 *
 * Before crashing in flow_data it opens a derived output and writes to it,
 * so the host has an output to close for it.  State is static, not
 * allocated: a crashed scanner's fini is never called, and a sanitized
 * host must not see a leak that is the test's own.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tcpflow/scanner.h>

static struct {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  const char *where;
  const char *how;
  long after;
  long calls;
} cr;

static volatile int zero;
static volatile int one = 1; /* gcc folds 1 / x into a comparison */

/* Until the stack is gone; the array defeats tail calls, the test of
 * one keeps the compiler from calling the recursion infinite. */
static int cr_recurse(int n)
{
  volatile char pad[512];
  pad[0] = (char)n;
  return one ? cr_recurse(n + 1) + pad[0] : 0;
}

static void cr_bus(void)
{
  char path[4096];
  int fd;
  snprintf(path, sizeof(path), "%s/crashy-bus-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  fd = mkstemp(path);
  volatile char *p;
  if (fd < 0 || ftruncate(fd, 4096) != 0)
    abort();
  p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  unlink(path);
  if (p == MAP_FAILED || ftruncate(fd, 0) != 0)
    abort();
  close(fd);
  p[0] = 1; /* past the end of the file: SIGBUS */
}

/* The faults are the point: in a --enable-sanitizers build (make check
 * builds this module with the project's flags) UBSan must not turn the
 * division by zero or the store through NULL into an abort first. */
#define CR_FAULT __attribute__((no_sanitize("undefined")))

CR_FAULT static void cr_crash(void)
{
  if (strcmp(cr.how, "abort") == 0)
    abort();
  if (strcmp(cr.how, "fpe") == 0)
    cr.calls = one / zero;
  if (strcmp(cr.how, "bus") == 0)
    cr_bus();
  if (strcmp(cr.how, "stack") == 0)
    cr.calls = cr_recurse(0);
  *(volatile int *)(uintptr_t)zero = 1; /* segv, and the fallback */
}

static void cr_maybe(const char *event)
{
  if (strcmp(cr.where, event) == 0 && ++cr.calls == cr.after)
    cr_crash();
}

static int cr_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  cr.host = host;
  cr.ctx = ctx;
  cr.where = host->setting(ctx, "crashy_where");
  cr.how = host->setting(ctx, "crashy_how");
  cr.after = strtol(host->setting(ctx, "crashy_after"), NULL, 10);
  *state = &cr;
  if (strcmp(cr.where, "init") == 0)
    cr_crash();
  return TFS_OK;
}

static void cr_packet(void *state, const struct tfs_packet *pkt)
{
  (void)state;
  (void)pkt;
  cr_maybe("packet");
}

static void cr_flow_open(void *state, const struct tfs_flow_info *flow)
{
  (void)state;
  (void)flow;
  cr_maybe("flow_open");
}

static int cr_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                        const uint8_t *data, size_t len)
{
  tfs_output *out = NULL;
  (void)state;
  (void)offset;
  if (strcmp(cr.where, "flow_data") == 0 && cr.calls + 1 == cr.after && data && flow->path &&
      cr.host->output_open(cr.ctx, flow, "-crashy", &out) == TFS_OK)
    cr.host->output_write(out, data, len);
  cr_maybe("flow_data");
  return TFS_OK;
}

static int cr_flow_close(void *state, const struct tfs_flow_info *flow)
{
  (void)state;
  (void)flow;
  /* Leaves an element open, as a crash half-way through would. */
  cr.host->xml_start(cr.ctx, "crashy");
  cr_maybe("flow_close");
  cr.host->xml_end(cr.ctx);
  return TFS_OK;
}

static int cr_run_end(void *state)
{
  (void)state;
  cr_maybe("run_end");
  return TFS_OK;
}

static void cr_fini(void *state)
{
  (void)state;
  cr_maybe("fini");
}

static const struct tfs_setting cr_settings[] = {
    {"crashy_where", "flow_data", "callback to crash in"},
    {"crashy_how", "segv", "segv, abort, fpe, bus or stack"},
    {"crashy_after", "2", "crash on this call of the callback"},
    {NULL, NULL, NULL},
};

static const struct tfs_scanner crashy = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "crashy",
    .version = "1",
    .description = "test scanner that crashes",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_WANTS_PACKETS,
    .settings = cr_settings,
    .init = cr_init,
    .flow_open = cr_flow_open,
    .flow_data = cr_flow_data,
    .flow_close = cr_flow_close,
    .packet = cr_packet,
    .run_end = cr_run_end,
    .fini = cr_fini,
};

TFS_EXPORT const struct tfs_scanner *tcpflow_scanner_describe(void);
CR_FAULT const struct tfs_scanner *tcpflow_scanner_describe(void)
{
  if (getenv("CRASHY_IN_DESCRIBE"))
    *(volatile int *)(uintptr_t)zero = 1;
  return &crashy;
}
