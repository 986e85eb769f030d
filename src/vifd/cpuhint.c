/* The CPU of the last process that sent into a device (cpuhint.h).
 *
 * Every device gets the same tiny eBPF filter (TUNSETFILTEREBPF). The kernel
 * runs it in the sender's context as the packet enters the device; it
 * stores bpf_get_smp_processor_id() into a one-element array map and keeps
 * the whole packet. The map is mmap'ed, so the loop reads the hint from
 * memory, without a system call. */
#include "cpuhint.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_tun.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

struct vd_cpuhint {
	int map_fd, prog_fd;
	volatile const uint32_t *cpu;   /* the map's value, mmap'ed */
	size_t maplen;
};

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof *a);
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static int load_prog(int map_fd)
{
	const struct bpf_insn prog[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),        /* r6 = skb */
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_smp_processor_id),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_7, BPF_REG_0, 0, 0),        /* r7 = cpu */
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),                /* key 0 on the stack */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 1, 0),                 /* NULL: skip */
		INSN(BPF_STX | BPF_MEM | BPF_W, BPF_REG_0, BPF_REG_7, 0, 0),          /* value = cpu */
		INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_0, BPF_REG_6, (int16_t)offsetof(struct __sk_buff, len), 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),                                /* keep it all */
	};
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = sizeof prog / sizeof prog[0];
	a.license = (uint64_t)(uintptr_t)"Dual BSD/GPL";
	return sys_bpf(BPF_PROG_LOAD, &a);
}

struct vd_cpuhint *vd_cpuhint_new(void)
{
	struct vd_cpuhint *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->map_fd = h->prog_fd = -1;
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	a.map_flags = BPF_F_MMAPABLE;
	h->map_fd = sys_bpf(BPF_MAP_CREATE, &a);
	if (h->map_fd < 0)
		goto fail;
	h->maplen = (size_t)sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, h->maplen, PROT_READ, MAP_SHARED, h->map_fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	h->cpu = m;
	h->prog_fd = load_prog(h->map_fd);
	if (h->prog_fd < 0)
		goto fail;
	return h;
fail:
	vd_info("no sender CPU hints (eBPF: %s): the data path stays where it is", strerror(errno));
	vd_cpuhint_free(h);
	return NULL;
}

int vd_cpuhint_attach(struct vd_cpuhint *h, int tunfd)
{
	int fd = h->prog_fd;
	return ioctl(tunfd, TUNSETFILTEREBPF, &fd) < 0 ? -errno : 0;
}

void vd_cpuhint_detach(int tunfd)
{
	int fd = -1;
	ioctl(tunfd, TUNSETFILTEREBPF, &fd);
}

uint32_t vd_cpuhint_get(const struct vd_cpuhint *h)
{
	return *h->cpu;
}

void vd_cpuhint_free(struct vd_cpuhint *h)
{
	if (!h)
		return;
	if (h->cpu)
		munmap((void *)(uintptr_t)h->cpu, h->maplen);
	if (h->prog_fd >= 0)
		close(h->prog_fd);
	if (h->map_fd >= 0)
		close(h->map_fd);
	free(h);
}
