/* shim_chan — libvifshim's one control connection to vifd, shared by every
 * thread of the process and kept across exec (docs/shim.md).
 *
 * Every request gets exactly one reply, in order. Synchronous requests (the
 * ones that must reach vifd before a packet does: bind, connect, the first
 * sendto) wait for their reply; the others (socket, accept, dup, close) are
 * sent without waiting and their replies are counted and read later.
 * The lock is a spin lock taken with all signals blocked, so the calls below
 * are async-signal-safe (close() and dup2() may run in a signal handler) and
 * a handler can never interrupt a thread that holds it. */
#ifndef SHIM_CHAN_H
#define SHIM_CHAN_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* The connection's fd, -1 when untagged (no vifd, or connection lost). */
extern _Atomic int vs_ctl;

void vs_lock(sigset_t *old);
void vs_unlock(const sigset_t *old);

/* With the lock held. 0 if vifd answered "ok"; -1 otherwise (error reply,
 * or the connection broke: then vs_ctl becomes -1 and one warning is printed). */
int vs_chan_sync(const char *msg, size_t len);
/* With the lock held: send without waiting. 0, or -1 if the connection broke. */
int vs_chan_async(const char *msg, size_t len);

/* Constructor: adopt the connection an exec'd parent image left in
 * VIFNET_SHIM_FD, or open a new one and register. Prints the one warning
 * if vifd cannot be reached. */
void vs_chan_init(int (*real_close)(int));
/* fork() hooks (pthread_atfork): the child opens its own connection and
 * registers before fork() returns in it. */
void vs_chan_prepare(void);
void vs_chan_parent(void);
void vs_chan_child(void);
/* newfd is about to be dup2'ed over: move the connection elsewhere first
 * (lock held). */
void vs_chan_move_away(void);

/* Is fd the control connection (never closed for the program). */
static inline bool vs_is_ctl(int fd)
{
	return fd >= 0 && fd == atomic_load_explicit(&vs_ctl, memory_order_relaxed);
}

#endif
