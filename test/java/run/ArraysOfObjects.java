public class ArraysOfObjects {
    static class P { final int x, y; P(int x, int y) { this.x = x; this.y = y; } public boolean equals(Object o) { return o instanceof P && ((P) o).x == x && ((P) o).y == y; } public int hashCode() { return 31 * x + y; } public String toString() { return x + "," + y; } }
    public static void main(String[] args) {
        P[][] grid = new P[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) grid[i][j] = new P(i, j);
        P[] diag = new P[3]; for (int i = 0; i < 3; i++) diag[i] = grid[i][i];
        System.out.println(diag[2] + " " + diag[1].equals(new P(1, 1)) + " " + (diag[1] == new P(1, 1)) + " " + new P(2, 3).hashCode());
        Object[] objs = grid; System.out.println(objs.length + " " + (objs[0] instanceof P[]) + " " + ((P[]) objs[1])[2]);
        Object[][] oo = new String[2][2]; oo[0][0] = "s"; try { oo[1][1] = new P(0, 0); } catch (ArrayStoreException e) { System.out.println("ase"); }
        int[][][] tri = new int[4][][]; for (int i = 0; i < 4; i++) { tri[i] = new int[i + 1][]; for (int j = 0; j <= i; j++) tri[i][j] = new int[j + 1]; }
        int cells = 0; for (int[][] a : tri) for (int[] b : a) cells += b.length; System.out.println(cells);
        char[][] board = { "#.#".toCharArray(), ".#.".toCharArray() }; System.out.println(new String(board[0]) + new String(board[1]) + board[1][1]);
        long[] ls = new long[5]; double[] ds = new double[5]; for (int i = 0; i < 5; i++) { ls[i] = (long) i << 40; ds[i] = i / 3.0; }
        System.out.println(ls[4] + " " + ds[4] + " " + ls.length);
        String[] copy = new String[3]; System.arraycopy(new String[] { "a", "b", "c" }, 0, copy, 0, 3); System.out.println(copy[0] + copy[1] + copy[2]);
        try { System.arraycopy(new int[2], 0, new long[2], 0, 1); } catch (ArrayStoreException e) { System.out.println("ase2"); }
        try { System.arraycopy(new int[2], 1, new int[2], 0, 2); } catch (ArrayIndexOutOfBoundsException e) { System.out.println("aioobe"); }
    }
}
