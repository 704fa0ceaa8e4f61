/* test_render: the JSON writer and the reports' text and JSON (every report kind). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/cmd/cmd.h"
#include "core/teach/dmap.h"
#include "core/base/event.h"
#include "core/system/inspect_report.h"
#include "core/base/json.h"
#include "core/render/render.h"
#include "core/render/render_event.h"
#include "core/teach/seqdiag.h"
#include "core/session/session.h"

static void test_json_nesting_and_commas(void **state)
{
	(void)state;
	struct json j = { 0 };
	json_open(&j, NULL);
	json_int(&j, "a", -3);
	json_open_array(&j, "b");
	json_uint(&j, NULL, 1);
	json_open(&j, NULL);
	json_bool(&j, "t", true);
	json_null(&j, "n");
	json_close(&j);
	json_open_array(&j, NULL);
	json_close_array(&j);
	json_close_array(&j);
	json_cstr(&j, "s", NULL);
	json_close(&j);
	size_t len;
	char *s = json_take(&j, &len);
	assert_non_null(s);
	assert_string_equal(s, "{\"a\":-3,\"b\":[1,{\"t\":true,\"n\":null},[]],\"s\":null}");
	assert_int_equal(len, strlen(s));
	free(s);
}

static void test_json_strings_escaped(void **state)
{
	(void)state;
	struct json j = { 0 };
	json_open(&j, NULL);
	/* Quote, backslash, newline, ESC, C1 (U+009B as 0xc2 0x9b), DEL, and UTF-8 kept. */
	json_cstr(&j, "k", "q\"b\\n\n\x1b[2J\xc2\x9b\x7f\xc3\xa9");
	json_close(&j);
	char *s = json_take(&j, NULL);
	assert_string_equal(s, "{\"k\":\"q\\\"b\\\\n\\n\\u001b[2J\\u009b\\u007f\xc3\xa9\"}");
	free(s);
}

static void test_json_invalid_utf8_keeps_every_byte(void **state)
{
	(void)state;
	struct json j = { 0 };
	json_open(&j, NULL);
	json_str(&j, "data", "a\xff\0b", 4);
	json_close(&j);
	char *s = json_take(&j, NULL);
	assert_string_equal(s, "{\"data\":\"a\\ufffd\\u0000b\",\"data_hex\":\"61ff0062\"}");
	free(s);
}

static void test_json_take_empty(void **state)
{
	(void)state;
	struct json j = { 0 };
	size_t len = 9;
	char *s = json_take(&j, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
}

struct lines {
	char text[64][512];
	unsigned flags[64];
	size_t mark_off[64], mark_len[64];
	size_t n;
};

static void collect(void *ctx, const struct render_line *l)
{
	struct lines *ls = ctx;
	if (ls->n == 64)
		return;
	snprintf(ls->text[ls->n], sizeof(ls->text[0]), "%.*s", (int)l->len, l->text);
	ls->mark_off[ls->n] = l->mark_off;
	ls->mark_len[ls->n] = l->mark_len;
	ls->flags[ls->n++] = l->flags;
}

/* The line starting with PREFIX, or -1. */
static long find_line(const struct lines *ls, const char *prefix)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strncmp(ls->text[i], prefix, strlen(prefix)) == 0)
			return (long)i;
	return -1;
}

static long must_line(const struct lines *ls, const char *prefix)
{
	long i = find_line(ls, prefix);
	if (i < 0)
		fail_msg("no line starts with \"%s\"", prefix);
	return i;
}

static const struct help_row fake_a = { .name = "alpha", .usage = "alpha PATH", .help = "does a" };
static const struct help_row fake_b = { .name = "beta go", .usage = "beta go",
					.help = "does \"b\"" };

static void test_help_text(void **state)
{
	(void)state;
	const struct help_row e[] = { fake_a, fake_b };
	struct help_report h = { .topic = NULL, .rows = e, .n = 2 };
	struct report r = { .kind = REPORT_HELP, .help = &h };
	struct lines ls = { 0 };
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 3);
	assert_true(ls.flags[0] & RENDER_HEADING);
	assert_string_equal(ls.text[1], "  alpha PATH                                       does a");
	assert_string_equal(ls.text[2], "  beta go                                          does \"b\"");
	/* A topic: no heading, just its entries. */
	h.topic = "beta";
	h.rows = e + 1;
	h.n = 1;
	memset(&ls, 0, sizeof(ls));
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.flags[0], 0);
}

