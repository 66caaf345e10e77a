namespace Vpf.Core; /// <summary>x</summary>
public static class Placeholder { }
