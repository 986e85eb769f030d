public class HashTable {
    static class Entry { final String key; int value; Entry next; Entry(String k, int v, Entry n) { key = k; value = v; next = n; } }
    static class Map { Entry[] buckets = new Entry[8]; int size;
        int idx(String k, int n) { return (k.hashCode() & 0x7fffffff) % n; }
        void put(String k, int v) { for (Entry e = buckets[idx(k, buckets.length)]; e != null; e = e.next) if (e.key.equals(k)) { e.value = v; return; }
            if (size * 2 > buckets.length) grow(); int i = idx(k, buckets.length); buckets[i] = new Entry(k, v, buckets[i]); size++; }
        Integer get(String k) { for (Entry e = buckets[idx(k, buckets.length)]; e != null; e = e.next) if (e.key.equals(k)) return e.value; return null; }
        void grow() { Entry[] old = buckets; buckets = new Entry[old.length * 2]; for (Entry h : old) for (Entry e = h; e != null; ) { Entry n = e.next; int i = idx(e.key, buckets.length); e.next = buckets[i]; buckets[i] = e; e = n; } } }
    public static void main(String[] args) {
        Map m = new Map();
        String text = "the quick brown fox jumps over the lazy dog the fox barks and the dog runs quick quick";
        String word = ""; for (int i = 0; i <= text.length(); i++) { char c = i < text.length() ? text.charAt(i) : ' ';
            if (c == ' ') { if (!word.isEmpty()) { Integer old = m.get(word); m.put(word, old == null ? 1 : old + 1); } word = ""; } else word += c; }
        String[] probe = { "the", "quick", "fox", "dog", "cat", "runs" };
        for (String p : probe) System.out.print(p + "=" + m.get(p) + " ");
        System.out.println("size=" + m.size + " buckets=" + m.buckets.length);
        for (int i = 0; i < 5000; i++) m.put("k" + i, i * i);
        long s = 0; for (int i = 0; i < 5000; i += 7) s += m.get("k" + i); System.out.println(s + " " + m.size + " " + "k4999".hashCode());
    }
}