/* Issue 26: no fixed buffer cuts a usage line: every command's help line holds its whole
 * usage (`help tap` ends with --dissector), as text and as JSON. */
static void test_help_usage_whole(void **state)
{
	(void)state;
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		char syn[CMD_SYNOPSIS_MAX];
		cmd_synopsis(t[i], syn, sizeof(syn));
		struct help_row row = { t[i]->name, syn, t[i]->help };
		struct help_report h = { .topic = t[i]->name, .rows = &row, .n = 1 };
		struct report r = { .kind = REPORT_HELP, .help = &h };
		struct lines ls = { 0 };
		render_text(&r, collect, &ls);
		assert_int_equal(ls.n, 1);
		if (!strstr(ls.text[0], t[i]->usage))
			fail_msg("help %s cut its usage: %s", t[i]->name, ls.text[0]);
		char *js = render_json(&r, NULL);
		assert_non_null(strstr(js, "--dissector") || strcmp(t[i]->name, "tap") != 0 ? js
											: NULL);
		free(js);
	}
}

static void test_help_json(void **state)
{
	(void)state;
	struct help_report h = { .topic = "beta", .rows = &fake_b, .n = 1 };
	struct report r = { .kind = REPORT_HELP, .help = &h };
	char *s = render_json(&r, NULL);
	assert_string_equal(s, "{\"report\":\"help\",\"topic\":\"beta\",\"commands\":[{\"name\":"
			    "\"beta go\",\"usage\":\"beta go\",\"help\":\"does \\\"b\\\"\"}]}");
	free(s);
}

static void test_sessions_text_and_json(void **state)
{
	(void)state;
	struct session_info rows[2] = {
		{ .id = 1, .kind = SESSION_SERVER, .kind_name = "server", .path = "./s",
		  .state = "listening", .clients = 1, .has_stats = true,
		  .st = { .bytes_in = 41, .chunks_in = 3, .bytes_out = 41, .chunks_out = 3 } },
		{ .id = 4, .kind = SESSION_PAIR, .kind_name = "pair", .state = "finished",
		  .finished = true, .status = 32 },
	};
	struct sessions_report sr = { .rows = rows, .n = 2 };
	struct report r = { .kind = REPORT_SESSIONS, .sessions = &sr };
	struct lines ls = { 0 };
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.text[0], "#1 server stream ./s listening, 1 client; in 41 bytes/3 "
			    "chunks, out 41 bytes/3 chunks");
	assert_string_equal(ls.text[1], "#4 pair finished");
	char *s = render_json(&r, NULL);
	assert_string_equal(s, "{\"report\":\"sessions\",\"sessions\":[{\"id\":1,\"kind\":"
			    "\"server\",\"type\":\"stream\",\"path\":\"./s\",\"state\":"
			    "\"listening\",\"finished\":false,\"status\":0,\"clients\":1,"
			    "\"bytes_in\":41,\"chunks_in\":3,\"bytes_out\":41,\"chunks_out\":3},"
			    "{\"id\":4,\"kind\":\"pair\",\"type\":null,\"path\":null,"
			    "\"state\":\"finished\",\"finished\":true,\"status\":32}]}");
	free(s);
	/* Taps: connections now, or a datagram tap's upstream sockets. */
	struct session_info taps[2] = {
		{ .id = 2,
		  .kind = SESSION_TAP,
		  .kind_name = "tap",
		  .path = "./a",
		  .type = "dgram",
		  .state = "tapping to ./s",
		  .clients = 3 },
		{ .id = 3,
		  .kind = SESSION_TAP,
		  .kind_name = "tap",
		  .path = "./b",
		  .type = "stream",
		  .state = "tapping to ./t",
		  .clients = 1 },
	};
	struct sessions_report tr = { .rows = taps, .n = 2 };
	struct report t = { .kind = REPORT_SESSIONS, .sessions = &tr };
	memset(&ls, 0, sizeof(ls));
	render_text(&t, collect, &ls);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.text[0], "#2 tap dgram ./a tapping to ./s, 3 upstream sockets");
	assert_string_equal(ls.text[1], "#3 tap stream ./b tapping to ./t, 1 connection");
	s = render_json(&t, NULL);
	assert_non_null(strstr(s, "\"status\":0,\"upstreams\":3}"));
	assert_non_null(strstr(s, "\"status\":0,\"connections\":1}"));
	free(s);
	/* None: one line that says what starts one. */
	sr.n = 0;
	memset(&ls, 0, sizeof(ls));
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 1);
	assert_non_null(strstr(ls.text[0], "no sessions"));
}

