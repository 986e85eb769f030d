/* Checks jit/x86_emit.h against the GNU assembler: emits many instructions
 * with every register and addressing form, and writes next to them the same
 * instructions as Intel-syntax assembly text. test/integration/x86_emit.sh
 * assembles the text with `as` and compares the bytes.
 *
 *   x86_emit_dump OUT.bin OUT.s
 *
 * Jumps are not in the comparison (the assembler would pick short forms);
 * they are checked here by patching and reading back the rel32 fields. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86_emit.h"

static const char *const R64[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				   "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const R32[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
				   "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const R16[] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
				   "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const R8[] = { "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
				  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
static const char *const CC[] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
				  "s", "ns", "p", "np", "l", "ge", "le", "g" };

static FILE *S;
static unsigned count;

static void asm_line(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(S, fmt, ap);
	va_end(ap);
	fputc('\n', S);
	count++;
}

static const char *reg(int size, int r)
{
	return size == 8 ? R64[r] : size == 4 ? R32[r] : size == 2 ? R16[r] : R8[r];
}
static const char *ptr(int size)
{
	return size == 8 ? "qword ptr" : size == 4 ? "dword ptr" : size == 2 ? "word ptr" : "byte ptr";
}

/* "[base + index*scale + disp]" */
static const char *mem(int base, int index, int scale, int32_t disp)
{
	static char b[64];
	int n = snprintf(b, sizeof(b), "[%s", R64[base]);
	if (index >= 0)
		n += snprintf(b + n, sizeof(b) - (size_t)n, " + %s*%d", R64[index], scale);
	snprintf(b + n, sizeof(b) - (size_t)n, " %c %ld]", disp < 0 ? '-' : '+',
		 disp < 0 ? -(long)disp : (long)disp);
	return b;
}

static const int32_t DISPS[] = { 0, 8, -8, 127, 128, -129, 0x12345 };
#define NDISP (int)(sizeof(DISPS) / sizeof(DISPS[0]))

