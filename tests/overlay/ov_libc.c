/* SPDX-License-Identifier: MIT */
/*
 * musl's own opens go through the namespace: the passwd and group files,
 * /etc/services (musl's __fopen_rb_ca), time zone files and locale files
 * (musl's __map_file).  Run twice: with --ro /etc --ro
 * /usr/share/zoneinfo --env OVT_ETC=1, where they are read, and without,
 * where they are ENOENT.  prepare puts a time zone file and a message
 * catalogue in T/ro and T/secret (not granted).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <locale.h>
#include <netdb.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ovtest.h"

#define ZONE "/usr/share/zoneinfo/Asia/Tokyo"
#define MSG "No such file or directory"
#define TRANS "Pas de fichier (ocap)"

static void put(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd))
		exit(1);
}

/* A GNU message catalogue with one translation, MSG -> TRANS. */
static void catalogue(const char *path)
{
	unsigned char mo[128] = { 0 };
	uint32_t h[11] = {
		0x950412de, 0, 1, 28, 36, 0, 0,    /* magic, rev, n, o, t */
		sizeof MSG - 1, 44,                /* original */
		sizeof TRANS - 1, 44 + sizeof MSG, /* translation */
	};

	memcpy(mo, h, sizeof h);
	memcpy(mo + 44, MSG, sizeof MSG);
	memcpy(mo + 44 + sizeof MSG, TRANS, sizeof TRANS);
	put(path, mo, 44 + sizeof MSG + sizeof TRANS);
}

static void prepare(void)
{
	static char zone[65536];
	int fd = open(ZONE, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, zone, sizeof zone);

	if (n > 0) {
		put(P("ro/tz"), zone, (size_t)n);
		put(P("secret/tz"), zone, (size_t)n);
	}
	if (mkdir(P("ro/loc"), 0755) || mkdir(P("secret/loc"), 0755))
		exit(1);
	catalogue(P("ro/loc/xx_XX"));
	catalogue(P("secret/loc/yy_YY"));
}

static long gmtoff(const char *tz)
{
	time_t t = 1700000000;
	struct tm tm;

	setenv("TZ", tz, 1);
	tzset();
	return localtime_r(&t, &tm) ? tm.tm_gmtoff : -1;
}

int main(int argc, char **argv)
{
	struct passwd *pw;
	struct group *gr;
	struct servent *se;
	int etc;

	ovt_start(argc, argv, prepare);
	etc = !ovt_inside || getenv("OVT_ETC");

	if (etc) {
		CHECKP(0, pw = getpwnam("root"));
		CHECKS(pw ? pw->pw_dir : NULL, "/root");
		CHECKP(0, pw = getpwuid(0));
		CHECKS(pw ? pw->pw_name : NULL, "root");
		CHECKP(0, gr = getgrnam("root"));
		CHECKN(gr ? gr->gr_gid : 99, 0);
		CHECKP(0, gr = getgrgid(0));
		CHECKN(getpwnam("no-such-user-ocap") == NULL, 1);
		CHECKP(0, se = getservbyname("http", "tcp"));
		CHECKN(se ? ntohs((uint16_t)se->s_port) : 0, 80);
		CHECKN(gmtoff("Asia/Tokyo"), 32400);
	} else {
		CHECKP(ENOENT, getpwnam("root"));
		CHECKP(ENOENT, getpwuid(0));
		CHECKP(ENOENT, getgrnam("root"));
		CHECKP(ENOENT, getgrgid(0));
		CHECKN(getservbyname("http", "tcp") == NULL, 1);
		/* No zone file: UTC. */
		CHECKN(gmtoff("Asia/Tokyo"), 0);
	}
	if (access(ZONE, F_OK) == 0 || ovt_inside) {
		CHECKN(gmtoff(P("ro/tz")), 32400);
		INSIDE CHECKN(gmtoff(P("secret/tz")), 0);
	}

	/* Message catalogues, as MUSL_LOCPATH names them. */
	setenv("MUSL_LOCPATH", P("ro/loc"), 1);
	CHECKP(0, setlocale(LC_MESSAGES, "xx_XX"));
	CHECKS(strerror(ENOENT), TRANS);
	setenv("MUSL_LOCPATH", P("secret/loc"), 1);
	CHECKP(0, setlocale(LC_MESSAGES, "yy_YY"));
	INSIDE CHECKS(strerror(ENOENT), MSG);
	return ovt_end();
}