/* The two-blocker directory, built by hand: /srv 0755, /srv/run 0750 root:root, the socket
 * 0660 root:root with a listener (pid 42, "svc", fd 3) and two clients (pid 77, fds 5, 4),
 * judged for nobody. Pure: no file system, no /proc. */
struct fixture {
	struct inspect_step steps[4];
	struct inspect_walk walk;
	struct inspect_node node;
	struct inspect_identity self, nobody;
	struct sockets_entry listener;
	struct inspect_report r;
};

static void client_end(struct inspect_conn *c, uint32_t ino, int fd)
{
	*c = (struct inspect_conn){ .ino = ino, .has_peer = true, .peer_ino = ino + 100,
				    .peer_found = true };
	c->client.n = c->client.kept = 1;
	c->client.v[0] = (struct sockets_holder){ .pid = 77, .fd = fd, .comm = "client" };
}

static void two_blockers(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	static char p0[] = "/", p1[] = "/srv", p2[] = "/srv/run", p3[] = "/srv/run/app.sock";
	static char n1[] = "srv", n2[] = "run", n3[] = "app.sock";
	f->steps[0] = (struct inspect_step){ .path = p0, .name = p0, .mode = S_IFDIR | 0755 };
	f->steps[1] = (struct inspect_step){ .path = p1, .name = n1, .mode = S_IFDIR | 0755 };
	f->steps[2] = (struct inspect_step){ .path = p2, .name = n2, .mode = S_IFDIR | 0750 };
	f->steps[3] = (struct inspect_step){ .path = p3, .name = n3, .mode = S_IFSOCK | 0660 };
	f->walk = (struct inspect_walk){ .abs = p3, .v = f->steps, .n = 4, .cap = 4 };
	const char *abs_ = p3;
	f->node.st.st_mode = S_IFSOCK | 0660;
	f->node.st.st_ino = 1234;
	f->node.st.st_nlink = 1;
	f->nobody = (struct inspect_identity){ .name = "nobody", .uid = 65534, .gid = 65534,
					       .has_gid = true, .groups = { 65534 }, .ngroups = 1 };
	f->self = (struct inspect_identity){ .name = "root", .has_gid = true };
	f->listener = (struct sockets_entry){ .ino = 900, .type = SOCK_STREAM,
					      .state = SOCKETS_LISTEN, .nprocs = 1 };
	struct inspect_report *r = &f->r;
	*r = (struct inspect_report){ .path = abs_, .path_len = strlen(abs_), .self = &f->self,
				      .id = &f->nobody, .as = true, .walk = &f->walk,
				      .node = &f->node, .fits = true, .is_socket = true,
				      .has_live = true, .entry = &f->listener, .nconns = 2 };
	r->live = (struct inspect_probe){ .live = INSPECT_LISTENING, .type = SOCK_STREAM,
					  .method = INSPECT_BY_DIAG, .has_queue = true, .backlog = 8 };
	r->holders.n = r->holders.kept = 1;
	r->holders.v[0] = (struct sockets_holder){ .pid = 42, .fd = 3, .comm = "svc" };
	client_end(&r->conns[0], 901, 5);
	client_end(&r->conns[1], 902, 4);
	struct inspect_judgement *j = &r->verdict;
	struct inspect_user u;
	inspect_identity_user(&f->nobody, &u);
	j->nperms = inspect_connect_perms(&f->walk, j->perms, INSPECT_PERMS_MAX);
	inspect_verdict(&u, j->perms, j->nperms, &j->v);
	j->reason = INSPECT_R_DENIED;
	j->nfixes = inspect_fixes(&u, j->perms, &j->v, j->fixes, INSPECT_FIXES_MAX);
	/* What the databases would say: nogroup is sync's and _apt's primary group. */
	j->who[0].gains.n = 2;
	strcpy(j->who[0].gains.v[0], "sync");
	strcpy(j->who[0].gains.v[1], "_apt");
	j->who[0].loses.n = 1;
	strcpy(j->who[0].loses.v[0], "root");
	j->who[1].everyone = true;
	r->lasting = (struct inspect_lasting){ .node_fix = true,
					       .node = p3,
					       .dir = p2,
					       .bits = INSPECT_NEED_W,
					       .has_server = true,
					       .pid = 42,
					       .comm = "svc",
					       .umask = 022 };
	r->names[0] = (struct inspect_name){ false, 0, "root" };
	r->names[1] = (struct inspect_name){ true, 0, "root" };
	r->names[2] = (struct inspect_name){ true, 65534, "nogroup" };
	r->nnames = 3;
	r->proof_state = INSPECT_PROOF_RAN;
	r->proof = (struct inspect_proof){ .err = EACCES, .type = SOCK_STREAM };
	r->agree = INSPECT_AGREES;
}

