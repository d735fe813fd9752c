/* SPDX-License-Identifier: MIT */
#ifndef OCAP_PRIVATE_HIDDEN_H
#define OCAP_PRIVATE_HIDDEN_H

/*
 * Internal functions of every ocap library: kept out of a shared object's
 * exports, and named ocap__ so that a static archive, where visibility
 * does not hide them, shows nothing but the ocap_ prefix.
 */
#define hidden __attribute__((visibility("hidden")))

#endif
