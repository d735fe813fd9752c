/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exe.h"
#include "netgrant.h"
#include "stages.h"

static const char *const mode_names[] = { "auto", "native", "compat" };

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *path_kind(const struct ocap_path_grant *g)
{
	struct stat st;

	if (stat(g->name, &st) < 0)
		return g->rights & OCAP_RIGHT_CREATE ? "new file" : "missing";
	return S_ISDIR(st.st_mode) ? "dir" : "file";
}

/* One row per capability: kind, name, rights, where it was granted. */
struct row {
	const char *kind;
	char name[OCAP_NAME_MAX + 1];
	char rights[128];
	const char *where;
};

static size_t rows_of(const ocap_plan *p, struct row *rows)
{
	size_t n = 0;

	for (size_t i = 0; i < p->npaths; i++, n++) {
		rows[n].kind = path_kind(&p->paths[i]);
		snprintf(rows[n].name, sizeof rows[n].name, "%s",
			 p->paths[i].name);
		ocap_rights_format(p->paths[i].rights, rows[n].rights,
				   sizeof rows[n].rights);
		rows[n].where = p->paths[i].where;
	}
	for (size_t i = 0; i < p->nnets; i++, n++) {
		const struct ocap_net_grant *g = &p->nets[i];
		bool listen = g->kind == OCAP_NET_LISTEN;
		rows[n].kind = listen ? "listener" : "endpoint";
		ocap__net_name(g, rows[n].name, sizeof rows[n].name);
		strcpy(rows[n].rights, listen ? "listen" : "connect");
		rows[n].where = g->where;
	}
	return n;
}

static void ports(FILE *f, const uint16_t *v, size_t n, bool json)
{
	if (!json && n == 0)
		fputs("none", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? (json ? "," : " ") : "", v[i]);
}

static void explain_text(const ocap_plan *p, FILE *f, const struct row *rows,
			 size_t nrows, const struct ocap_ll_plan *ll,
			 char **envp, int abi, const char **extra,
			 size_t nextra)
{
	fprintf(f, "program:      %s\n", p->prog);
	fprintf(f, "arguments:   ");
	for (char **a = p->argv; *a; a++)
		fprintf(f, " %s", *a);
	fprintf(f, "\nmode:         %s%s\n", mode_names[p->mode_eff],
		p->mode == OCAP_MODE_AUTO ? " (auto)" : "");
	fprintf(f, "capabilities: %zu\n", nrows);
	for (size_t i = 0; i < nrows; i++)
		fprintf(f, "  %-9s %-40s %-30s %s\n", rows[i].kind,
			rows[i].name, rows[i].rights, rows[i].where);
	fprintf(f, "landlock:     ABI %d; %zu path rules; tcp connect ports: ",
		abi, ll->npaths);
	ports(f, ll->connect_ports, ll->nconnect, false);
	fprintf(f, "; tcp bind ports: ");
	ports(f, ll->bind_ports, ll->nbind, false);
	fprintf(f, "; abstract unix sockets and signals %s\n",
		abi >= 6 ? "scoped" : "not scoped");
	int sc = p->mode_eff == OCAP_MODE_NATIVE ? OCAP_SC_NATIVE
						 : OCAP_SC_COMPAT;
	fprintf(f, "seccomp:      default-deny %s program, %d system calls "
		   "reachable", mode_names[p->mode_eff], ocap__seccomp_count(sc));
	for (size_t i = 0; i < nextra; i++)
		fprintf(f, "%s%s", i ? " " : "; also allowed: ", extra[i]);
	fprintf(f, "\nenvironment:\n");
	for (char **e = envp; *e; e++)
		fprintf(f, "  %s\n", *e);
	fprintf(f, "not enforced:%s\n", p->nwarnings ? "" : " nothing");
	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(f, "  %s\n", p->warnings[i]);
}

static void json_strv(FILE *f, char *const *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_str(f, v[i]);
	}
	fputc(']', f);
}

static void explain_json(const ocap_plan *p, FILE *f, const struct row *rows,
			 size_t nrows, const struct ocap_ll_plan *ll,
			 char **envp, int abi, const char **extra,
			 size_t nextra)
{
	size_t nargv = 0, nenv = 0;
	int sc = p->mode_eff == OCAP_MODE_NATIVE ? OCAP_SC_NATIVE
						 : OCAP_SC_COMPAT;

	while (p->argv[nargv])
		nargv++;
	while (envp[nenv])
		nenv++;
	fputs("{\"program\":", f);
	json_str(f, p->prog);
	fputs(",\"argv\":", f);
	json_strv(f, p->argv, nargv);
	fprintf(f, ",\"mode\":\"%s\",\"capabilities\":[",
		mode_names[p->mode_eff]);
	for (size_t i = 0; i < nrows; i++) {
		fprintf(f, "%s{\"kind\":\"%s\",\"name\":", i ? "," : "",
			rows[i].kind);
		json_str(f, rows[i].name);
		fprintf(f, ",\"rights\":\"%s\",\"source\":", rows[i].rights);
		json_str(f, rows[i].where);
		fputc('}', f);
	}
	fprintf(f, "],\"landlock\":{\"abi\":%d,\"path_rules\":%zu,"
		   "\"connect_ports\":[", abi, ll->npaths);
	ports(f, ll->connect_ports, ll->nconnect, true);
	fputs("],\"bind_ports\":[", f);
	ports(f, ll->bind_ports, ll->nbind, true);
	fprintf(f, "],\"scoped\":%s},\"seccomp\":{\"program\":\"%s\","
		   "\"reachable\":%d,\"also_allowed\":",
		abi >= 6 ? "true" : "false", mode_names[p->mode_eff],
		ocap__seccomp_count(sc));
	json_strv(f, (char *const *)extra, nextra);
	fputs("},\"environment\":", f);
	json_strv(f, envp, nenv);
	fputs(",\"not_enforced\":", f);
	json_strv(f, p->warnings, p->nwarnings);
	fputs("}\n", f);
}

int ocap_plan_explain(ocap_plan *p, FILE *f, int json)
{
	struct ocap_ll_plan ll;
	struct ocap_exe x;
	struct row *rows;
	char **envp;
	int r;

	if (!p || !f)
		return -EINVAL;
	if ((r = ocap__plan_prepare(p, &x)) < 0)
		return r;
	if ((r = ocap__build_env(p, &envp)) < 0)
		return r;
	if ((r = ocap__ll_plan(p, &ll)) < 0) {
		ocap__free_env(envp);
		return r;
	}
	const char **extra = NULL;
	size_t nextra = 0;
	rows = calloc(p->npaths + p->nnets + 1, sizeof *rows);
	if (rows && ocap__sc_extras(p, &extra, &nextra) == 0) {
		size_t n = rows_of(p, rows);
		if (json)
			explain_json(p, f, rows, n, &ll, envp, ocap__ll_abi(),
				     extra, nextra);
		else
			explain_text(p, f, rows, n, &ll, envp, ocap__ll_abi(),
				     extra, nextra);
	} else {
		r = -ENOMEM;
	}
	free(extra);
	free(rows);
	ocap__ll_plan_free(&ll);
	ocap__free_env(envp);
	return r;
}