/* The span a line marks, as text. */
static void assert_mark(const struct lines *ls, long i, const char *before, const char *want)
{
	const char *t = ls->text[i];
	assert_int_equal(ls->mark_len[i], strlen(want));
	assert_true(ls->mark_off[i] >= strlen(before));
	assert_memory_equal(t + ls->mark_off[i] - strlen(before), before, strlen(before));
	assert_memory_equal(t + ls->mark_off[i], want, strlen(want));
}

static void test_inspect_text(void **state)
{
	(void)state;
	static struct fixture f;
	two_blockers(&f);
	struct report rep = { .kind = REPORT_INSPECT, .inspect = &f.r };
	static struct lines ls;
	memset(&ls, 0, sizeof(ls));
	render_text(&rep, collect, &ls);
	must_line(&ls, "path: /srv/run/app.sock");
	must_line(&ls, "listening: yes, pid 42 (svc) fd 3");
	must_line(&ls, "connections: 2 established: pid 77 (client) fd 5, 4");
	must_line(&ls, "method: sock_diag (no connection made)");
	must_line(&ls, "  drwxr-x--- root     root     run");
	long v = must_line(&ls, "verdict for nobody (65534): cannot connect: search (x) "
			   "permission missing on /srv/run (drwxr-x--- root root): nobody is in "
			   "the other class");
	/* The other class's bits decided: the span is the last triplet of the mode. */
	assert_mark(&ls, v, "(drwxr-x", "---");
	assert_true(ls.flags[v] & RENDER_ERROR);
	long a = must_line(&ls, "  also: write (w) permission missing on /srv/run/app.sock "
			   "(srw-rw---- root root)");
	assert_int_equal(a, v + 1);
	assert_mark(&ls, a, "(srw-rw-", "---");
	assert_string_equal(ls.text[a + 1],
			    "fix 1 (not run; narrowest; group nogroup gains "
			    "access (sync, _apt); group root loses it (root)): chgrp nogroup "
			    "/srv/run /srv/run/app.sock");
	assert_string_equal(ls.text[a + 2], "fix 2 (not run; widens access for everybody): "
			    "chmod o+x /srv/run && chmod o+w /srv/run/app.sock");
	/* A fix on the node is lost when the service makes it anew: said, with what lasts. */
	assert_string_equal(ls.text[a + 3],
			    "fix on the socket node does not last: its server (pid 42 svc) "
			    "re-creates it at its next start, with a new mode, owner and ACL; what "
			    "lasts is the service's own setting for its socket's mode and group, "
			    "its umask, or a default ACL on the directory: setfacl -d -m "
			    "u:nobody:w /srv/run; the server's umask is 0022, and bind "
			    "applies it before the default ACL, whose mask then lacks those bits: "
			    "the server needs a umask that leaves them (0002)");
	must_line(&ls, "proof: a forked child as nobody (65534) with gid 65534 and groups 65534 "
		  "got connect: Permission denied (EACCES): agrees with the verdict");
	assert_int_equal(render_kind_source(REPORT_INSPECT), SRC_INSPECT);
}

