/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The banned functions of STYLE.md, made into build errors (as git's
 * banned.h does).  Every C file of the project gets this header first,
 * through `-include` in WARN_CFLAGS (configure.ac): a call such as
 * strcpy(a, b) becomes the undeclared identifier
 * sorry_strcpy_is_banned_see_STYLE_md and the compiler stops there.
 *
 * Why these: each one writes or reads without a length (strcpy, strcat,
 * sprintf, vsprintf, gets), truncates without saying so or without a NUL
 * (strncpy, strncat), hides state (strtok), cannot report a bad number
 * (atoi, atol, atoll), runs a shell (system), races (tmpnam) or grows the
 * stack without bound (alloca).  STYLE.md names the replacements.
 *
 * The system headers that declare them come first, so that their own
 * declarations (and glibc's fortify wrappers) are read before the macros
 * exist; their include guards keep later #includes from reading them again.
 * config.h comes before those for the feature macros (_GNU_SOURCE).
 */
#ifndef TFL_BANNED_H
#define TFL_BANNED_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <alloca.h>
#endif

#define TFL_BANNED(func) sorry_##func##_is_banned_see_STYLE_md

#undef strcpy
#define strcpy(x, y) TFL_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TFL_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TFL_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TFL_BANNED(strncat)
#undef sprintf
#define sprintf(...) TFL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TFL_BANNED(vsprintf)
#undef gets
#define gets(x) TFL_BANNED(gets)
#undef strtok
#define strtok(x, y) TFL_BANNED(strtok)
#undef atoi
#define atoi(x) TFL_BANNED(atoi)
#undef atol
#define atol(x) TFL_BANNED(atol)
#undef atoll
#define atoll(x) TFL_BANNED(atoll)
#undef system
#define system(x) TFL_BANNED(system)
#undef tmpnam
#define tmpnam(x) TFL_BANNED(tmpnam)
#undef alloca
#define alloca(x) TFL_BANNED(alloca)

#endif
