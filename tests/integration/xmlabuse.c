/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner that feeds the report everything that could break it, for
 * tests/integration/report_xml.sh: bad element and attribute names, a
 * duplicate attribute, undeclared namespace prefixes, control characters,
 * invalid UTF-8 and nesting deeper than parsers accept.  After each flow it
 * writes <tcpflow:xmlabuse_rc> with one letter per call (O = TFS_OK,
 * E = TFS_ERROR), so the test can check which calls the host refused.
 * On the first flow it also writes 17 elements of 1 MiB of text each, past
 * the 16 MiB one scanner may add to one flow (<tcpflow:xmlabuse_big>).
 */
#include <stdlib.h>
#include <string.h>

#include <tcpflow/scanner.h>

struct xa_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  int flows;
};

/* The value and text the test expects back, byte for byte, after undoing
 * the report's escaping. */
#define XA_VALUE "ctl\x01\x1b[31m bad\xff\xfe bs\\ <&'\" tab\t nl\n cr\r end"
#define XA_TEXT "vt\x0b ff\x0c overlong\xc0\xaf surrogate\xed\xa0\x80 nonchar\xef\xbf\xbe ok\xc3\xa9"

static int xa_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct xa_state *st = calloc(1, sizeof(*st));
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  *state = st;
  return TFS_OK;
}

static void xa_note(char *rc, size_t *n, int r)
{
  rc[(*n)++] = r == TFS_OK ? 'O' : 'E';
}

static int xa_close(void *state, const struct tfs_flow_info *flow)
{
  struct xa_state *st = state;
  const struct tfs_host *h = st->host;
  char rc[256];
  size_t n = 0;
  (void)flow;
  xa_note(rc, &n, h->xml_start(st->ctx, "a b<c"));
  xa_note(rc, &n, h->xml_start(st->ctx, "foo:bar"));
  xa_note(rc, &n, h->xml_start(st->ctx, "\xff"));
  xa_note(rc, &n, h->xml_start(st->ctx, "tcpflow:xmlabuse"));
  xa_note(rc, &n, h->xml_attr(st->ctx, "bad name", "v"));
  xa_note(rc, &n, h->xml_attr(st->ctx, "xmlns:foo", "urn:x"));
  xa_note(rc, &n, h->xml_attr(st->ctx, "value", XA_VALUE));
  xa_note(rc, &n, h->xml_attr(st->ctx, "value", "again"));
  xa_note(rc, &n, h->xml_start(st->ctx, "text"));
  xa_note(rc, &n, h->xml_text(st->ctx, XA_TEXT));
  xa_note(rc, &n, h->xml_attr(st->ctx, "late", "after text"));
  xa_note(rc, &n, h->xml_end(st->ctx));
  xa_note(rc, &n, h->xml_attr(st->ctx, "late", "after a child"));
  /* 70 levels: the host allows 64 below the flow, this element is one. */
  for (int i = 0; i < 70; i++)
    xa_note(rc, &n, h->xml_start(st->ctx, "n"));
  for (int i = 0; i < 70; i++)
    h->xml_end(st->ctx);
  h->xml_start(st->ctx, "tcpflow:xmlabuse_rc");
  rc[n] = '\0';
  h->xml_text(st->ctx, rc);
  h->xml_end(st->ctx);
  if (st->flows++ == 0) {
    char *mib = malloc(1024 * 1024 + 1);
    if (!mib)
      return TFS_ERROR;
    memset(mib, 'x', 1024 * 1024);
    mib[1024 * 1024] = '\0';
    n = 0;
    for (int i = 0; i < 17; i++) {
      xa_note(rc, &n, h->xml_start(st->ctx, "big"));
      xa_note(rc, &n, h->xml_text(st->ctx, mib));
      h->xml_end(st->ctx);
    }
    free(mib);
    h->xml_start(st->ctx, "tcpflow:xmlabuse_big");
    rc[n] = '\0';
    h->xml_text(st->ctx, rc);
    h->xml_end(st->ctx);
  }
  return TFS_OK;
}

static void xa_fini(void *state)
{
  free(state);
}

static const struct tfs_scanner xmlabuse = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "xmlabuse",
    .version = "1",
    .description = "test scanner that feeds the report bad names and bytes",
    .init = xa_init,
    .flow_close = xa_close,
    .fini = xa_fini,
};

TFS_SCANNER_ENTRY(xmlabuse)