static void test_inspect_json(void **state)
{
	(void)state;
	static struct fixture f;
	two_blockers(&f);
	struct report rep = { .kind = REPORT_INSPECT, .inspect = &f.r };
	char *s = render_json(&rep, NULL);
	assert_non_null(s);
	static const char *const want[] = {
		"{\"report\":\"inspect\",\"path\":\"/srv/run/app.sock\",",
		"\"liveness\":{\"state\":\"listening\",\"method\":\"sock_diag\",\"type\":"
		"\"stream\",\"error\":null,\"queued\":0,\"backlog\":8}",
		"\"connections\":{\"established\":2,\"clients\":[{\"inode\":901,\"peer\":1001,"
		"\"holders\":[{\"pid\":77,\"fd\":5,\"comm\":\"client\",\"self\":false}]",
		"\"blockers\":[{\"path\":\"/srv/run\",\"missing\":\"x\",\"class\":\"other\","
		"\"supplementary\":false,\"mode_string\":\"drwxr-x---\",\"decided_by\":null},{\"path\":"
		"\"/srv/run/app.sock\",\"missing\":\"w\"",
		"\"fixes\":[{\"scope\":\"group\",\"complete\":true,\"everyone_gains\":false,"
		"\"gains\":{\"users\":[\"sync\",\"_apt\"],\"users_total\":2},\"loses\":{"
		"\"users\":[\"root\"],\"users_total\":1},\"steps\":[{\"op\":\"chgrp\","
		"\"path\":\"/srv/run\",\"gid\":65534,\"command\":\"chgrp nogroup /srv/run\"}",
		"{\"scope\":\"everyone\"",
		"\"blind\":null",
		"\"lasting\":{\"node_fix_lost\":true,\"socket_activated\":false,\"server_pid\":42,"
		"\"server_umask\":\"0022\",\"unit\":null,\"commands\":[\"setfacl -d -m u:nobody:w /srv/run\"],"
		"\"unit_settings\":[]}",
		"\"proof\":{\"state\":\"ran\",\"failed_call\":null,\"error\":\"EACCES\","
		"\"connected\":false,\"permission_checks_passed\":false,\"verdict\":\"agrees\"}",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(s, want[i]))
			fail_msg("JSON lacks %s\n%s", want[i], s);
	free(s);
}

/* A listener, the server end it accepted, and that end's peer (the client: no name). */
static void test_sockets_report(void **state)
{
	(void)state;
	struct sockets_entry v[3] = {
		{ .ino = 10, .type = SOCK_STREAM, .state = SOCKETS_LISTEN, .name_len = 6,
		  .name = "/s.ock", .has_queues = true, .wqueue = 8 },
		{ .ino = 11, .type = SOCK_STREAM, .state = SOCKETS_ESTABLISHED, .name_len = 6,
		  .name = "/s.ock", .has_peer = true, .peer_ino = 12 },
		{ .ino = 12, .type = SOCK_STREAM, .state = SOCKETS_ESTABLISHED, .has_peer = true,
		  .peer_ino = 11 },
	};
	struct sockets_list l = { .v = v, .n = 3, .source = SOCKETS_FROM_DIAG };
	struct sockets_row rows[3] = { { .e = &v[0] }, { .e = &v[1] }, { .e = &v[2], .peer = true } };
	rows[2].holders.n = rows[2].holders.kept = 1;
	rows[2].holders.v[0] = (struct sockets_holder){ .pid = 77, .fd = 4, .comm = "client" };
	struct sockets_clients cl = { &v[0], 1 };
	struct sockets_report sr = { .list = &l, .filter = "s.ock", .listening = 1, .matched = 2,
				     .nrows = 3, .rows = rows, .nlisteners = 1, .listeners = &cl };
	struct report rep = { .kind = REPORT_SOCKETS, .sockets = &sr };
	static struct lines ls;
	memset(&ls, 0, sizeof(ls));
	render_text(&rep, collect, &ls);
	assert_string_equal(ls.text[0], "sockets: 3 Unix sockets (sock_diag), 1 listening");
	assert_true(ls.flags[0] & RENDER_HEADING);
	assert_string_equal(ls.text[2], "listening   stream          10        -      0      8  "
			    "/s.ock  -");
	assert_string_equal(ls.text[4], "connected   stream          12       11      -      -  "
			    "(unnamed peer)  pid 77 (client) fd 4");
	assert_string_equal(ls.text[5], "sockets: 2 of 3 match s.ock, with the peers of the "
			    "matches");
	assert_string_equal(ls.text[6], "clients: /s.ock: 1 established");
	assert_int_equal(ls.n, 7);
	char *s = render_json(&rep, NULL);
	assert_non_null(s);
	if (!strstr(s, "{\"state\":\"connected\",\"state_number\":1,\"type\":\"stream\","
		    "\"inode\":12,\"peer\":11,\"recv_q\":null,\"send_q\":null,\"path\":null,"
		    "\"abstract\":false,\"peer_of_match\":true,\"processes\":[{\"pid\":77,"
		    "\"fd\":4,\"comm\":\"client\",\"self\":false}],\"holders_total\":1}") ||
	    !strstr(s, "\"listeners\":[{\"inode\":10,\"path\":\"/s.ock\",\"clients\":1}]") ||
	    strncmp(s, "{\"report\":\"sockets\",\"source\":\"sock_diag\"", 38) != 0)
		fail_msg("sockets JSON: %s", s);
	free(s);
}

