public class Sorting {
    static class Item implements Comparable<Item> { final int key; final String name; Item(int k, String n) { key = k; name = n; }
        public int compareTo(Item o) { return Integer.compare(key, o.key); } public String toString() { return name + ":" + key; } }
    static void sort(Comparable[] a) {
        for (int i = 1; i < a.length; i++) { Comparable x = a[i]; int j = i - 1; while (j >= 0 && a[j].compareTo(x) > 0) { a[j + 1] = a[j]; j--; } a[j + 1] = x; }
    }
    static void quick(int[] a, int lo, int hi) { if (lo >= hi) return; int p = a[(lo + hi) >>> 1], i = lo, j = hi;
        while (i <= j) { while (a[i] < p) i++; while (a[j] > p) j--; if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; } } quick(a, lo, j); quick(a, i, hi); }
    public static void main(String[] args) {
        int seed = 12345; Item[] items = new Item[20];
        for (int i = 0; i < items.length; i++) { seed = seed * 1103515245 + 12345; items[i] = new Item((seed >>> 16) % 100, "n" + i); }
        sort(items); StringBuilder sb = new StringBuilder(); for (Item it : items) sb.append(it).append(' '); System.out.println(sb);
        int[] a = new int[1000]; for (int i = 0; i < a.length; i++) { seed = seed * 1103515245 + 12345; a[i] = seed % 1000; }
        quick(a, 0, a.length - 1); boolean ok = true; for (int i = 1; i < a.length; i++) if (a[i - 1] > a[i]) ok = false;
        System.out.println(ok + " " + a[0] + " " + a[999] + " " + a[500]);
        String[] words = { "pear", "apple", "fig", "banana" }; sort(words); System.out.println(words[0] + words[1] + words[2] + words[3]);
    }
}
