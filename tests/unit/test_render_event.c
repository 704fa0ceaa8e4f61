/* test_render_event: an event's JSON object and batch line, byte for byte, for a set of events
 * that has every member present and absent, every byte value, long bytes and a few facts; and
 * the same cut to every buffer size (checked as one hash per event), so that a faster renderer
 * keeps the output exactly. */
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
#include <unistd.h>
#include <cmocka.h>

#include "core/base/event.h"
#include "core/render/render_event.h"

#define BASE_NS 1000000000ull

/* An event of SOURCE and KIND at 2.345678901 s after BASE_NS, the rest zero. */
static void mk(struct event *ev, enum event_source source, enum event_kind kind)
{
	event_init(ev, source, kind);
	ev->time_ns = BASE_NS + 2345678901ull;
}

/* A watch's chunk, as watch.c makes it from a record. */
static void mk_watch_chunk(struct event *ev)
{
	mk(ev, SRC_WATCH, EV_RECV);
	ev->seq = 12;
	ev->session = 3;
	ev->conn = 7;
	ev->dir = DIR_C2S;
	event_set_bytes(ev, "0123456789abcdef", 16);
	ev->has_cred = ev->cred_msg = true;
	ev->pid = 4242;
	ev->uid = 1000;
	ev->gid = 100;
	memcpy(ev->comm, "bench_watch_loa", 16);
	ev->sock_ino = 99;
	ev->capture = 5;
}

/* A watch's receive, seen at the receiver, of a call longer than the preview. */
static void mk_watch_recv_long(struct event *ev)
{
	mk_watch_chunk(ev);
	ev->dir = DIR_S2C;
	ev->by_receiver = true;
	unsigned char b[EVENT_PREVIEW_MAX];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(i * 37 + 5);
	event_set_bytes(ev, b, sizeof(b));
	ev->nbytes = 70000;
	ev->nfds = 2;
	ev->chunk_no = 31;
	ev->time_ns = BASE_NS - 5; /* before the base: time 0 */
	ev->seq = UINT64_MAX;
}

/* The bytes 0..127 (LOW) or 128..255, received whole by a server as a message. */
static void mk_bytes(struct event *ev, bool low)
{
	mk(ev, SRC_SERVER, EV_RECV);
	ev->seq = 1;
	ev->conn = 1;
	unsigned char b[128];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(low ? i : i + 128);
	event_set_bytes(ev, b, sizeof(b));
	ev->message = true;
	ev->msg_len = low ? 128 : 300;
	ev->socktype = SOCK_SEQPACKET;
}

static void mk_bytes_low(struct event *ev)
{
	mk_bytes(ev, true);
}

static void mk_bytes_high(struct event *ev)
{
	mk_bytes(ev, false);
}

/* A datagram from an abstract sender whose name holds a NUL and bytes that are not UTF-8. */
static void mk_dgram_abstract(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_RECV);
	ev->seq = 40;
	ev->conn = 2;
	ev->show_session = true;
	ev->session = 9;
	event_set_bytes(ev, "", 0);
	ev->message = true;
	ev->sender = SENDER_ABSTRACT;
	event_text_name(ev, "@", "a\0b\xff\"\\\n", 7, "");
	ev->socktype = SOCK_DGRAM;
	ev->ctrunc = true;
	ev->nfds = 1;
}

/* A server's echo to a path sender, with descriptors and a mark. */
static void mk_server_send(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_SEND);
	ev->seq = 41;
	ev->conn = 3;
	event_set_bytes(ev, "x", 1);
	ev->sender = SENDER_PATH;
	event_textf(ev, "/tmp/cl\xc3\xa9nt");
	ev->nfds = 3;
	ev->mark_off = 2;
	ev->mark_len = 4;
	ev->dropped = 17;
}

/* A client's send to an unbound peer, with SCM_CREDENTIALS and no name. */
static void mk_client_send(struct event *ev)
{
	mk(ev, SRC_CLIENT, EV_SEND);
	ev->seq = 42;
	event_set_bytes(ev, "hello\r\n", 7);
	ev->sender = SENDER_UNBOUND;
	ev->has_cred = ev->cred_msg = true;
	ev->pid = -1;
	ev->uid = 4294967294u;
	ev->gid = 0;
	ev->actor = 777;
}

/* A pair child's send of nothing and a tap's receive with an empty message. */
static void mk_pair_send(struct event *ev)
{
	mk(ev, SRC_PAIR_CHILD, EV_SEND);
	ev->seq = 43;
	ev->actor = 1234;
	event_set_bytes(ev, "", 0);
}

static void mk_empty_message(struct event *ev)
{
	mk(ev, SRC_CLIENT, EV_RECV);
	ev->seq = 44;
	ev->message = true;
	ev->msg_len = 0;
}

/* A plain stream receive of one byte with a decoding number. */
static void mk_one_byte(struct event *ev)
{
	mk(ev, SRC_CLIENT, EV_RECV);
	ev->seq = 45;
	event_set_bytes(ev, "\x1b", 1);
	ev->chunk_no = 1;
}

