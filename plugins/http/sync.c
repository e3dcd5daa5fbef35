/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Recognising the first line of an HTTP/1.x message, to find where parsing
 * can start in a flow that does not begin at a message boundary. */
#include <ctype.h>
#include <string.h>

#include <http_parser.h>

#include "http.h"

/* "HTTP/1.x" at p. */
static int sync_version(const char *p, size_t len)
{
  return len >= 8 && !memcmp(p, "HTTP/1.", 7) && isdigit((unsigned char)p[7]);
}

static int sync_method(const char *p, size_t len)
{
  int m;
  /* The parser's own method table, so both agree on what a request is. */
  for (m = 0;; m++) {
    const char *name = http_method_str((enum http_method)m);
    if (!strcmp(name, "<unknown>"))
      return 0;
    if (strlen(name) == len && !memcmp(name, p, len))
      return 1;
  }
}

/* "HTTP/1.1 200" at line, of length len (at least 12). */
static int sync_status(const char *line, size_t len)
{
  return sync_version(line, len) && len >= 12 && line[8] == ' ' &&
         isdigit((unsigned char)line[9]) && isdigit((unsigned char)line[10]) &&
         isdigit((unsigned char)line[11]);
}

int Http_sync_status_prefix(const char *line, size_t len)
{
  return len > 12 && sync_status(line, len) && line[12] == ' ' && !memchr(line, '\n', len);
}

int Http_sync_kind(const char *line, size_t len)
{
  const char *sp1, *sp2;
  if (len && line[len - 1] == '\n')
    len--;
  if (len && line[len - 1] == '\r')
    len--;
  /* HTTP/1.1 200 [reason] */
  if (sync_version(line, len))
    return sync_status(line, len) && (len == 12 || line[12] == ' ') ? HTTP_KIND_RESPONSE
                                                                    : HTTP_KIND_NONE;
  /* METHOD SP target SP HTTP/1.x */
  sp1 = memchr(line, ' ', len);
  if (!sp1 || len < 8)
    return HTTP_KIND_NONE;
  sp2 = line + len - 9;
  if (sp2 <= sp1 + 1 || *sp2 != ' ' || !sync_version(sp2 + 1, 8) ||
      memchr(sp1 + 1, ' ', (size_t)(sp2 - sp1 - 1)))
    return HTTP_KIND_NONE;
  return sync_method(line, (size_t)(sp1 - line)) ? HTTP_KIND_REQUEST : HTTP_KIND_NONE;
}
