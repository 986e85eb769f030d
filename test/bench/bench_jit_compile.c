/* bench_jit_compile: the VIFlet JIT's compile cost in a process that has
 * compiled before (bench_jit.sh, issue 9). Creates ROUNDS fresh VMs one
 * after the other, each loading CLASS from CLASSPATH and running it — main()
 * (mode main), or a VIFlet started and given PACKETS packets (mode viflet, a
 * TCP/IPv4 packet to port 22, enough to compile enqueue() and dequeue()) —
 * and prints per VM: methods compiled, compile time in all minus the VM's
 * code-region set-up, and the set-up. The first VM pays the process's first
 * touch of the compiler's code and data; the later ones show the cost of a
 * VIFlet loaded into a running vifd.
 *   bench_jit_compile CLASSPATH CLASS main|viflet ROUNDS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_jit.h"
#include "vn_vm.h"

static const uint8_t tcp22[40] = {
	0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0xc0, 0x01, 0, 22, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x10, 0, 0, 0, 0, 0,
};

static const uint8_t *pkt_data(void *ctx, void *pkt, uint32_t *len)
{
	(void)ctx;
	(void)pkt;
	*len = sizeof tcp22;
	return tcp22;
}

static void quiet_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

int main(int argc, char **argv)
{
	if (argc != 5 || (strcmp(argv[3], "main") && strcmp(argv[3], "viflet"))) {
		fprintf(stderr, "usage: bench_jit_compile CLASSPATH CLASS main|viflet ROUNDS\n");
		return 2;
	}
	int rounds = atoi(argv[4]);
	struct vn_vm_host host = { .pkt_data = pkt_data, .out = quiet_out };
	static int pkts[4];
	for (int k = 0; k < rounds; k++) {
		struct vn_vm *vm = vn_vm_new(NULL, &host);
		if (!vm || vn_vm_add_classpath(vm, argv[1])) {
			fprintf(stderr, "bench_jit_compile: cannot set up the VM\n");
			return 1;
		}
		vn_vm_set_jit(vm, 1);
		int rc;
		if (!strcmp(argv[3], "main")) {
			char *none[] = { NULL };
			rc = vn_vm_run_main(vm, argv[2], 0, none);
		} else {
			rc = vn_vm_viflet_start(vm, argv[2]);
			for (int p = 0; p < 4 && rc == VN_VM_OK; p++)
				rc = vn_vm_enqueue(vm, &pkts[p]);
			void *out = &pkts[0];
			while (rc == VN_VM_OK && out)
				rc = vn_vm_dequeue(vm, &out);
		}
		if (rc != VN_VM_OK) {
			fprintf(stderr, "bench_jit_compile: %s\n", vn_vm_error(vm));
			return 1;
		}
		const struct vn_jit_stat *st;
		size_t n = vn_vm_jit_stats(vm, &st), methods = 0;
		unsigned long long ns = 0, region = 0;
		for (size_t i = 0; i < n; i++) {
			methods += st[i].compiled;
			ns += st[i].ns;
			region += st[i].region_ns;
		}
		printf("vm %d methods %zu compile_ns %llu region_ns %llu\n", k, methods, ns - region, region);
		vn_vm_free(vm);
	}
	return 0;
}
