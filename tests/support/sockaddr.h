/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_SOCKADDR_H
#define OCAP_TEST_SOCKADDR_H

/*
 * The one socket-address builder of the tests.  Plain C without cmocka,
 * like errname.h, for the programs built with musl-gcc or ocap-cc too.
 */

#include <stdint.h>
#include <sys/socket.h>

/* ip, an IPv4 or IPv6 literal, with port into *ss (zeroed first): its
 * length, or 0 when ip is not an address literal. */
socklen_t sa_ip(struct sockaddr_storage *ss, const char *ip, uint16_t port);

/* A Unix socket address for path into *sun (zeroed first): its length,
 * or 0 when path does not fit. */
struct sockaddr_un;
socklen_t sa_unix(struct sockaddr_un *sun, const char *path);

/* The port socket fd is bound to, in host order; 0 when it has none. */
uint16_t sa_port_of(int fd);

#endif
