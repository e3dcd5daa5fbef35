/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Bounds-checked big/little-endian readers: the only way decoders touch
 * packet bytes.  Every reader takes the buffer length and an offset and
 * returns 0 (leaving *v untouched) when the read would leave the buffer.
 */
#ifndef TFL_BYTES_H
#define TFL_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline int Tfl_has(size_t len, size_t off, size_t n)
{
  return off <= len && n <= len - off;
}

static inline int Tfl_get_u8(const uint8_t *p, size_t len, size_t off, uint8_t *v)
{
  if (!Tfl_has(len, off, 1))
    return 0;
  *v = p[off];
  return 1;
}

static inline int Tfl_get_be16(const uint8_t *p, size_t len, size_t off, uint16_t *v)
{
  if (!Tfl_has(len, off, 2))
    return 0;
  *v = (uint16_t)((p[off] << 8) | p[off + 1]);
  return 1;
}

static inline int Tfl_get_le16(const uint8_t *p, size_t len, size_t off, uint16_t *v)
{
  if (!Tfl_has(len, off, 2))
    return 0;
  *v = (uint16_t)((p[off + 1] << 8) | p[off]);
  return 1;
}

static inline int Tfl_get_be32(const uint8_t *p, size_t len, size_t off, uint32_t *v)
{
  if (!Tfl_has(len, off, 4))
    return 0;
  *v = ((uint32_t)p[off] << 24) | ((uint32_t)p[off + 1] << 16) |
       ((uint32_t)p[off + 2] << 8) | (uint32_t)p[off + 3];
  return 1;
}

static inline int Tfl_get_le32(const uint8_t *p, size_t len, size_t off, uint32_t *v)
{
  if (!Tfl_has(len, off, 4))
    return 0;
  *v = ((uint32_t)p[off + 3] << 24) | ((uint32_t)p[off + 2] << 16) |
       ((uint32_t)p[off + 1] << 8) | (uint32_t)p[off];
  return 1;
}

#endif