static int check_jumps(void)
{
	uint8_t buf[64];
	struct x86_jit j;
	if (x86_init(&j, buf, sizeof(buf), 2))
		return 1;
	emit_jcc(&j, X86_CC_NE, 1);      /* 0: 0f 85 rel32 -> label 1 */
	x86_bind(&j, 0);                 /* 6 */
	emit_ret(&j);                    /* 6 */
	emit_jmp(&j, 0);                 /* 7: e9 rel32 -> 6 */
	x86_bind(&j, 1);                 /* 12 */
	emit_ret(&j);
	emit_call_label(&j, 0);          /* 13: e8 rel32 -> 6 */
	int bad = x86_finish(&j) != 0;
	int32_t r1, r2, r3;
	memcpy(&r1, buf + 2, 4);
	memcpy(&r2, buf + 8, 4);
	memcpy(&r3, buf + 14, 4);
	bad |= buf[0] != 0x0f || buf[1] != 0x85 || r1 != 12 - 6;
	bad |= buf[7] != 0xe9 || r2 != 6 - 12;
	bad |= buf[13] != 0xe8 || r3 != 6 - 18;
	bad |= x86_label_offset(&j, 1) != 12 || x86_label_offset(&j, 5) != X86_UNBOUND;
	x86_release(&j);
	/* an unbound label and an overflowing buffer are refused */
	if (x86_init(&j, buf, sizeof(buf), 2))
		return 1;
	emit_jmp(&j, 1);
	bad |= x86_finish(&j) == 0;
	x86_release(&j);
	if (x86_init(&j, buf, 4, 1))
		return 1;
	emit_mov_imm64(&j, X86_RAX, 0x123456789ull);
	bad |= x86_finish(&j) == 0;
	x86_release(&j);
	if (bad)
		fprintf(stderr, "x86_emit_dump: jump encoding or finish checks failed\n");
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: x86_emit_dump OUT.bin OUT.s\n");
		return 2;
	}
	if (check_jumps())
		return 1;
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	struct x86_jit j;
	S = fopen(argv[2], "w");
	if (!buf || !S || x86_init(&j, buf, cap, 1))
		return 1;
	fprintf(S, ".intel_syntax noprefix\n.text\n");

	static const struct { enum x86_alu op; const char *name; } ALU[] = {
		{ X86_ADD, "add" }, { X86_OR, "or" }, { X86_ADC, "adc" }, { X86_SBB, "sbb" },
		{ X86_AND, "and" }, { X86_SUB, "sub" }, { X86_XOR, "xor" }, { X86_CMP, "cmp" },
	};
	static const int32_t IMMS[] = { 0, 1, -1, 127, 128, -128, -129, 0x7fffffff, INT32_MIN };
	for (int a = 0; a < 16; a++) {
		for (int b = 0; b < 16; b++) {
			emit_mov32(&j, a, b);   asm_line("mov %s, %s", R32[a], R32[b]);
			emit_mov64(&j, a, b);   asm_line("mov %s, %s", R64[a], R64[b]);
			emit_test32(&j, a, b);  asm_line("test %s, %s", R32[a], R32[b]);
			emit_test64(&j, a, b);  asm_line("test %s, %s", R64[a], R64[b]);
			emit_imul(&j, 0, a, b); asm_line("imul %s, %s", R32[a], R32[b]);
			emit_imul(&j, 1, a, b); asm_line("imul %s, %s", R64[a], R64[b]);
			emit_cmov(&j, 0, (enum x86_cc)(b & 15), a, b);
			asm_line("cmov%s %s, %s", CC[b & 15], R32[a], R32[b]);
			emit_cmov(&j, 1, X86_CC_AE, a, b);
			asm_line("cmovae %s, %s", R64[a], R64[b]);
			for (size_t o = 0; o < sizeof(ALU) / sizeof(ALU[0]); o++) {
				emit_alu32(&j, ALU[o].op, a, b);
				asm_line("%s %s, %s", ALU[o].name, R32[a], R32[b]);
				emit_alu64(&j, ALU[o].op, a, b);
				asm_line("%s %s, %s", ALU[o].name, R64[a], R64[b]);
			}
		}
		for (size_t o = 0; o < sizeof(ALU) / sizeof(ALU[0]); o++)
			for (size_t i = 0; i < sizeof(IMMS) / sizeof(IMMS[0]); i++) {
				emit_alu32_imm32(&j, ALU[o].op, a, (uint32_t)IMMS[i]);
				asm_line("%s %s, %d", ALU[o].name, R32[a], IMMS[i]);
				emit_alu64_imm32(&j, ALU[o].op, a, IMMS[i]);
				asm_line("%s %s, %d", ALU[o].name, R64[a], IMMS[i]);
			}
		for (size_t i = 0; i < sizeof(IMMS) / sizeof(IMMS[0]); i++) {
			emit_imul_imm32(&j, 0, a, 15 - a, IMMS[i]);
			asm_line("imul %s, %s, %d", R32[a], R32[15 - a], IMMS[i]);
			emit_imul_imm32(&j, 1, a, a, IMMS[i]);
			asm_line("imul %s, %s, %d", R64[a], R64[a], IMMS[i]);
		}
		emit_zero32(&j, a);                  asm_line("xor %s, %s", R32[a], R32[a]);
		emit_mov_imm32(&j, a, 0xdeadbeef);   asm_line("mov %s, 0xdeadbeef", R32[a]);
		emit_mov_imm64(&j, a, 5);            asm_line("mov %s, 5", R32[a]);
		emit_mov_imm64(&j, a, (uint64_t)-2); asm_line("mov %s, -2", R64[a]);
		emit_mov_imm64(&j, a, 0x123456789abcull); asm_line("movabs %s, 0x123456789abc", R64[a]);
		emit_test32_imm32(&j, a, 0x80);      asm_line("test %s, 0x80", R32[a]);
		static const struct { enum x86_shift op; const char *name; } SH[] = {
			{ X86_ROL, "rol" }, { X86_ROR, "ror" }, { X86_SHL, "shl" },
			{ X86_SHR, "shr" }, { X86_SAR, "sar" },
		};
		for (size_t s = 0; s < 5; s++) {
			emit_shift_imm(&j, 0, SH[s].op, a, 1);  asm_line("%s %s, 1", SH[s].name, R32[a]);
			emit_shift_imm(&j, 0, SH[s].op, a, 7);  asm_line("%s %s, 7", SH[s].name, R32[a]);
			emit_shift_imm(&j, 1, SH[s].op, a, 63); asm_line("%s %s, 63", SH[s].name, R64[a]);
			emit_shift_cl(&j, 0, SH[s].op, a);      asm_line("%s %s, cl", SH[s].name, R32[a]);
			emit_shift_cl(&j, 1, SH[s].op, a);      asm_line("%s %s, cl", SH[s].name, R64[a]);
		}
		emit_rol16_8(&j, a);   asm_line("rol %s, 8", R16[a]);
		emit_bswap(&j, 0, a);  asm_line("bswap %s", R32[a]);
		emit_bswap(&j, 1, a);  asm_line("bswap %s", R64[a]);
		static const struct { enum x86_unary op; const char *name; } UN[] = {
			{ X86_NOT, "not" }, { X86_NEG, "neg" }, { X86_MUL, "mul" },
			{ X86_IMUL1, "imul" }, { X86_DIV, "div" }, { X86_IDIV, "idiv" },
		};
		for (size_t u = 0; u < 6; u++) {
			emit_unary(&j, 0, UN[u].op, a); asm_line("%s %s", UN[u].name, R32[a]);
			emit_unary(&j, 1, UN[u].op, a); asm_line("%s %s", UN[u].name, R64[a]);
		}
		for (int c = 0; c < 16; c++) {
			emit_setcc(&j, (enum x86_cc)c, a);
			asm_line("set%s %s", CC[c], R8[a]);
		}
		for (int b = 0; b < 16; b += 3) {
			int src = (a + b) % 16;
			emit_movzx_reg(&j, 1, a, src);     asm_line("movzx %s, %s", R32[a], R8[src]);
			emit_movzx_reg(&j, 2, a, src);     asm_line("movzx %s, %s", R32[a], R16[src]);
			emit_movsx_reg(&j, 0, 1, a, src);  asm_line("movsx %s, %s", R32[a], R8[src]);
			emit_movsx_reg(&j, 0, 2, a, src);  asm_line("movsx %s, %s", R32[a], R16[src]);
			emit_movsx_reg(&j, 1, 1, a, src);  asm_line("movsx %s, %s", R64[a], R8[src]);
			emit_movsx_reg(&j, 1, 2, a, src);  asm_line("movsx %s, %s", R64[a], R16[src]);
			emit_movsx_reg(&j, 1, 4, a, src);  asm_line("movsxd %s, %s", R64[a], R32[src]);
			for (size_t o = 0; o < sizeof(ALU) / sizeof(ALU[0]); o += 3) {
				int32_t disp = DISPS[(a + b + (int)o) % NDISP];
				emit_alu_load(&j, 0, ALU[o].op, a, src, disp);
				asm_line("%s %s, dword ptr %s", ALU[o].name, R32[a], mem(src, -1, 1, disp));
				emit_alu_load(&j, 1, ALU[o].op, a, src, disp);
				asm_line("%s %s, qword ptr %s", ALU[o].name, R64[a], mem(src, -1, 1, disp));
				emit_alu_store(&j, 0, ALU[o].op, src, disp, a);
				asm_line("%s dword ptr %s, %s", ALU[o].name, mem(src, -1, 1, disp), R32[a]);
				emit_alu_store(&j, 1, ALU[o].op, src, disp, a);
				asm_line("%s qword ptr %s, %s", ALU[o].name, mem(src, -1, 1, disp), R64[a]);
				emit_alu_mem_imm32(&j, 0, ALU[o].op, src, disp, IMMS[(a + b) % 9]);
				asm_line("%s dword ptr %s, %d", ALU[o].name, mem(src, -1, 1, disp), IMMS[(a + b) % 9]);
				emit_alu_mem_imm32(&j, 1, ALU[o].op, src, disp, IMMS[(a + b + 4) % 9]);
				asm_line("%s qword ptr %s, %d", ALU[o].name, mem(src, -1, 1, disp), IMMS[(a + b + 4) % 9]);
			}
		}
		emit_push(&j, a);      asm_line("push %s", R64[a]);
		emit_pop(&j, a);       asm_line("pop %s", R64[a]);
		emit_call_reg(&j, a);  asm_line("call %s", R64[a]);
		emit_jmp_reg(&j, a);   asm_line("jmp %s", R64[a]);

		/* memory: every base, no index and every non-rsp index */
		for (int base = 0; base < 16; base++) {
			for (int d = 0; d < NDISP; d++) {
				int32_t disp = DISPS[d];
				for (int size = 1; size <= 8; size *= 2) {
					emit_load(&j, size, a, base, disp);
					if (size < 4)
						asm_line("movzx %s, %s %s", R32[a], ptr(size), mem(base, -1, 1, disp));
					else
						asm_line("mov %s, %s %s", reg(size, a), ptr(size), mem(base, -1, 1, disp));
					emit_store(&j, size, a, base, disp);
					asm_line("mov %s %s, %s", ptr(size), mem(base, -1, 1, disp), reg(size, a));
					if (size < 8) {
						emit_load_sx(&j, size, a, base, disp);
						asm_line("%s %s, %s %s", size == 4 ? "movsxd" : "movsx", R64[a],
							 ptr(size), mem(base, -1, 1, disp));
					}
				}
				emit_lea(&j, 1, a, base, -1, 1, disp);
				asm_line("lea %s, %s", R64[a], mem(base, -1, 1, disp));
				emit_inc_mem(&j, 1, base, disp);
				asm_line("inc qword ptr %s", mem(base, -1, 1, disp));
				emit_inc_mem(&j, 0, base, disp);
				asm_line("inc dword ptr %s", mem(base, -1, 1, disp));
				emit_imul_load(&j, 0, a, base, disp);
				asm_line("imul %s, dword ptr %s", R32[a], mem(base, -1, 1, disp));
				emit_imul_load(&j, 1, a, base, disp);
				asm_line("imul %s, qword ptr %s", R64[a], mem(base, -1, 1, disp));
				emit_cmp8_mem_imm(&j, base, disp, (uint8_t)(a * 17));
				asm_line("cmp byte ptr %s, %d", mem(base, -1, 1, disp), a * 17);
			}
			int index = (a + base) % 16;
			if (index == X86_RSP)
				index = X86_R12;
			for (int sc = 1; sc <= 8; sc *= 2) {
				int32_t disp = DISPS[(a + base + sc) % NDISP];
				for (int size = 1; size <= 8; size *= 2) {
					emit_load_idx(&j, size, a, base, index, sc, disp);
					if (size < 4)
						asm_line("movzx %s, %s %s", R32[a], ptr(size), mem(base, index, sc, disp));
					else
						asm_line("mov %s, %s %s", reg(size, a), ptr(size), mem(base, index, sc, disp));
					emit_store_idx(&j, size, a, base, index, sc, disp);
					asm_line("mov %s %s, %s", ptr(size), mem(base, index, sc, disp), reg(size, a));
					emit_store_imm_idx(&j, size, base, index, sc, disp, -3);
					asm_line("mov %s %s, %d", ptr(size), mem(base, index, sc, disp),
						 size == 1 ? 253 : size == 2 ? 65533 : -3);
					if (size < 8) {
						emit_load_sx_idx(&j, size, a, base, index, sc, disp);
						asm_line("%s %s, %s %s", size == 4 ? "movsxd" : "movsx", R64[a],
							 ptr(size), mem(base, index, sc, disp));
					}
				}
				emit_lea(&j, 0, a, base, index, sc, disp);
				asm_line("lea %s, %s", R32[a], mem(base, index, sc, disp));
			}
		}
	}
	for (int base = 0; base < 16; base++)
		for (int size = 1; size <= 8; size *= 2) {
			emit_store_imm32(&j, size, base, 16, -3);
			asm_line("mov %s %s, %d", ptr(size), mem(base, -1, 1, 16), size == 1 ? 253 : size == 2 ? 65533 : -3);
		}
	emit_call_abs(&j, (const void *)(uintptr_t)0x7f1234567890ull, X86_R11);
	asm_line("movabs r11, 0x7f1234567890");
	count--;                                  /* two lines, one helper */
	asm_line("call r11");
	emit_cdq(&j, 0);
	asm_line("cdq");
	emit_cdq(&j, 1);
	asm_line("cqo");
	emit_ud2(&j);
	asm_line("ud2");
	emit_ret(&j);
	asm_line("ret");
	emit_align(&j, 16);
	fprintf(S, ".p2align 4, 0xcc\n");

	if (x86_finish(&j) != 0) {
		fprintf(stderr, "x86_emit_dump: buffer overflow\n");
		return 1;
	}
	FILE *o = fopen(argv[1], "wb");
	if (!o || fwrite(buf, 1, j.off, o) != j.off || fclose(o) != 0 || fclose(S) != 0)
		return 1;
	printf("%u instructions, %zu bytes\n", count, j.off);
	x86_release(&j);
	free(buf);
	return 0;
}