/* Text lines of each kind. */
static void mk_info(struct event *ev)
{
	mk(ev, SRC_SYSTEM, EV_INFO);
	ev->seq = 50;
	event_textf(ev, "a line with \"quotes\", a tab\t and \x7f and \xc2\x9b");
	ev->socktype = SOCK_SEQPACKET;
}

static void mk_info_stream(struct event *ev)
{
	mk(ev, SRC_TAP, EV_INFO);
	ev->seq = 51;
	ev->conn = 4;
	ev->dir = DIR_S2C;
	event_textf(ev, "plain");
	ev->socktype = SOCK_STREAM;
}

static void mk_decoded(struct event *ev)
{
	mk(ev, SRC_TAP, EV_INFO);
	ev->seq = 52;
	ev->conn = 5;
	ev->decoded = true;
	ev->chunk_no = 3;
	snprintf(ev->proto, sizeof(ev->proto), "HTTP");
	event_textf(ev, "GET /x HTTP/1.1");
}

static void mk_error(struct event *ev)
{
	mk(ev, SRC_CLIENT, EV_ERROR);
	ev->seq = 53;
	ev->err = EACCES;
	event_textf(ev, "connect ./uds_socket");
}

static void mk_error_unknown(struct event *ev)
{
	mk(ev, SRC_INSPECT, EV_ERROR);
	ev->seq = 54;
	ev->err = 4000;
	event_textf(ev, "probe");
}

static void mk_listen(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_LISTEN);
	ev->seq = 55;
	event_textf(ev, "./uds_socket");
	ev->socktype = SOCK_DGRAM;
	ev->has_fd = true;
	ev->fd = 5;
	ev->fd_type = "regular file";
}

static void mk_wait(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_WAIT);
	ev->seq = 56;
	ev->has_fd = true;
	ev->fd = -1;
	ev->fd_mode = "read-only";
}

static void mk_accept(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_ACCEPT);
	ev->seq = 57;
	ev->conn = 8;
	ev->has_cred = true;
	ev->pid = 31337;
	ev->uid = 1;
	ev->gid = 2;
	event_textf(ev, "py\x01thon3");
	ev->peer_ino = 5;
}

static void mk_accept_plain(struct event *ev)
{
	mk(ev, SRC_CLIENT, EV_ACCEPT);
	ev->seq = 58;
	event_textf(ev, "connected to ./s");
}

static void mk_tap_client(struct event *ev)
{
	mk(ev, SRC_TAP, EV_ACCEPT);
	ev->seq = 59;
	ev->conn = 1;
	ev->dir = DIR_C2S;
	ev->has_cred = true;
	ev->pid = 10;
	ev->uid = 20;
	ev->gid = 30;
}

static void mk_tap_server(struct event *ev)
{
	mk_tap_client(ev);
	ev->seq = 60;
	ev->dir = DIR_S2C;
	event_textf(ev, "postgres");
}

static void mk_tap_server_as_client(struct event *ev)
{
	mk_tap_server(ev);
	ev->seq = 61;
	ev->as_client = true;
}

static void mk_close(struct event *ev)
{
	mk(ev, SRC_PAIR_PARENT, EV_CLOSE);
	ev->seq = 62;
	ev->actor = 99;
	event_textf(ev, "closed");
}

static void mk_done(struct event *ev)
{
	mk(ev, SRC_PAIR_CHILD, EV_DONE);
	ev->seq = 63;
}

static void mk_done_err(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_DONE);
	ev->seq = 64;
	ev->err = EPIPE;
	event_textf(ev, "write");
}

static void mk_unknown_kind(struct event *ev)
{
	mk(ev, SRC__COUNT, EV__COUNT);
	ev->seq = 65;
	ev->kind = 200;
	ev->source = 201;
}

/* Facts: their members come from render_fact.c, their strings from render_event.c. */
static void mk_fact_closed(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_CLOSE);
	ev->seq = 70;
	ev->conn = 2;
	ev->fact = FACT_CONN_CLOSED;
	ev->reason = REASON_RECV_FAILED;
	ev->cause_err = ECONNRESET;
	ev->has_peer = true;
	ev->peer_pid = 55;
	memcpy(ev->peer_comm, "c\xffmm", 5);
	ev->bytes_in = 100;
	ev->chunks_in = 2;
	ev->bytes_out = 50;
	ev->chunks_out = 1;
}

static void mk_fact_left(struct event *ev)
{
	mk(ev, SRC_SERVER, EV_INFO);
	ev->seq = 71;
	event_set_path(ev, FACT_NODE_LEFT, "./s\n", 4, "it is a directory now");
	ev->dropped = 3;
}

static void mk_fact_upstream(struct event *ev)
{
	mk(ev, SRC_TAP, EV_INFO);
	ev->seq = 72;
	event_set_path(ev, FACT_UPSTREAM_OPENED, "@\0x", 3, "@00001");
	event_set_target(ev, "./target");
}

static void mk_fact_stopped(struct event *ev)
{
	mk(ev, SRC_WATCH, EV_INFO);
	ev->seq = 73;
	ev->session = 2;
	ev->fact = FACT_STOPPED;
	ev->count = 4;
	ev->bytes_in = 1 << 20;
	ev->bytes_out = 7;
}