/* An in-place tap's listener and the server it hides carry a note, in text and JSON. */
static void test_sockets_in_place_note(void **state)
{
	(void)state;
	struct sockets_entry v[1] = {
		{ .ino = 10, .type = SOCK_STREAM, .state = SOCKETS_LISTEN, .name_len = 6,
		  .name = "/s.ock", .has_queues = true, .wqueue = 8 },
	};
	struct sockets_list l = { .v = v, .n = 1, .source = SOCKETS_FROM_DIAG };
	struct sockets_row rows[1] = { { .e = &v[0], .note = "udscope's in-place tap #1 at /s.ock" } };
	struct sockets_report sr = { .list = &l, .filter = "", .listening = 1, .matched = 1,
				     .nrows = 1, .rows = rows };
	struct report rep = { .kind = REPORT_SOCKETS, .sockets = &sr };
	static struct lines ls;
	memset(&ls, 0, sizeof(ls));
	render_text(&rep, collect, &ls);
	assert_string_equal(ls.text[2], "listening   stream          10        -      0      8  "
			    "/s.ock [udscope's in-place tap #1 at /s.ock]  -");
	char *s = render_json(&rep, NULL);
	assert_non_null(s);
	if (!strstr(s, "\"peer_of_match\":false,\"in_place\":\"udscope's in-place tap #1 at "
		    "/s.ock\""))
		fail_msg("sockets JSON: %s", s);
	free(s);
}

/* The walkthrough's exchange, as map builds it: one send of 41 read as 16 + 16 + 9, the echo
 * back as three sends and three recvs. */
static void walkthrough(struct dmap *fwd, struct dmap *back)
{
	static const uint64_t pieces[] = { 16, 16, 9 };
	memset(fwd, 0, sizeof(*fwd));
	memset(back, 0, sizeof(*back));
	assert_int_equal(dmap_add(&fwd->sent, 41), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(dmap_add(&fwd->received, pieces[i]), 0);
		assert_int_equal(dmap_add(&back->sent, pieces[i]), 0);
		assert_int_equal(dmap_add(&back->received, pieces[i]), 0);
	}
}

