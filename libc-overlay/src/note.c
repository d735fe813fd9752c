/* SPDX-License-Identifier: MIT */
#include <stdint.h>

/*
 * The ELF note that makes ocapsh run the program in native (capability)
 * mode: owner "ocap", type OCAP_ELF_NOTE_TYPE (<ocap/launch.h>), one
 * 32-bit word of description (the note's version).  The section is
 * allocated, so the linker puts it in a PT_NOTE segment; ocap-cc links
 * the overlay whole, so this object is always in.
 */
struct ocap_note {
	uint32_t namesz, descsz, type;
	char name[8];
	uint32_t desc;
};

__attribute__((section(".note.ocap"), used, aligned(4)))
static const struct ocap_note ocap_note = {
	.namesz = 5,
	.descsz = 4,
	.type = 0x6f636170u, /* OCAP_ELF_NOTE_TYPE */
	.name = "ocap",
	.desc = 1,
};
