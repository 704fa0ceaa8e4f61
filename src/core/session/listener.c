/* listener: the stop request and the finished flag of the server and the tap, and the session
 * ops they answer alike (their struct listener comes first, so the session's pointer is its). */
#include "config.h"

#include "core/session/listener.h"

#include "core/base/sysio.h"

void listener_request_stop(struct listener *l)
{
	sysio_poke(l->ctl[1]);
}

bool listener_finished(const struct listener *l)
{
	return atomic_load(&l->finished);
}

bool listener_ops_finished(const void *impl)
{
	return listener_finished(impl);
}

void listener_ops_stop(void *impl)
{
	listener_request_stop(impl);
}
