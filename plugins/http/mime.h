/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Content-Type to file extension, as tcpflow 1.6.1 names HTTP bodies. */
#ifndef TF_HTTP_MIME_H
#define TF_HTTP_MIME_H

#include <stddef.h>

struct http_mime {
  const char *type; /* lowercase, sorted bytewise */
  const char *ext;  /* without the dot */
};

extern const struct http_mime Http_mime_table[];
extern const unsigned Http_mime_count;

/* Extension for a Content-Type header value (cut at ';', trimmed,
 * lowercased), or NULL when the type is missing or unknown. */
const char *Http_mime_ext(const char *content_type);

#endif
