public class Arrays1 {
    public static void main(String[] args) {
        int[][] grid = new int[4][5];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) grid[i][j] = i * j;
        int sum = 0; for (int[] row : grid) for (int v : row) sum += v; System.out.println(sum);
        long[][][] cube = new long[2][3][4]; cube[1][2][3] = Long.MAX_VALUE; System.out.println(cube[1][2][3] + " " + cube[0].length + " " + cube[0][0].length);
        int[][] jag = new int[3][]; jag[0] = new int[1]; jag[2] = new int[] { 1, 2, 3 }; System.out.println(jag[1] == null ? "null row" : "row");
        String[][] names = { { "a", "b" }, { "c" } }; System.out.println(names[1][0] + names[0].length);
        byte[] bs = new byte[3]; bs[0] = (byte) 255; bs[1] = 127; bs[2] += 200; System.out.println(bs[0] + " " + bs[1] + " " + bs[2]);
        char[] cs = new char[3]; cs[0] = 'x'; cs[1] = (char) 65535; System.out.println((int) cs[1] + " " + (int) cs[2] + cs[0]);
        short[] ss = { -1, 32767 }; ss[1]++; System.out.println(ss[0] + " " + ss[1]);
        boolean[] zs = new boolean[2]; zs[1] = true; System.out.println(zs[0] + " " + zs[1]);
        float[] fa = { 1.5f, -0f }; double[] da = new double[2]; da[1] = fa[0] * 2; System.out.println(fa[1] + " " + da[0] + " " + da[1]);
        Object[] objs = new Object[] { 1, "two", 3.0, null, new int[0] }; System.out.println(objs.length + " " + objs[1] + " " + objs[3]);
        int[] copy = new int[5]; int[] src = { 1, 2, 3, 4, 5 }; System.arraycopy(src, 1, copy, 0, 4); System.arraycopy(copy, 0, copy, 1, 3);
        StringBuilder sb = new StringBuilder(); for (int v : copy) sb.append(v).append(' '); System.out.println(sb);
        int[][] m3 = new int[2][]; System.out.println(m3.length + " " + (m3[0] == null));
        int[] empty = new int[0]; System.out.println(empty.length);
        Object o = grid; System.out.println((o instanceof int[][]) + " " + (o instanceof Object[]) + " " + (objs instanceof Object[]));
        int[] big = new int[100000]; for (int i = 0; i < big.length; i++) big[i] = i; long t = 0; for (int v : big) t += v; System.out.println(t);
    }
}
