/* nn_perm — the protection decisions of nnfs (SPEC section 5, seed III.2.2),
 * as pure functions of the caller's credentials and the node's owner and
 * mode, so they are tested without a mount.
 *
 * Root (uid 0) may do everything the tree allows. For other callers:
 *  - mode bits are honoured the Unix way (owner, then group, then other
 *    class): reading a VIF's parameter needs r, writing it w, creating or
 *    removing a child VIF needs w and x on the parent, looking up a name in
 *    a VIF directory x. Files take their bits from their row masked by the
 *    directory's mode, so `chmod g+w` on the directory delegates its files
 *    and its children (rule 1).
 *  - only the owner changes the mode; only root changes the owner; the owner
 *    may change the group to one of his groups (the chown(2) rules) -> EPERM.
 *  - attaching a process or socket: only by the process's own uid (else
 *    EPERM), only to the VIF it is on now or below (rule 3, else EACCES:
 *    the same answers as vn_registry's).
 *  - detaching a socket (rm) sends it back to its process's VIF, which rule
 *    3 allows; detaching a process would move it up to the root: root only.
 * Rule 2 (inheritance on fork) is the registry's; rule 4 (only leaves are
 * removed) is the tree's ENOTEMPTY for everybody. */
#ifndef NN_PERM_H
#define NN_PERM_H

#include <stdbool.h>
#include <sys/types.h>

struct vn_vif;

#define NN_GROUPS_MAX 64
/* Returned (positive) when the answer depends on the caller's supplementary
 * groups and cred->ngroups < 0: fetch them and ask again. */
#define NN_NEED_GROUPS 1

struct nn_cred {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int ngroups;                    /* -1: not fetched yet */
	gid_t groups[NN_GROUPS_MAX];
};

/* 1 member, 0 not, -1 unknown (groups not fetched) */
int nn_in_group(const struct nn_cred *c, gid_t g);

/* want: R_OK|W_OK|X_OK. 0, -EACCES or NN_NEED_GROUPS. */
int nn_perm_mode(const struct nn_cred *c, uid_t owner, gid_t group, unsigned mode, int want);

/* Permission bits of a parameter file: its row's bits masked by its VIF's. */
unsigned nn_file_mode(unsigned row_mode, unsigned dir_mode);

/* chmod on a VIF directory. 0 or -EPERM. */
int nn_perm_chmod(const struct nn_cred *c, uid_t owner);
/* chown; (uid_t)-1 / (gid_t)-1 leave that id. 0, -EPERM or NN_NEED_GROUPS. */
int nn_perm_chown(const struct nn_cred *c, uid_t owner, gid_t group, uid_t nuid, gid_t ngid);

/* Attach a process or socket of proc_uid, now on `cur`, to `target`. 0, -EPERM, -EACCES. */
int nn_perm_attach(const struct nn_cred *c, uid_t proc_uid, const struct vn_vif *cur,
		   const struct vn_vif *target);
/* Detach (rm the link). 0 or -EPERM. */
int nn_perm_detach(const struct nn_cred *c, uid_t proc_uid, bool socket);

#endif
