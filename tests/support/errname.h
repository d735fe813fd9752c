/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_ERRNAME_H
#define OCAP_TEST_ERRNAME_H

/*
 * The one errno-name table of the tests.  Plain C without cmocka, so that
 * the programs built with musl-gcc or ocap-cc (the overlay's, the fault
 * and escape probes) compile it in as well.
 */

/* "EACCES" for EACCES, "0" for 0, "errno N" for a number Linux does not
 * define. */
const char *errname(int e);

#endif
