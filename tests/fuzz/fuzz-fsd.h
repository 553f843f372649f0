/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-fsd.h: what the virtshare-fsd fuzz targets share */
#ifndef FUZZ_FSD_H
#define FUZZ_FSD_H

/*
 * Bracket one input: fuzz_fd_check_end() aborts (a finding for libFuzzer
 * and the replay test) when the input left a file descriptor open.
 */
void fuzz_fd_check_begin(void);
void fuzz_fd_check_end(void);

#endif
