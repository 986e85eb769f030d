package java.lang;

/** The root class. hashCode and toString are native (identity based). */
public class Object {
    public Object() {}
    public native int hashCode();
    public boolean equals(Object o) { return this == o; }
    public native String toString();
}
