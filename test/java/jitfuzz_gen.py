#!/usr/bin/env python3
"""Differential test generator for the VIFlet JIT: random int/long methods
(straight-line expressions, loops with back-edges, arrays, fields, calls,
division and shifts with edge values, exceptions thrown and caught in the
method or its caller) as Java source. Usage: jitfuzz_gen.py SEED COUNT DIR
writes DIR/JF<SEED>_<k>.java; each main prints every result."""
import random
import sys

INTS = ["0", "1", "-1", "2", "7", "31", "-128", "65535", "Integer.MIN_VALUE", "Integer.MAX_VALUE", "0x5a5a5a5a"]
LONGS = ["0L", "1L", "-1L", "3L", "Long.MIN_VALUE", "Long.MAX_VALUE", "0x123456789abcL", "-4096L"]


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def const(self, t):
        if self.r.random() < 0.5:
            return self.r.choice(INTS if t == "I" else LONGS)
        v = self.r.randint(-1000, 1000)
        return str(v) if t == "I" else str(v) + "L"

    def expr(self, t, vs, d):
        r = self.r
        ivs = [v for v, vt in vs if vt == "I"]
        lvs = [v for v, vt in vs if vt == "J"]
        pool = ivs if t == "I" else lvs
        if d <= 0 or r.random() < 0.2:
            if pool and r.random() < 0.75:
                return r.choice(pool)
            return self.const(t)
        k = r.randrange(12)
        if k <= 4:
            op = r.choice(["+", "-", "*", "&", "|", "^", "+", "-", "*", "+", "/", "%"])
            rhs = self.expr(t, vs, d - 1)
            if op in "/%" and r.random() < 0.8:
                rhs = "(%s | 1)" % rhs      # mostly no division by zero, so results stay visible
            return "(%s %s %s)" % (self.expr(t, vs, d - 1), op, rhs)
        if k == 5:
            op = r.choice(["<<", ">>", ">>>"])
            return "(%s %s %s)" % (self.expr(t, vs, d - 1), op, self.expr("I", vs, d - 1))
        if k == 6:
            return "(%s %s)" % (r.choice(["-", "~"]), self.expr(t, vs, d - 1))
        if k == 7:
            if t == "I":
                return "((int) %s)" % self.expr("J", vs, d - 1)
            return "((long) %s)" % self.expr("I", vs, d - 1)
        if k == 8:
            c = r.choice(["<", "<=", ">", ">=", "==", "!="])
            ct = r.choice("IJ")
            return "(%s %s %s ? %s : %s)" % (self.expr(ct, vs, d - 1), c, self.expr(ct, vs, d - 1),
                                              self.expr(t, vs, d - 1), self.expr(t, vs, d - 1))
        if k == 9:
            arr = "ia" if t == "I" else "la"
            return "%s[%s & 7]" % (arr, self.expr("I", vs, d - 1))
        if k == 10 and t == "I":
            return "((%s) %s)" % (r.choice(["byte", "short", "char"]), self.expr("I", vs, d - 1))
        if k == 10:
            return "(sf%s + %s)" % (t, self.expr(t, vs, d - 1))
        return "h%s(%s, %s)" % (t, self.expr("I", vs, d - 1), self.expr("J", vs, d - 1))

    def stmts(self, vs, d, n, loops):
        r = self.r
        out = []
        for _ in range(n):
            k = r.randrange(10)
            ivs = [v for v, vt in vs if vt == "I"]
            if k <= 3 or d <= 0:
                v, vt = r.choice(vs[:4])   # never a loop variable: loops stay bounded
                op = r.choice(["=", "+=", "-=", "^=", "*="])
                out.append("%s %s %s;" % (v, op, self.expr(vt, vs, 3)))
            elif k == 4:
                t = r.choice("IJ")
                arr = "ia" if t == "I" else "la"
                out.append("%s[%s & 7] = %s;" % (arr, self.expr("I", vs, 2), self.expr(t, vs, 3)))
            elif k == 5 and loops > 0:
                iv = "i%d" % d
                bound = r.choice(["8", "3", "(%s & 15)" % (r.choice(ivs) if ivs else "5")])
                body = self.stmts(vs + [(iv, "I")], d - 1, r.randint(1, 3), loops - 1)
                out.append("for (int %s = 0; %s < %s; %s++) { %s }" % (iv, iv, bound, iv, " ".join(body)))
            elif k == 6 and loops > 0:
                wv = "w%d" % d
                body = self.stmts(vs + [(wv, "I")], d - 1, r.randint(1, 2), loops - 1)
                out.append("{ int %s = 0; while (true) { if (%s++ > %d) break; %s if ((%s & 3) == 3) continue; } }"
                           % (wv, wv, r.randint(0, 9), " ".join(body), self.expr("I", vs, 1)))
            elif k == 7:
                c = r.choice(["<", ">=", "==", "!="])
                out.append("if (%s %s %s) { %s } else { %s }" % (
                    self.expr("I", vs, 2), c, self.expr("I", vs, 2),
                    " ".join(self.stmts(vs, d - 1, 1, loops)), " ".join(self.stmts(vs, d - 1, 1, loops))))
            elif k == 8:
                out.append("try { %s } catch (ArithmeticException e) { x ^= 77; }" %
                           " ".join(self.stmts(vs, d - 1, 2, loops)))
            else:
                t = r.choice("IJ")
                out.append("sf%s += %s;" % (t, self.expr(t, vs, 2)))
        return out

    def method(self, name):
        vs = [("x", "I"), ("y", "J"), ("a", "I"), ("b", "J")]
        body = self.stmts(vs, 3, self.r.randint(3, 7), 2)
        return ("    static long %s(int x, long y) {\n        int a = x + 1; long b = y - 1;\n"
                "        %s\n        return a + b + x + y;\n    }\n" % (name, "\n        ".join(body)))