static void test_map_text(void **state)
{
	(void)state;
	struct dmap fwd, back;
	walkthrough(&fwd, &back);
	struct map_report mr = { .client = "client #2", .server = "server #1 connection 1",
				 .fwd = &fwd, .back = &back };
	struct report r = { .kind = REPORT_MAP, .map = &mr };
	struct lines ls = { 0 };
	render_text(&r, collect, &ls);
	for (size_t i = 0; i < ls.n; i++)
		print_message("# %s\n", ls.text[i]);
	assert_string_equal(ls.text[0], "connection: client #2 and server #1 connection 1 (a byte "
			    "stream)");
	assert_int_equal(ls.flags[0], RENDER_HEADING);
	assert_string_equal(ls.text[1], "client #2 to server #1 connection 1");
	long i = must_line(&ls, "server received [");
	assert_string_equal(ls.text[i], "server received [0-15----------][16-31---------][32-40--]");
	assert_string_equal(ls.text[i - 1], "client sent     [0-40-----------------------------------]");
	must_line(&ls, "client sent 41; server received 16 + 16 + 9");
	must_line(&ls, "server #1 connection 1 to client #2 (the echo)");
	must_line(&ls, "server sent 16 + 16 + 9; client received 16 + 16 + 9");
	assert_int_equal(find_line(&ls, "not seen"), -1);
	/* An outside client: its side is not seen, and the report says why; a cut message. */
	struct dmap_side none = { 0 }, sent = fwd.sent, received = back.received;
	fwd.sent = none;
	back.received = none;
	mr.client = "client pid 7 (python3)";
	mr.unknown = "the client is another process";
	mr.messages = true;
	mr.cut_msgs[0] = 1;
	mr.cut_bytes[0] = 25;
	memset(&ls, 0, sizeof(ls));
	render_text(&r, collect, &ls);
	must_line(&ls, "client sent: not seen; only the other side's calls are known");
	assert_int_equal(find_line(&ls, "client sent 41"), -1);
	i = must_line(&ls, "server received: 1 message cut to the receive size, 25 bytes");
	assert_int_equal(ls.flags[i], RENDER_ERROR);
	must_line(&ls, "not seen: the client is another process");
	assert_non_null(strstr(ls.text[0], "messages: each call is one message"));
	fwd.sent = sent;
	back.received = received;
	dmap_free(&fwd);
	dmap_free(&back);
}

static void test_map_json(void **state)
{
	(void)state;
	struct dmap fwd, back;
	walkthrough(&fwd, &back);
	struct map_report mr = { .client = "client #2", .server = "server #1 connection 1",
				 .fwd = &fwd, .back = &back, .cut_msgs = { 0, 2 },
				 .cut_bytes = { 0, 50 } };
	back.received.known = false;
	char *s = render_json(&(struct report){ .kind = REPORT_MAP, .map = &mr }, NULL);
	assert_non_null(s);
	assert_string_equal(s, "{\"report\":\"map\",\"client\":\"client #2\",\"server\":"
			    "\"server #1 connection 1\",\"messages\":false,\"unknown\":null,"
			    "\"more_calls\":0,\"directions\":[{\"from\":\"client\",\"to\":"
			    "\"server\",\"sent\":{\"known\":true,\"calls\":[41]},\"received\":"
			    "{\"known\":true,\"calls\":[16,16,9]},\"cut_messages\":0,"
			    "\"cut_bytes\":0},{\"from\":\"server\",\"to\":\"client\",\"sent\":"
			    "{\"known\":true,\"calls\":[16,16,9]},\"received\":{\"known\":false,"
			    "\"calls\":[16,16,9]},\"cut_messages\":2,\"cut_bytes\":50}]}");
	free(s);
	dmap_free(&fwd);
	dmap_free(&back);
}