struct render_case {
	const char *name;
	void (*make)(struct event *ev);
	const char *json;    /* render_event_json, BASE_NS */
	const char *line;    /* render_event_line, no flags */
	const char *line_th; /* render_event_line, EVENT_FMT_TIME | EVENT_FMT_HEX */
	uint64_t cut_hash;   /* every buffer size of the three, hashed (cut_hash) */
};

/* Made by the renderer before it stopped using printf, and checked by reading. */
/* clang-format off */
static const struct render_case render_cases[] = {
	{ "mk_watch_chunk", mk_watch_chunk,
	  "{\"seq\":12,\"time\":2.345678,\"source\":\"watch\",\"kind\":\"recv\",\"sessi"
	  "on\":3,\"connection\":7,\"direction\":\"client->server\",\"bytes\":16,\"data"
	  "\":\"30313233343536373839616263646566\",\"truncated\":false,\"pid\":4242,\"u"
	  "id\":1000,\"gid\":100,\"cred_source\":\"sender\",\"comm\":\"bench_watch_loa\""
	  "}",
	  "watch #7: client->server 16 bytes b'0123456789abcdef' (pid 4242 (bench_watch"
	  "_loa) uid 1000 gid 100)",
	  "   2.345678 watch #7: client->server 16 bytes 30 31 32 33 34 35 36 37 38 39 "
	  "61 62 63 64 65 66  |0123456789abcdef| (pid 4242 (bench_watch_loa) uid 1000 g"
	  "id 100)",
	  0xd1b3850602bdb3f3ull },
	{ "mk_watch_recv_long", mk_watch_recv_long,
	  "{\"seq\":18446744073709551615,\"time\":0.000000,\"source\":\"watch\",\"kind\""
	  ":\"recv\",\"session\":3,\"connection\":7,\"direction\":\"server->client\",\""
	  "bytes\":70000,\"data\":\"052a4f7499bee3082d52779cc1e60b30557a9fc4e90e33587da"
	  "2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1d6fb2"
	  "0456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769bc0e50a2f54799"
	  "ec3e80d32577ca1c6eb10355a7fa4c9ee13385d82a7ccf1163b60\",\"truncated\":true,\""
	  "chunk\":31,\"pid\":4242,\"uid\":1000,\"gid\":100,\"cred_source\":\"receiver\""
	  ",\"comm\":\"bench_watch_loa\",\"fds\":2}",
	  "watch #7: server->client 70000 bytes b'\\x05*Ot\\x99\\xbe\\xe3\\x08-Rw\\x9c\\"
	  "xc1\\xe6\\x0b0Uz\\x9f\\xc4\\xe9\\x0e3X}\\xa2\\xc7\\xec\\x116[\\x80\\xa5\\xca"
	  "\\xef\\x149^\\x83\\xa8\\xcd\\xf2\\x17<a\\x86\\xab\\xd0\\xf5\\x1a?d\\x89\\xae"
	  "\\xd3\\xf8\\x1dBg\\x8c\\xb1\\xd6\\xfb Ej\\x8f\\xb4\\xd9\\xfe#Hm\\x92\\xb7\\x"
	  "dc\\x01&Kp\\x95\\xba\\xdf\\x04)Ns\\x98\\xbd\\xe2\\x07,Qv\\x9b\\xc0\\xe5\\n/T"
	  "y\\x9e\\xc3\\xe8\\r2W|\\xa1\\xc6\\xeb\\x105Z\\x7f\\xa4\\xc9\\xee\\x138]\\x82"
	  "\\xa7\\xcc\\xf1\\x16;`'... (+69872 more) (received by pid 4242 (bench_watch_"
	  "loa) uid 1000 gid 100) with 2 fds",
	  "   0.000000 watch #7: server->client 70000 bytes 05 2a 4f 74 99 be e3 08 2d "
	  "52 77 9c c1 e6 0b 30  |.*Ot....-Rw....0| 55 7a 9f c4 e9 0e 33 58 7d a2 c7 ec"
	  " 11 36 5b 80  |Uz....3X}....6[.| a5 ca ef 14 39 5e 83 a8 cd f2 17 3c 61 86 a"
	  "b d0  |....9^.....<a...| f5 1a 3f 64 89 ae d3 f8 1d 42 67 8c b1 d6 fb 20  |."
	  ".?d.....Bg.... | 45 6a 8f b4 d9 fe 23 48 6d 92 b7 dc 01 26 4b 70  |Ej....#Hm"
	  "....&Kp| 95 ba df 04 29 4e 73 98 bd e2 07 2c 51 76 9b c0  |....)Ns....,Qv..|"
	  " e5 0a 2f 54 79 9e c3 e8 0d 32 57 7c a1 c6 eb 10  |../Ty....2W|....| 35 5a 7"
	  "f a4 c9 ee 13 38 5d 82 a7 cc f1 16 3b 60  |5Z.....8].....;`|... (+69872 more"
	  ") (received by pid 4242 (bench_watch_loa) uid 1000 gid 100) with 2 fds",
	  0x1cceec6ce5aff9d4ull },
	{ "mk_bytes_low", mk_bytes_low,
	  "{\"seq\":1,\"time\":2.345678,\"source\":\"server\",\"kind\":\"recv\",\"conne"
	  "ction\":1,\"bytes\":128,\"data\":\"000102030405060708090a0b0c0d0e0f101112131"
	  "415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393"
	  "a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f6"
	  "06162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f\",\"truncate"
	  "d\":false,\"message\":true,\"msg_len\":128,\"discarded\":0,\"socket_type\":\""
	  "seqpacket\"}",
	  "server #1: received 128 bytes b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x0"
	  "8\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\"
	  "x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !\"#$%&\\'()*+,-./0123456789:;<=>?@ABCDEFG"
	  "HIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\x7f'",
	  "   2.345678 server #1: received 128 bytes 00 01 02 03 04 05 06 07 08 09 0a 0"
	  "b 0c 0d 0e 0f  |................| 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d "
	  "1e 1f  |................| 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f  |"
	  " !\"#$%&'()*+,-./| 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f  |0123456"
	  "789:;<=>?| 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMN"
	  "O| 50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f  |PQRSTUVWXYZ[\\]^_| 60 6"
	  "1 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f  |`abcdefghijklmno| 70 71 72 73 "
	  "74 75 76 77 78 79 7a 7b 7c 7d 7e 7f  |pqrstuvwxyz{|}~.|",
	  0x1cb36803b6ca5262ull },
	{ "mk_bytes_high", mk_bytes_high,
	  "{\"seq\":1,\"time\":2.345678,\"source\":\"server\",\"kind\":\"recv\",\"conne"
	  "ction\":1,\"bytes\":128,\"data\":\"808182838485868788898a8b8c8d8e8f909192939"
	  "495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9b"
	  "abbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe"
	  "0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\",\"truncate"
	  "d\":false,\"message\":true,\"msg_len\":300,\"discarded\":172,\"socket_type\""
	  ":\"seqpacket\"}",
	  "server #1: received 128 of 300 bytes (message truncated: 172 bytes discarded"
	  ") b'\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\\x88\\x89\\x8a\\x8b\\x8c\\x8d\\"
	  "x8e\\x8f\\x90\\x91\\x92\\x93\\x94\\x95\\x96\\x97\\x98\\x99\\x9a\\x9b\\x9c\\x"
	  "9d\\x9e\\x9f\\xa0\\xa1\\xa2\\xa3\\xa4\\xa5\\xa6\\xa7\\xa8\\xa9\\xaa\\xab\\xa"
	  "c\\xad\\xae\\xaf\\xb0\\xb1\\xb2\\xb3\\xb4\\xb5\\xb6\\xb7\\xb8\\xb9\\xba\\xbb"
	  "\\xbc\\xbd\\xbe\\xbf\\xc0\\xc1\\xc2\\xc3\\xc4\\xc5\\xc6\\xc7\\xc8\\xc9\\xca\\"
	  "xcb\\xcc\\xcd\\xce\\xcf\\xd0\\xd1\\xd2\\xd3\\xd4\\xd5\\xd6\\xd7\\xd8\\xd9\\x"
	  "da\\xdb\\xdc\\xdd\\xde\\xdf\\xe0\\xe1\\xe2\\xe3\\xe4\\xe5\\xe6\\xe7\\xe8\\xe"
	  "9\\xea\\xeb\\xec\\xed\\xee\\xef\\xf0\\xf1\\xf2\\xf3\\xf4\\xf5\\xf6\\xf7\\xf8"
	  "\\xf9\\xfa\\xfb\\xfc\\xfd\\xfe\\xff'",
	  "   2.345678 server #1: received 128 of 300 bytes (message truncated: 172 byt"
	  "es discarded) 80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f  |............"
	  "....| 90 91 92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f  |................| a0"
	  " a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af  |................| b0 b1 b2 b"
	  "3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf  |................| c0 c1 c2 c3 c4 c5 "
	  "c6 c7 c8 c9 ca cb cc cd ce cf  |................| d0 d1 d2 d3 d4 d5 d6 d7 d8"
	  " d9 da db dc dd de df  |................| e0 e1 e2 e3 e4 e5 e6 e7 e8 e9 ea e"
	  "b ec ed ee ef  |................| f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd "
	  "fe ff  |................|",
	  0x4f08a909e1c92cceull },
	{ "mk_dgram_abstract", mk_dgram_abstract,
	  "{\"seq\":40,\"time\":2.345678,\"source\":\"server\",\"kind\":\"recv\",\"sess"
	  "ion\":9,\"connection\":2,\"bytes\":0,\"data\":\"\",\"truncated\":false,\"tex"
	  "t\":\"@a\\u0000b\\ufffd\\\"\\\\\\n\",\"text_hex\":\"40610062ff225c0a\",\"mes"
	  "sage\":true,\"msg_len\":0,\"discarded\":0,\"peer_kind\":\"abstract\",\"socke"
	  "t_type\":\"dgram\",\"fds\":1,\"ctrunc\":true}",
	  "server[9] #2: received an empty message b'' from @a\\x00b\\xff\"\\\\x0a with"
	  " 1 fd (control data truncated: the kernel dropped what did not fit)",
	  "   2.345678 server[9] #2: received an empty message  from @a\\x00b\\xff\"\\\\"
	  "x0a with 1 fd (control data truncated: the kernel dropped what did not fit)",
	  0xefcc77950cd725cdull },
	{ "mk_server_send", mk_server_send,
	  "{\"seq\":41,\"time\":2.345678,\"source\":\"server\",\"kind\":\"send\",\"conn"
	  "ection\":3,\"bytes\":1,\"data\":\"78\",\"truncated\":false,\"text\":\"/tmp/c"
	  "l\303\251nt\",\"peer_kind\":\"path\",\"fds\":3,\"dropped\":17,\"mark\":{\"of"
	  "fset\":2,\"length\":4}}",
	  "server #3: [17 events not shown] sent 1 byte back to /tmp/cl\\xc3\\xa9nt wit"
	  "h 3 fds",
	  "   2.345678 server #3: [17 events not shown] sent 1 byte back to /tmp/cl\\xc"
	  "3\\xa9nt with 3 fds",
	  0xe4c3b85d0e41541full },
	{ "mk_client_send", mk_client_send,
	  "{\"seq\":42,\"time\":2.345678,\"source\":\"client\",\"kind\":\"send\",\"acto"
	  "r_pid\":777,\"bytes\":7,\"data\":\"68656c6c6f0d0a\",\"truncated\":false,\"pi"
	  "d\":-1,\"uid\":4294967294,\"gid\":0,\"peer_kind\":\"unbound\",\"cred_source\""
	  ":\"SCM_CREDENTIALS\",\"comm\":\"\"}",
	  "client 777: sending 7 bytes b'hello\\r\\n' to an unbound sender (pid -1 (?) "
	  "uid 4294967294 gid 0)",
	  "   2.345678 client 777: sending 7 bytes 68 65 6c 6c 6f 0d 0a                "
	  "             |hello..| to an unbound sender (pid -1 (?) uid 4294967294 gid 0"
	  ")",
	  0x0f187a45a7accdc5ull },
	{ "mk_pair_send", mk_pair_send,
	  "{\"seq\":43,\"time\":2.345678,\"source\":\"pair child\",\"kind\":\"send\",\""
	  "actor_pid\":1234,\"bytes\":0,\"data\":\"\",\"truncated\":false}",
	  "pair child 1234: sent 0 bytes b''",
	  "   2.345678 pair child 1234: sent 0 bytes ",
	  0x2605a62db102160aull },
	{ "mk_empty_message", mk_empty_message,
	  "{\"seq\":44,\"time\":2.345678,\"source\":\"client\",\"kind\":\"recv\",\"byte"
	  "s\":0,\"data\":\"\",\"truncated\":false,\"message\":true,\"msg_len\":0,\"dis"
	  "carded\":0}",
	  "client: received an empty message b''",
	  "   2.345678 client: received an empty message ",
	  0x67790f0bf2b127c0ull },
	{ "mk_one_byte", mk_one_byte,
	  "{\"seq\":45,\"time\":2.345678,\"source\":\"client\",\"kind\":\"recv\",\"byte"
	  "s\":1,\"data\":\"1b\",\"truncated\":false,\"chunk\":1}",
	  "client: received 1 byte b'\\x1b'",
	  "   2.345678 client: received 1 byte 1b                                      "
	  "         |.|",
	  0xc0e53b14e5aed073ull },
	{ "mk_info", mk_info,
	  "{\"seq\":50,\"time\":2.345678,\"source\":\"udscope\",\"kind\":\"info\",\"tex"
	  "t\":\"a line with \\\"quotes\\\", a tab\\t and \\u007f and \\u009b\",\"socke"
	  "t_type\":\"seqpacket\"}",
	  "a line with \"quotes\", a tab\\x09 and \\x7f and \\xc2\\x9b (seqpacket)",
	  "   2.345678 a line with \"quotes\", a tab\\x09 and \\x7f and \\xc2\\x9b (seq"
	  "packet)",
	  0x510b32c38269fecfull },
	{ "mk_info_stream", mk_info_stream,
	  "{\"seq\":51,\"time\":2.345678,\"source\":\"tap\",\"kind\":\"info\",\"connect"
	  "ion\":4,\"side\":\"server\",\"text\":\"plain\",\"socket_type\":\"stream\"}",
	  "tap #4: plain",
	  "   2.345678 tap #4: plain",
	  0x02699153c0b732f5ull },
	{ "mk_decoded", mk_decoded,
	  "{\"seq\":52,\"time\":2.345678,\"source\":\"tap\",\"kind\":\"info\",\"connect"
	  "ion\":5,\"decoded\":{\"chunk\":3,\"protocol\":\"HTTP\",\"info\":\"GET /x HTT"
	  "P/1.1\"}}",
	  "tap #5: decoded chunk 3: HTTP GET /x HTTP/1.1",
	  "   2.345678 tap #5: decoded chunk 3: HTTP GET /x HTTP/1.1",
	  0x9b491732edbc9a68ull },
	{ "mk_error", mk_error,
	  "{\"seq\":53,\"time\":2.345678,\"source\":\"client\",\"kind\":\"error\",\"tex"
	  "t\":\"connect ./uds_socket\",\"errno\":\"EACCES\",\"error\":\"Permission den"
	  "ied\"}",
	  "client: connect ./uds_socket: Permission denied (EACCES)",
	  "   2.345678 client: connect ./uds_socket: Permission denied (EACCES)",
	  0xe340a6cd6d244570ull },
	{ "mk_error_unknown", mk_error_unknown,
	  "{\"seq\":54,\"time\":2.345678,\"source\":\"inspect\",\"kind\":\"error\",\"te"
	  "xt\":\"probe\",\"errno\":\"E4000\",\"error\":\"Unknown error 4000\"}",
	  "inspect: probe: Unknown error 4000 (E4000)",
	  "   2.345678 inspect: probe: Unknown error 4000 (E4000)",
	  0xe50cc295d4254f95ull },
	{ "mk_listen", mk_listen,
	  "{\"seq\":55,\"time\":2.345678,\"source\":\"server\",\"kind\":\"listen\",\"te"
	  "xt\":\"./uds_socket\",\"socket_type\":\"dgram\",\"fd\":5,\"fd_type\":\"regul"
	  "ar file\",\"fd_mode\":\"unknown\"}",
	  "server: starting up on ./uds_socket (dgram)",
	  "   2.345678 server: starting up on ./uds_socket (dgram)",
	  0x3918286fd6ee7feaull },
	{ "mk_wait", mk_wait,
	  "{\"seq\":56,\"time\":2.345678,\"source\":\"server\",\"kind\":\"wait\",\"fd\""
	  ":-1,\"fd_type\":\"unknown\",\"fd_mode\":\"read-only\"}",
	  "server: waiting for a connection",
	  "   2.345678 server: waiting for a connection",
	  0xe950c3a474c3213eull },
	{ "mk_accept", mk_accept,
	  "{\"seq\":57,\"time\":2.345678,\"source\":\"server\",\"kind\":\"accept\",\"co"
	  "nnection\":8,\"text\":\"py\\u0001thon3\",\"pid\":31337,\"uid\":1,\"gid\":2}",
	  "server #8: connection from pid 31337 (py\\x01thon3) uid 1 gid 2",
	  "   2.345678 server #8: connection from pid 31337 (py\\x01thon3) uid 1 gid 2",
	  0xd6462a147f2b13b6ull },
	{ "mk_accept_plain", mk_accept_plain,
	  "{\"seq\":58,\"time\":2.345678,\"source\":\"client\",\"kind\":\"accept\",\"te"
	  "xt\":\"connected to ./s\"}",
	  "client: connected to ./s",
	  "   2.345678 client: connected to ./s",
	  0x12ec2382ad720b7aull },
	{ "mk_tap_client", mk_tap_client,
	  "{\"seq\":59,\"time\":2.345678,\"source\":\"tap\",\"kind\":\"accept\",\"conne"
	  "ction\":1,\"side\":\"client\",\"pid\":10,\"uid\":20,\"gid\":30}",
	  "tap #1: client pid 10 (?) uid 20 gid 30 connected",
	  "   2.345678 tap #1: client pid 10 (?) uid 20 gid 30 connected",
	  0xe8090f5f5a39a481ull },
	{ "mk_tap_server", mk_tap_server,
	  "{\"seq\":60,\"time\":2.345678,\"source\":\"tap\",\"kind\":\"accept\",\"conne"
	  "ction\":1,\"side\":\"server\",\"text\":\"postgres\",\"pid\":10,\"uid\":20,\""
	  "gid\":30}",
	  "tap #1: server pid 10 (postgres) uid 20 gid 30 answered; its SO_PEERCRED nam"
	  "es udscope (pid %PID), not the client",
	  "   2.345678 tap #1: server pid 10 (postgres) uid 20 gid 30 answered; its SO_"
	  "PEERCRED names udscope (pid %PID), not the client",
	  0xbb312a93f8f98103ull },
	{ "mk_tap_server_as_client", mk_tap_server_as_client,
	  "{\"seq\":61,\"time\":2.345678,\"source\":\"tap\",\"kind\":\"accept\",\"conne"
	  "ction\":1,\"side\":\"server\",\"text\":\"postgres\",\"pid\":10,\"uid\":20,\""
	  "gid\":30,\"as_client\":true}",
	  "tap #1: server pid 10 (postgres) uid 20 gid 30 answered; its SO_PEERCRED nam"
	  "es the client's uid and gid (connected as the client) and udscope's pid %PID",
	  "   2.345678 tap #1: server pid 10 (postgres) uid 20 gid 30 answered; its SO_"
	  "PEERCRED names the client's uid and gid (connected as the client) and udscop"
	  "e's pid %PID",
	  0x1d9599a942db841eull },
	{ "mk_close", mk_close,
	  "{\"seq\":62,\"time\":2.345678,\"source\":\"pair parent\",\"kind\":\"close\","
	  "\"actor_pid\":99,\"text\":\"closed\"}",
	  "pair parent 99: closed",
	  "   2.345678 pair parent 99: closed",
	  0x3c9a29c63783cbecull },
	{ "mk_done", mk_done,
	  "{\"seq\":63,\"time\":2.345678,\"source\":\"pair child\",\"kind\":\"done\"}",
	  "pair child: finished",
	  "   2.345678 pair child: finished",
	  0x7fb87bd2dc11faf6ull },
	{ "mk_done_err", mk_done_err,
	  "{\"seq\":64,\"time\":2.345678,\"source\":\"server\",\"kind\":\"done\",\"text"
	  "\":\"write\",\"errno\":\"EPIPE\",\"error\":\"Broken pipe\"}",
	  "server: write: Broken pipe (EPIPE)",
	  "   2.345678 server: write: Broken pipe (EPIPE)",
	  0x6ef069ce8f59cd85ull },
	{ "mk_unknown_kind", mk_unknown_kind,
	  "{\"seq\":65,\"time\":2.345678,\"source\":\"?\",\"kind\":\"?\"}",
	  "?: (unknown event kind 200)",
	  "   2.345678 ?: (unknown event kind 200)",
	  0x6681047149c65679ull },
	{ "mk_fact_closed", mk_fact_closed,
	  "{\"seq\":70,\"time\":2.345678,\"source\":\"server\",\"kind\":\"close\",\"con"
	  "nection\":2,\"text\":\"connection with pid 55 (c\\ufffdmm) ended: recv: Conn"
	  "ection reset by peer (ECONNRESET)\",\"text_hex\":\"636f6e6e656374696f6e20776"
	  "9746820706964203535202863ff6d6d2920656e6465643a20726563763a20436f6e6e6563746"
	  "96f6e2072657365742062792070656572202845434f4e4e524553455429\",\"fact\":\"con"
	  "nection-closed\",\"reason\":\"recv-failed\",\"cause_errno\":\"ECONNRESET\",\""
	  "peer_pid\":55,\"bytes_in\":100,\"bytes_out\":50,\"peer_comm\":\"c\\ufffdmm\""
	  ",\"peer_comm_hex\":\"63ff6d6d\"}",
	  "server #2: connection with pid 55 (c\\xffmm) ended: recv: Connection reset b"
	  "y peer (ECONNRESET)",
	  "   2.345678 server #2: connection with pid 55 (c\\xffmm) ended: recv: Connec"
	  "tion reset by peer (ECONNRESET)",
	  0x6c84af6596f7f319ull },
	{ "mk_fact_left", mk_fact_left,
	  "{\"seq\":71,\"time\":2.345678,\"source\":\"server\",\"kind\":\"info\",\"text"
	  "\":\"left ./s\\n alone: it is no longer the node this server created (it is "
	  "a directory now)\",\"fact\":\"node-left\",\"path\":\"./s\\n\",\"detail\":\"i"
	  "t is a directory now\",\"dropped\":3}",
	  "server: [3 events not shown] left ./s\\x0a alone: it is no longer the node t"
	  "his server created (it is a directory now)",
	  "   2.345678 server: [3 events not shown] left ./s\\x0a alone: it is no longe"
	  "r the node this server created (it is a directory now)",
	  0x11029a94a0b4143aull },
	{ "mk_fact_upstream", mk_fact_upstream,
	  "{\"seq\":72,\"time\":2.345678,\"source\":\"tap\",\"kind\":\"info\",\"text\":"
	  "\"upstream socket @00001 opened for sender @\\u0000x, to ./target\",\"fact\""
	  ":\"upstream-opened\",\"path\":\"@\\u0000x\",\"detail\":\"@00001\",\"target\""
	  ":\"./target\"}",
	  "tap: upstream socket @00001 opened for sender @\\x00x, to ./target",
	  "   2.345678 tap: upstream socket @00001 opened for sender @\\x00x, to ./targ"
	  "et",
	  0xa5b42f5eb670d7c8ull },
	{ "mk_fact_stopped", mk_fact_stopped,
	  "{\"seq\":73,\"time\":2.345678,\"source\":\"watch\",\"kind\":\"info\",\"sessi"
	  "on\":2,\"text\":\"stopped after 4 connections: received 1048576 bytes in 0 c"
	  "hunks, sent 7 bytes in 0 chunks\",\"fact\":\"stopped\",\"connections\":4,\"b"
	  "ytes_in\":1048576,\"chunks_in\":0,\"bytes_out\":7,\"chunks_out\":0}",
	  "watch: stopped after 4 connections: received 1048576 bytes in 0 chunks, sent"
	  " 7 bytes in 0 chunks",
	  "   2.345678 watch: stopped after 4 connections: received 1048576 bytes in 0 "
	  "chunks, sent 7 bytes in 0 chunks",
	  0x91fe6fe6dd94e8b3ull },
};
/* clang-format on */

