/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* The chroot and giving up root (privs.h). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privs.h"

tf_err Tf_privs_enter_dir(const struct tf_options *opt)
{
  if (opt->chroot_dir && chdir(opt->chroot_dir) != 0) {
    Tf_log_error("-z %s: %s", opt->chroot_dir, strerror(errno));
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

tf_err Tf_privs_drop(const struct tf_options *opt, const char *const *paths, int n)
{
  struct passwd *pw;
  if (!opt->run_as_user)
    return TF_OK;
  pw = getpwnam(opt->run_as_user);
  if (!pw) {
    Tf_log_error("-U: no such user '%s'", opt->run_as_user);
    return TF_ERR_USAGE;
  }
  for (int i = 0; i < n; i++)
    if (paths[i] && chown(paths[i], pw->pw_uid, pw->pw_gid) != 0)
      Tf_log_warn("cannot give %s to %s: %s", paths[i], pw->pw_name, strerror(errno));
  if (opt->chroot_dir) {
    if (chroot(".") != 0 || chdir("/") != 0) { /* we are in it already */
      Tf_log_error("cannot chroot to %s: %s", opt->chroot_dir, strerror(errno));
      return TF_ERR_USAGE;
    }
  }
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
      setuid(pw->pw_uid) != 0) {
    Tf_log_error("cannot become user %s: %s", pw->pw_name, strerror(errno));
    return TF_ERR_USAGE;
  }
  if (setuid(0) == 0) {
    Tf_log_error("privileges could not be dropped");
    return TF_ERR_USAGE;
  }
  Tf_log_debug(2, "now running as %s", pw->pw_name);
  return TF_OK;
}
