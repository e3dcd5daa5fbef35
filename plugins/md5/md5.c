/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * md5 scanner: the MD5 of every flow (and optionally SHA-1/SHA-256) as
 * <hashdigest type='MD5'> in the flow's <fileobject>.  Digests are computed
 * from the bytes the host streams while it reads the capture, completed at
 * close (after a hole, or from the start when streamed bytes changed):
 * exactly the flow file's content (gaps are zeros there), so they equal
 * md5sum of the file, without the file being read again.
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include <tcpflow/scanner.h>

#define MD5_MAX_DIGESTS 4

struct md5_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  int ndigests;
  const EVP_MD *md[MD5_MAX_DIGESTS];
  const char *label[MD5_MAX_DIGESTS]; /* the type attribute */
};

/* One flow's digests in progress, kept in the flow's scanner slot: the
 * host streams bytes as they arrive, interleaved across flows. */
struct md5_flow {
  EVP_MD_CTX *mdctx[MD5_MAX_DIGESTS];
};

static const struct tfs_setting md5_settings[] = {
    {"md5_extra_digests", "", "further digests as extra hashdigest elements: sha1,sha256"},
    {NULL, NULL, NULL}};

static int md5_add_digest(struct md5_state *st, const char *name, const char *label)
{
  const EVP_MD *md = EVP_get_digestbyname(name);
  if (!md || st->ndigests == MD5_MAX_DIGESTS) {
    st->host->log(st->ctx, TFS_LOG_ERROR, "unknown or too many digests: '%s' (known: sha1, sha256)",
                  name);
    return TFS_ERROR;
  }
  st->md[st->ndigests] = md;
  st->label[st->ndigests] = label;
  st->ndigests++;
  return TFS_OK;
}

static void md5_fini(void *state)
{
  free(state);
}

static int md5_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct md5_state *st = calloc(1, sizeof(*st));
  const char *extra;
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  *state = st;
  if (md5_add_digest(st, "MD5", "MD5") != TFS_OK)
    return TFS_ERROR;
  extra = host->setting(ctx, "md5_extra_digests");
  while (extra && *extra) {
    size_t n = strcspn(extra, ",");
    if (n == 4 && strncasecmp(extra, "sha1", 4) == 0) {
      if (md5_add_digest(st, "SHA1", "SHA1") != TFS_OK)
        return TFS_ERROR;
    } else if (n == 6 && strncasecmp(extra, "sha256", 6) == 0) {
      if (md5_add_digest(st, "SHA256", "SHA256") != TFS_OK)
        return TFS_ERROR;
    } else if (n > 0) {
      host->log(ctx, TFS_LOG_ERROR, "md5_extra_digests: unknown digest '%.*s' (known: sha1, sha256)",
                (int)n, extra);
      return TFS_ERROR;
    }
    extra += n;
    if (*extra == ',')
      extra++;
  }
  return TFS_OK;
}

static void md5_flow_free(struct md5_state *st, struct md5_flow *mf)
{
  for (int i = 0; mf && i < st->ndigests; i++)
    EVP_MD_CTX_free(mf->mdctx[i]);
  free(mf);
}

/* A fresh digest for the flow (also when the host replays from offset 0). */
static struct md5_flow *md5_begin(struct md5_state *st, const struct tfs_flow_info *flow)
{
  struct md5_flow *mf = *flow->scanner_state;
  if (!mf) {
    mf = calloc(1, sizeof(*mf));
    if (!mf)
      return NULL;
    *flow->scanner_state = mf;
  }
  for (int i = 0; i < st->ndigests; i++) {
    if (!mf->mdctx[i] && !(mf->mdctx[i] = EVP_MD_CTX_new()))
      return NULL;
    if (EVP_DigestInit_ex(mf->mdctx[i], st->md[i], NULL) != 1)
      return NULL;
  }
  return mf;
}

static int md5_update(struct md5_state *st, struct md5_flow *mf, const void *data, size_t len)
{
  for (int i = 0; i < st->ndigests; i++)
    if (EVP_DigestUpdate(mf->mdctx[i], data, len) != 1)
      return TFS_ERROR;
  return TFS_OK;
}

static int md5_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                         const uint8_t *data, size_t len)
{
  static const uint8_t zeros[4096];
  struct md5_state *st = state;
  struct md5_flow *mf = *flow->scanner_state;
  if ((!mf || offset == 0) && !(mf = md5_begin(st, flow)))
    return TFS_ERROR;
  if (data)
    return md5_update(st, mf, data, len);
  /* A gap: the flow file holds zeros there. */
  while (len > 0) {
    size_t n = len < sizeof(zeros) ? len : sizeof(zeros);
    if (md5_update(st, mf, zeros, n) != TFS_OK)
      return TFS_ERROR;
    len -= n;
  }
  return TFS_OK;
}

static int md5_flow_close(void *state, const struct tfs_flow_info *flow)
{
  struct md5_state *st = state;
  struct md5_flow *mf = *flow->scanner_state;
  unsigned char digest[EVP_MAX_MD_SIZE];
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  unsigned int n;
  int rc = TFS_OK;
  /* A flow without a file and without bytes has nothing to digest; an
   * empty file gets the digest of nothing. */
  if (!mf && (!flow->path || !(mf = md5_begin(st, flow))))
    return flow->path ? TFS_ERROR : TFS_OK;
  for (int i = 0; i < st->ndigests && rc == TFS_OK; i++) {
    if (EVP_DigestFinal_ex(mf->mdctx[i], digest, &n) != 1) {
      rc = TFS_ERROR;
      break;
    }
    for (unsigned j = 0; j < n; j++) {
      static const char x[] = "0123456789abcdef";
      hex[2 * j] = x[digest[j] >> 4];
      hex[2 * j + 1] = x[digest[j] & 15];
    }
    hex[2 * n] = '\0';
    if (st->host->xml_start(st->ctx, "hashdigest") != TFS_OK ||
        st->host->xml_attr(st->ctx, "type", st->label[i]) != TFS_OK ||
        st->host->xml_text(st->ctx, hex) != TFS_OK || st->host->xml_end(st->ctx) != TFS_OK)
      rc = TFS_ERROR;
  }
  md5_flow_free(st, mf);
  *flow->scanner_state = NULL;
  return rc;
}

static const struct tfs_scanner md5_scanner = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "md5",
    .version = "1.0",
    .description = "MD5 (and optionally SHA-1/SHA-256) of every flow, in the report",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS,
    .settings = md5_settings,
    .init = md5_init,
    .flow_data = md5_flow_data,
    .flow_close = md5_flow_close,
    .fini = md5_fini,
};

TFS_SCANNER_ENTRY(md5_scanner)
