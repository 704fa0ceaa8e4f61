/* render_fact_names: the names --json gives each fact and each reason (enum event_fact,
 * enum event_reason), as doc/udscope.1 lists them. */
#include "config.h"

#include "core/render/render_fact.h"

static const char *const fact_names[FACT__COUNT] = {
	[FACT_NONE] = "",
	[FACT_NODE_STALE] = "node-stale",
	[FACT_NODE_REPLACED] = "node-replaced",
	[FACT_NODE_REMOVED] = "node-removed",
	[FACT_NODE_GONE] = "node-gone",
	[FACT_NODE_LEFT] = "node-left",
	[FACT_CONN_CLOSED] = "connection-closed",
	[FACT_SENDER_UNBOUND] = "sender-unbound",
	[FACT_STOPPED] = "stopped",
	[FACT_REFUSED] = "refused",
	[FACT_OWN_PID] = "own-pid",
	[FACT_HALF_CLOSED] = "half-closed",
	[FACT_STOPPED_READING] = "stopped-reading",
	[FACT_TOO_BIG] = "too-big",
	[FACT_UPSTREAM_OPENED] = "upstream-opened",
	[FACT_UPSTREAM_CLOSED] = "upstream-closed",
	[FACT_TARGET_DOWN] = "target-down",
	[FACT_TARGET_BACK] = "target-answers",
	[FACT_REPLY_DROPPED] = "reply-dropped",
	[FACT_ECHO_LOST] = "echo-lost",
	[FACT_CONNECTING] = "connecting",
	[FACT_CONNECTED] = "connected",
	[FACT_BOUND] = "bound",
	[FACT_DATAGRAM_DROPPED] = "datagram-dropped",
	[FACT_CHILD_EXITED] = "exited",
	[FACT_CHILD_KILLED] = "killed",
	[FACT_INPLACE_RESTORED] = "inplace-restored",
	[FACT_PAIR_FORKED] = "forked",
	[FACT_PAIR_FDS] = "pair-fds",
	[FACT_CHILD_WAITING] = "child-waiting",
	[FACT_CHILD_REPLYING] = "child-replying",
	[FACT_PAIR_MESSAGE] = "message",
	[FACT_FD_RECEIVED] = "fd-received",
	[FACT_PAIR_EXCHANGED] = "exchanged",
	[FACT_PAIR_FAILED] = "pair-failed",
	[FACT_GUARD_SILENT] = "guard-silent",
	[FACT_INPLACE_NOT_RESTORED] = "inplace-not-restored",
	[FACT_RESTORE_FAILED] = "restore-failed",
};

static const char *const reason_names[REASON__COUNT] = {
	[REASON_NONE] = "",
	[REASON_PEER_CLOSED] = "peer-closed",
	[REASON_BOTH_CLOSED] = "both-closed",
	[REASON_RECV_FAILED] = "recv-failed",
	[REASON_SEND_FAILED] = "send-failed",
	[REASON_EPOLL_FAILED] = "epoll-failed",
	[REASON_STOPPING] = "stopping",
	[REASON_CREDS_UNSENDABLE] = "credentials-unsendable",
	[REASON_IDENTITY_UNKNOWN] = "identity-unknown",
	[REASON_OTHER_USER] = "other-user",
	[REASON_EVICTED] = "evicted",
	[REASON_OUT_OF_FDS] = "out-of-descriptors",
	[REASON_IDLE] = "idle",
	[REASON_QUEUE_FULL] = "queue-full",
	[REASON_SENDER_GONE] = "sender-gone",
	[REASON_FINISHED] = "finished",
	[REASON_NO_REPLY] = "no-reply",
	[REASON_NO_EXIT] = "no-exit",
	[REASON_EXITED_FIRST] = "exited-before-reply",
	[REASON_KILLED_FIRST] = "killed-before-reply",
	[REASON_ENDED_FIRST] = "ended-before-reply",
	[REASON_SHORT_REPLY] = "short-reply",
	[REASON_UNCLEAN_EXIT] = "unclean-exit",
	[REASON_OLD_LAYOUT] = "old-layout",
	[REASON_PUT_BACK] = "put-back",
};

const char *render_fact_name(unsigned fact)
{
	return fact < FACT__COUNT ? fact_names[fact] : "?";
}

const char *render_fact_reason(unsigned reason)
{
	return reason < REASON__COUNT ? reason_names[reason] : "?";
}
