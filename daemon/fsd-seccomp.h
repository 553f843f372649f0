/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsd-seccomp.h: the system call allow-list of virtshare-fsd (libseccomp) */
/* (not seccomp.h: that name is libseccomp's header) */
#ifndef FSD_FSD_SECCOMP_H
#define FSD_FSD_SECCOMP_H

#include "options.h"

/*
 * Load the allow-list into the calling process (every thread created
 * afterwards inherits it; call it before starting any). Any other system
 * call kills the process (OPT_SECCOMP_KILL), is logged by the kernel's
 * audit and allowed (OPT_SECCOMP_LOG); OPT_SECCOMP_NONE loads nothing.
 * Sets no_new_privs. Returns 0 or -1 (logged).
 */
int seccomp_setup(enum opt_seccomp action);

/* The number of system calls allowed (for tests); names[i] in order. */
size_t seccomp_allowed_count(void);
const char *seccomp_allowed_name(size_t i);

#endif
