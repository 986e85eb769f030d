/* nn_perm — protection decisions (see nn_perm.h for the rules). */
#include "nn_perm.h"

#include <errno.h>
#include <unistd.h>

#include "vn_vif.h"

int nn_in_group(const struct nn_cred *c, gid_t g)
{
	if (c->gid == g)
		return 1;
	if (c->ngroups < 0)
		return -1;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return 1;
	return 0;
}

int nn_perm_mode(const struct nn_cred *c, uid_t owner, gid_t group, unsigned mode, int want)
{
	unsigned w = (unsigned)want & 7;
	if (c->uid == 0)
		return 0;
	if (c->uid == owner)
		return ((mode >> 6) & w) == w ? 0 : -EACCES;
	unsigned g = (mode >> 3) & w, o = mode & w;
	if (g == o && c->gid != group)   /* the answer does not depend on the group */
		return o == w ? 0 : -EACCES;
	int in = nn_in_group(c, group);
	if (in < 0)
		return NN_NEED_GROUPS;
	return (in ? g : o) == w ? 0 : -EACCES;
}

unsigned nn_file_mode(unsigned row_mode, unsigned dir_mode)
{
	return row_mode & dir_mode & 0666;
}

int nn_perm_chmod(const struct nn_cred *c, uid_t owner)
{
	return c->uid == 0 || c->uid == owner ? 0 : -EPERM;
}

int nn_perm_chown(const struct nn_cred *c, uid_t owner, gid_t group, uid_t nuid, gid_t ngid)
{
	if (c->uid == 0)
		return 0;
	if (c->uid != owner)
		return -EPERM;
	if (nuid != (uid_t)-1 && nuid != owner)
		return -EPERM;
	if (ngid == (gid_t)-1 || ngid == group)
		return 0;
	int in = nn_in_group(c, ngid);
	if (in < 0)
		return NN_NEED_GROUPS;
	return in ? 0 : -EPERM;
}

int nn_perm_attach(const struct nn_cred *c, uid_t proc_uid, const struct vn_vif *cur,
		   const struct vn_vif *target)
{
	if (c->uid == 0)
		return 0;
	if (c->uid != proc_uid)
		return -EPERM;
	if (cur && !vn_vif_is_ancestor(cur, target))
		return -EACCES;     /* up or sideways */
	return 0;
}

int nn_perm_detach(const struct nn_cred *c, uid_t proc_uid, bool socket)
{
	if (c->uid == 0)
		return 0;
	if (c->uid != proc_uid || !socket)
		return -EPERM;
	return 0;
}
