// expect: java/util/ArrayList is not in the VIFlet class library
public class UsesCollections {
    public static void main(String[] args) { java.util.ArrayList<String> l = new java.util.ArrayList<>(); l.add("x"); System.out.println(l.size()); }
}
