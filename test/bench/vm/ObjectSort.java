// The Object sort benchmark (seed VI.2.1.1, Figure 6.5): creates an array of
// objects with pseudo-random keys, sorts it (quicksort through a virtual
// compare), checks the order; repeated for a fixed number of rounds.
public class ObjectSort {
    static class Item { final int key; Item(int k) { key = k; } int compare(Item o) { return key - o.key; } }
    static void sort(Item[] a, int lo, int hi) {
        while (lo < hi) {
            Item p = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i].compare(p) < 0) i++;
                while (a[j].compare(p) > 0) j--;
                if (i <= j) { Item t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
            }
            if (j - lo < hi - i) { sort(a, lo, j); lo = i; } else { sort(a, i, hi); hi = j; }
        }
    }
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int n = 10000, seed = 1, bad = 0;
        long t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            Item[] a = new Item[n];
            for (int i = 0; i < n; i++) { seed = seed * 1103515245 + 12345; a[i] = new Item((seed >>> 8) & 0xfffff); }
            sort(a, 0, n - 1);
            for (int i = 1; i < n; i++) if (a[i - 1].key > a[i].key) bad++;
        }
        long t1 = System.nanoTime();
        System.out.println("bad " + bad + " ms " + (t1 - t0) / 1000000);
    }
}