/* FNV-1a over N bytes, on from H. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Render EV as KIND (0 JSON, 1 line, 2 line with time and hex) into BUF of LEN. */
static size_t render_as(int kind, const struct event *ev, char *buf, size_t len)
{
	if (kind == 0)
		return render_event_json(ev, BASE_NS, buf, len);
	return render_event_line(ev, kind == 1 ? 0 : EVENT_FMT_TIME | EVENT_FMT_HEX, BASE_NS, buf,
				 len);
}

/* The three renderings at every size from 0 to two past the whole, each into a buffer of
 * exactly that size (so ASan sees a byte written past it), hashed: the length returned and
 * the text up to its NUL. */
static uint64_t cut_hash(const struct event *ev)
{
	uint64_t h = 0xcbf29ce484222325ull;
	static char whole[EVENT_JSON_MAX];
	for (int kind = 0; kind < 3; kind++) {
		size_t full = render_as(kind, ev, whole, sizeof(whole));
		for (size_t len = 0; len <= full + 2; len++) {
			char *buf = malloc(len ? len : 1);
			assert_non_null(buf);
			size_t w = render_as(kind, ev, buf, len);
			h = fnv(h, &w, sizeof(w));
			if (len)
				h = fnv(h, buf, strnlen(buf, len));
			free(buf);
		}
	}
	return h;
}