static void test_diagram_text_and_json(void **state)
{
	(void)state;
	struct seqdiag d;
	assert_int_equal(seqdiag_init(&d, "parent", "child"), 0);
	struct diagram_report dr = { .title = "pair #3", .d = &d };
	struct report r = { .kind = REPORT_DIAGRAM, .diagram = &dr };
	struct lines ls = { 0 };
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.text[1], "nothing has happened yet");
	assert_int_equal(seqdiag_add(&d, SEQ_NOTE, SEQ_LEFT, 1000, "socketpair and fork"), 0);
	assert_int_equal(seqdiag_add(&d, SEQ_ARROW, SEQ_LEFT, 5000, "4 bytes b'ping'"), 0);
	assert_int_equal(seqdiag_add(&d, SEQ_ARROW, SEQ_RIGHT, 9000, "4 bytes b'pong'"), 0);
	dr.more_items = 2;
	memset(&ls, 0, sizeof(ls));
	render_text(&r, collect, &ls);
	assert_string_equal(ls.text[0], "sequence: pair #3");
	assert_int_equal(ls.flags[0], RENDER_HEADING);
	long i = must_line(&ls, "+4us ");
	assert_non_null(strstr(ls.text[i], "|--------------------------------------->|"));
	i = must_line(&ls, "+8us ");
	assert_non_null(strstr(ls.text[i], "|<---------------------------------------|"));
	assert_string_equal(ls.text[ls.n - 1], "2 later items counted, not drawn");
	char *s = render_json(&r, NULL);
	assert_string_equal(s, "{\"report\":\"diagram\",\"title\":\"pair #3\",\"left\":"
			    "\"parent\",\"right\":\"child\",\"items\":[{\"kind\":\"note\","
			    "\"side\":\"left\",\"t_ns\":0,\"label\":\"socketpair and fork\"},"
			    "{\"kind\":\"arrow\",\"side\":\"left\",\"t_ns\":4000,\"label\":"
			    "\"4 bytes b'ping'\"},{\"kind\":\"arrow\",\"side\":\"right\","
			    "\"t_ns\":8000,\"label\":\"4 bytes b'pong'\"}],\"more_items\":2}");
	free(s);
	seqdiag_free(&d);
}

/* The "data" member of event line LINE: its hex digits, copied to OUT. */
static size_t data_of(const char *line, char *out, size_t len)
{
	const char *d = strstr(line, "\"data\":\"");
	assert_non_null(d);
	d += strlen("\"data\":\"");
	size_t n = strspn(d, "0123456789abcdef");
	assert_true(n < len);
	memcpy(out, d, n);
	out[n] = '\0';
	return n;
}

/* A chunk's bytes in JSON: two lowercase hex digits a byte for all 256 values and random
 * buffers, the same as one byte at a time; cut short, only whole bytes and the line ends. */
static void test_event_json_data_hex(void **state)
{
	(void)state;
	enum {
		N = 5000
	};
	static unsigned char data[N];
	static char line[EVENT_JSON_MAX + 2 * N], want[2 * N + 1], got[2 * N + 1];
	srand(28);
	for (int round = 0; round < 40; round++) {
		size_t n = round == 0 ? 256 : (size_t)rand() % N;
		for (size_t i = 0; i < n; i++)
			data[i] = round == 0 ? (unsigned char)i : (unsigned char)rand();
		for (size_t i = 0; i < n; i++)
			snprintf(want + 2 * i, 3, "%02x", data[i]);
		want[2 * n] = '\0';
		struct event ev;
		event_init(&ev, SRC_TAP, EV_RECV);
		event_set_bytes(&ev, data, n);
		render_event_json_full(&ev, data, n, 0, line, sizeof(line));
		assert_int_equal(data_of(line, got, sizeof(got)), 2 * n);
		assert_string_equal(got, want);
		assert_non_null(strstr(line, "\",\"truncated\":false"));
		/* Room for part of the bytes only: whole bytes, a prefix, the line ended. */
		size_t len = 64 + (size_t)rand() % (2 * n + 1);
		size_t w = render_event_json_full(&ev, data, n, 0, line, len);
		assert_true(w < len && line[w] == '\0' && strlen(line) == w);
		size_t k = data_of(line, got, sizeof(got));
		assert_true(k % 2 == 0 && strncmp(got, want, k) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_nesting_and_commas),
		cmocka_unit_test(test_json_strings_escaped),
		cmocka_unit_test(test_json_invalid_utf8_keeps_every_byte),
		cmocka_unit_test(test_json_take_empty),
		cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_help_usage_whole),
		cmocka_unit_test(test_help_json),
		cmocka_unit_test(test_sessions_text_and_json),
		cmocka_unit_test(test_inspect_text),
		cmocka_unit_test(test_inspect_json),
		cmocka_unit_test(test_sockets_report),
		cmocka_unit_test(test_sockets_in_place_note),
		cmocka_unit_test(test_map_text),
		cmocka_unit_test(test_map_json),
		cmocka_unit_test(test_diagram_text_and_json),
		cmocka_unit_test(test_event_json_data_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
