/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile.h"
#include "json.h"
#include "netgrant.h"
#include "prepare.h"

static const char *const mode_names[] = { "auto", "native", "compat" };

static const char *path_kind(const struct ocap_path_grant *g)
{
	struct stat st;

	if (!strcmp(g->where, "tmpdir"))
		return "dir";
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

static size_t rows_of(const struct ocap_compiled *c, struct row *rows)
{
	const ocap_plan *p = c->plan;
	size_t n = 0;

	for (size_t i = 0; i < c->npaths; i++, n++) {
		rows[n].kind = path_kind(&c->paths[i]);
		snprintf(rows[n].name, sizeof rows[n].name, "%s",
			 c->paths[i].name);
		ocap_rights_format(c->paths[i].rights, rows[n].rights,
				   sizeof rows[n].rights);
		rows[n].where = c->paths[i].where;
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

static bool udp_granted(const ocap_plan *p)
{
	for (size_t i = 0; i < p->nnets; i++)
		if (p->nets[i].kind == OCAP_NET_UDP)
			return true;
	return false;
}

/* What a launch in place does without (ocapsh(1), "Exec in place"). */
#define GIVEN_UP                                                           \
	"descendant cleanup (what the program leaves behind outlives it), "  \
	"signal forwarding, the root descriptor (descriptor 3 answers "     \
	"nothing), the supervisor, the private temporary directory"

static void explain_text(const struct ocap_compiled *c, FILE *f,
			 const struct row *rows, size_t nrows)
{
	const ocap_plan *p = c->plan;

	fprintf(f, "program:      %s\n", p->prog);
	fprintf(f, "arguments:   ");
	for (char **a = p->argv; *a; a++)
		fprintf(f, " %s", *a);
	fprintf(f, "\nmode:         %s%s\n", mode_names[c->mode],
		p->mode == OCAP_MODE_AUTO ? " (auto)" : "");
	fprintf(f, "capabilities: %zu\n", nrows);
	for (size_t i = 0; i < nrows; i++)
		fprintf(f, "  %-9s %-40s %-30s %s\n", rows[i].kind,
			rows[i].name, rows[i].rights, rows[i].where);
	ocap__be_describe(c->enforce, f, false);
	if (p->in_place)
		fputs("launch:       in place (--exec): ocapsh confines itself "
		      "and execs the program, with no broker and no fork\n"
		      "given up:     " GIVEN_UP "\n", f);
	if (c->shim)
		fprintf(f, "names:        resolved by the broker, to the "
			   "addresses it checks connects against (%s); the "
			   "program sends no DNS question of its own%s\n",
			c->shim, udp_granted(p) ? " but through --udp" : "");
	fprintf(f, "environment:\n");
	for (char **e = c->envp; *e; e++)
		fprintf(f, "  %s\n", *e);
	fprintf(f, "not enforced:%s\n", p->nwarnings ? "" : " nothing");
	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(f, "  %s\n", p->warnings[i]);
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

static void explain_json(const struct ocap_compiled *c, FILE *f,
			 const struct row *rows, size_t nrows)
{
	const ocap_plan *p = c->plan;

	fputs("{\"program\":", f);
	ocap__json_str(f, p->prog);
	fputs(",\"argv\":", f);
	ocap__json_strv(f, (const char *const *)p->argv, count(p->argv));
	fprintf(f, ",\"mode\":\"%s\",\"capabilities\":[", mode_names[c->mode]);
	for (size_t i = 0; i < nrows; i++) {
		fprintf(f, "%s{\"kind\":\"%s\",\"name\":", i ? "," : "",
			rows[i].kind);
		ocap__json_str(f, rows[i].name);
		fprintf(f, ",\"rights\":\"%s\",\"source\":", rows[i].rights);
		ocap__json_str(f, rows[i].where);
		fputc('}', f);
	}
	fputs("],", f);
	ocap__be_describe(c->enforce, f, true);
	if (p->in_place)
		fputs("\"launch\":\"in place\",\"given_up\":\"" GIVEN_UP
		      "\",", f);
	fprintf(f, "\"names\":\"%s\",", !c->shim ? "libc"
				       : udp_granted(p) ? "broker, and DNS over --udp"
							: "broker");
	fputs("\"environment\":", f);
	ocap__json_strv(f, (const char *const *)c->envp, count(c->envp));
	fputs(",\"not_enforced\":", f);
	ocap__json_strv(f, (const char *const *)p->warnings, p->nwarnings);
	fputs("}\n", f);
}

int ocap_plan_explain(ocap_plan *p, FILE *f, int json)
{
	struct ocap_compiled *c;
	struct row *rows;
	int r;

	if (!p || !f)
		return -EINVAL;
	if ((r = ocap__compile(p, &c)) < 0)
		return r;
	rows = calloc(c->npaths + p->nnets + 1, sizeof *rows);
	if (rows) {
		size_t n = rows_of(c, rows);
		if (json)
			explain_json(c, f, rows, n);
		else
			explain_text(c, f, rows, n);
	} else {
		r = -ENOMEM;
	}
	free(rows);
	return r;
}
