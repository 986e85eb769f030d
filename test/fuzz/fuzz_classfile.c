/* libFuzzer target: the class loader and verifier (and, for classes that
 * pass, a short run of their main under tight limits). Any input is either
 * rejected with a message or loads; nothing crashes, hangs or leaks, and a
 * class the verifier accepts cannot make the interpreter misbehave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vn_vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *ctx, const char *s, size_t n) { (void)ctx; (void)s; (void)n; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vn_vm_limits lim = { .heap_bytes = 1u << 20, .budget = 20000, .max_depth = 64,
				    .stack_slots = 8192 };
	struct vn_vm_host host = { .out = discard };
	struct vn_vm *vm = vn_vm_new(&lim, &host);
	if (!vm)
		abort();
	int rc = vn_vm_check_class(vm, data, size);
	if (rc != 0 && !vn_vm_error(vm)[0])
		abort();              /* a rejection always says why */
	if (rc == 0 && vn_vm_first_class(vm)) {
		char *name = strdup(vn_vm_first_class(vm));
		if (name) {
			vn_vm_run_main(vm, name, 0, NULL);
			free(name);
		}
	}
	vn_vm_free(vm);
	return 0;
}