/* S with every "%PID" replaced by udscope's pid (the tap's lines name it). */
static const char *with_pid(const char *s, char *out, size_t len)
{
	char pid[24];
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	size_t w = 0;
	for (const char *p = s; *p && w + sizeof(pid) < len;) {
		if (strncmp(p, "%PID", 4) == 0) {
			w += (size_t)snprintf(out + w, len - w, "%s", pid);
			p += 4;
		} else {
			out[w++] = *p++;
		}
	}
	out[w] = '\0';
	return out;
}

static void test_each_event(void **state)
{
	(void)state;
	static char got[EVENT_JSON_MAX], want[EVENT_JSON_MAX];
	for (size_t i = 0; i < sizeof(render_cases) / sizeof(render_cases[0]); i++) {
		const struct render_case *c = &render_cases[i];
		struct event ev;
		c->make(&ev);
		print_message("# %s\n", c->name);
		size_t n = render_event_json(&ev, BASE_NS, got, sizeof(got));
		assert_string_equal(got, with_pid(c->json, want, sizeof(want)));
		assert_int_equal(n, strlen(got));
		n = render_event_line(&ev, 0, BASE_NS, got, sizeof(got));
		assert_string_equal(got, with_pid(c->line, want, sizeof(want)));
		assert_int_equal(n, strlen(got));
		n = render_event_line(&ev, EVENT_FMT_TIME | EVENT_FMT_HEX, BASE_NS, got,
				      sizeof(got));
		assert_string_equal(got, with_pid(c->line_th, want, sizeof(want)));
		assert_int_equal(n, strlen(got));
		/* The pid of the tap's lines changes the hash: those are checked whole only. */
		if (!strstr(c->line, "%PID"))
			assert_int_equal(cut_hash(&ev), c->cut_hash);
	}
}

