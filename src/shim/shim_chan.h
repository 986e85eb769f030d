/* shim_chan — libvifshim's one control connection to vifd, shared by every
 * thread of the process and kept across exec (docs/shim.md).
 *
 * Requests are never waited for. Ordering is what makes that safe: a
 * SOCK_SEQPACKET message is delivered whole and in order, the shim sends a
 * socket's registration before the call that emits its first packet, and
 * vifd serves pending control requests before it classifies the first
 * packet of an unknown flow. Every request still gets one reply; replies
 * are taken in batches (recvmmsg) once 32 are due. There is no lock: a
 * message is atomic on the socket, the counters are atomics, so the calls
 * below are async-signal-safe (close() and dup2() may run in a handler). */
#ifndef SHIM_CHAN_H
#define SHIM_CHAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* The connection's fd, -1 when untagged (no vifd, or connection lost). */
extern _Atomic int vs_ctl;

/* Send one request. 0, or -1 if untagged or the connection broke (then
 * vs_ctl becomes -1 and one warning is printed). */
int vs_chan_send(const char *msg, size_t len);

/* Constructor: adopt the connection an exec'd parent image left in
 * VIFNET_SHIM_FD, or open a new one and register (waiting for vifd's
 * answer). Prints the one warning if vifd cannot be reached. */
void vs_chan_init(int (*real_close)(int));
/* fork() child hook (pthread_atfork): open our own connection and register
 * before fork() returns in the child. */
void vs_chan_child(void);
/* fd (the connection) is about to be dup2'ed over: move the connection. */
void vs_chan_move_away(int fd);

/* Is fd the control connection (never closed for the program). */
static inline bool vs_is_ctl(int fd)
{
	return fd >= 0 && fd == atomic_load_explicit(&vs_ctl, memory_order_relaxed);
}

#endif