def program(seed, k):
    rnd = random.Random(seed * 1000 + k)
    g = Gen(rnd)
    name = "JF%d_%d" % (seed, k)
    ms = ["m%d" % i for i in range(rnd.randint(2, 4))]
    src = ["public class %s {" % name,
           "    static int[] ia = new int[8]; static long[] la = new long[8];",
           "    static int sfI = 3; static long sfJ = 5L;",
           "    static int hI(int p, long q) { return (int) (p * 31 + q); }",
           "    static long hJ(int p, long q) { return q * 7 - p; }"]
    for m in ms:
        src.append(g.method(m))
    inputs = [("0", "0L"), ("1", "-1L"), ("-1", "1L"), ("Integer.MIN_VALUE", "Long.MIN_VALUE"),
              ("Integer.MAX_VALUE", "Long.MAX_VALUE")]
    inputs += [(str(rnd.randint(-10**6, 10**6)), str(rnd.randint(-10**12, 10**12)) + "L") for _ in range(3)]
    main = ["    public static void main(String[] args) {", "        long acc = 0;"]
    for m in ms:
        for x, y in inputs:
            main.append("        try { long r = %s(%s, %s); acc = acc * 31 + r; System.out.println(\"%s \" + r); }"
                        " catch (ArithmeticException e) { System.out.println(\"%s arith\"); }"
                        " catch (ArrayIndexOutOfBoundsException e) { System.out.println(\"%s aioobe\"); }" % (m, x, y, m, m, m))
    main.append("        long s = 0; for (int i = 0; i < 8; i++) s = s * 17 + ia[i] + la[i];")
    main.append("        System.out.println(\"acc \" + acc + \" arrays \" + s + \" statics \" + sfI + \" \" + sfJ);")
    main.append("    }")
    src += main
    src.append("}")
    return name, "\n".join(src) + "\n"


def main():
    seed, count, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for k in range(count):
        name, text = program(seed, k)
        with open("%s/%s.java" % (out, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