/* "0a1b..." for N bytes at P into OUT. */
static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A whole chunk from the capture store (all 256 byte values, then long): the same members
 * around data holding every byte; its line shows every byte escaped. */
static void test_whole_chunk(void **state)
{
	(void)state;
	enum {
		N = 9000
	};
	static unsigned char data[N];
	static char got[EVENT_LINE_MAX + 4 * N], want[EVENT_JSON_MAX + 2 * N], h[2 * N + 1];
	for (size_t i = 0; i < N; i++)
		data[i] = (unsigned char)(i < 256 ? i : i * 131 + 7);
	size_t sizes[] = { 256, 4096, N };
	for (size_t k = 0; k < 3; k++) {
		size_t n = sizes[k];
		struct event ev;
		mk_watch_chunk(&ev);
		event_set_bytes(&ev, data, n);
		ev.nbytes = n + (k == 1 ? 10 : 0);
		size_t w = render_event_json_full(&ev, data, n, BASE_NS, got, sizeof(got));
		hex(data, n, h);
		snprintf(want, sizeof(want),
			 "{\"seq\":12,\"time\":2.345678,\"source\":\"watch\",\"kind\":\"recv\","
			 "\"session\":3,\"connection\":7,\"direction\":\"client->server\","
			 "\"bytes\":%zu,\"data\":\"%s\",\"truncated\":%s,\"pid\":4242,\"uid\":1000,"
			 "\"gid\":100,\"cred_source\":\"sender\",\"comm\":\"bench_watch_loa\"}",
			 (size_t)ev.nbytes, h, k == 1 ? "true" : "false");
		assert_string_equal(got, want);
		assert_int_equal(w, strlen(want));
		w = render_event_line_full(&ev, data, n, 0, BASE_NS, got, sizeof(got));
		assert_int_equal(w, strlen(got));
		assert_true(strncmp(got, "watch #7: client->server ", 25) == 0);
		assert_non_null(strstr(got, " (pid 4242 (bench_watch_loa) uid 1000 gid 100)"));
		for (size_t i = 0; i < w; i++)
			assert_true(got[i] >= 0x20 && got[i] < 0x7f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_event),
		cmocka_unit_test(test_whole_chunk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
