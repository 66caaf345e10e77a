using static Vpf.Kernels.Tests.MatrixProductTestData;

namespace Vpf.Kernels.Tests;

[Collection(MatrixProductSettingsCollection.Name)]
public class MatrixProductTests
{
    public static TheoryData<int, ProductShape> WidthsAndShapes()
    {
        var data = new TheoryData<int, ProductShape>();
        foreach (int bits in new[] { 256, 128, 0 })
            foreach (ProductShape shape in Enum.GetValues<ProductShape>())
                data.Add(bits, shape);
        return data;
    }

    /// <summary>Runs one product on fresh operands and checks it against the double reference.</summary>
    private static void Check(ProductShape shape, Random rng, int m, int k, int n, bool accumulate, float alpha = 1f,
        int offset = 0, string context = "")
    {
        float[] a = Random(rng, m * k, offset), b = Random(rng, k * n, offset);
        const int guard = 5; // values past the end of C that must stay untouched
        float[] c = Random(rng, m * n + guard, offset);
        float[] before = (float[])c.Clone();

        var (expected, scale) = Reference(shape, a.AsSpan(offset), b.AsSpan(offset), c.AsSpan(offset), m, k, n, accumulate, alpha);
        Invoke(shape, a.AsSpan(offset), b.AsSpan(offset), c.AsSpan(offset), m, k, n, accumulate, alpha);

        string where = $"{shape} m={m} k={k} n={n} accumulate={accumulate} alpha={alpha} offset={offset} {context}";
        AssertClose(expected, scale, c.AsSpan(offset, m * n), where);
        Assert.Equal(before.AsSpan(0, offset).ToArray(), c.AsSpan(0, offset).ToArray());
        Assert.Equal(before.AsSpan(offset + m * n).ToArray(), c.AsSpan(offset + m * n).ToArray());
    }

    [Theory]
    [MemberData(nameof(WidthsAndShapes))]
    public void AllSmallShapesMatchReference(int bits, ProductShape shape)
    {
        using var _ = new SettingsScope(bits);
        var rng = new Random(bits + (int)shape);
        // Every m and n up to 3 tiles wide plus one covers full tiles, every partial tile and empty matrices.
        foreach (int k in new[] { 0, 1, 2, 5, 17 })
            for (int m = 0; m <= 25; m++)
                for (int n = 0; n <= 25; n++)
                    Check(shape, rng, m, k, n, accumulate: (m + n) % 2 == 1, alpha: 0.5f, context: $"bits={bits}");
    }

    public static TheoryData<int, ProductShape, int, int, int> AwkwardShapes()
    {
        var data = new TheoryData<int, ProductShape, int, int, int>();
        (int M, int K, int N)[] shapes =
        [
            (1, 1, 1), (1, 300, 1), (1, 37, 500), (500, 37, 1), (7, 13, 29), (13, 29, 7), (29, 7, 13),
            (6, 256, 16), (12, 512, 32), // whole tiles and whole depth blocks
            (37, 1100, 45),              // several uneven depth blocks
            (301, 20, 40),               // several row blocks
            (20, 30, 4500),              // several column blocks
            (101, 783, 499),             // a training shape, off by one everywhere
        ];
        foreach (int bits in new[] { 256, 128, 0 })
            foreach (ProductShape shape in Enum.GetValues<ProductShape>())
                foreach (var (m, k, n) in shapes)
                    data.Add(bits, shape, m, k, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(AwkwardShapes))]
    public void AwkwardShapesMatchReference(int bits, ProductShape shape, int m, int k, int n)
    {
        using var _ = new SettingsScope(bits);
        var rng = new Random(m * 31 + k * 7 + n);
        Check(shape, rng, m, k, n, accumulate: false, alpha: 1f, context: $"bits={bits}");
        Check(shape, rng, m, k, n, accumulate: true, alpha: -0.75f, context: $"bits={bits}");
    }

    [Theory]
    [MemberData(nameof(WidthsAndShapes))]
    public void UnalignedSlicesMatchReference(int bits, ProductShape shape)
    {
        using var _ = new SettingsScope(bits);
        var rng = new Random(17);
        foreach (int offset in new[] { 1, 3 })
            foreach (var (m, k, n) in new[] { (13, 70, 37), (6, 16, 16), (50, 9, 33) })
            {
                Check(shape, rng, m, k, n, accumulate: true, alpha: 2f, offset: offset, context: $"bits={bits}");
                Check(shape, rng, m, k, n, accumulate: false, offset: offset, context: $"bits={bits}");
            }
    }

    [Theory]
    [InlineData(256, 1f)]
    [InlineData(256, -0.01f)]
    [InlineData(128, 3.5f)]
    [InlineData(0, -2f)]
    public void AlphaScalesTheAccumulatedProduct(int bits, float alpha)
    {
        using var _ = new SettingsScope(bits);
        var rng = new Random(5);
        Check(ProductShape.AccumulateTransposedProduct, rng, 50, 100, 70, accumulate: true, alpha: alpha);

        // alpha = 0 must leave C exactly as it was.
        float[] a = Random(rng, 30 * 20), b = Random(rng, 30 * 10), c = Random(rng, 20 * 10);
        float[] before = (float[])c.Clone();
        MatrixProduct.AccumulateTransposedProduct(a, b, c, 20, 30, 10, alpha: 0f);
        Assert.Equal(before, c);
    }

    [Theory]
    [MemberData(nameof(WidthsAndShapes))]
    public void EmptyDepthClearsOrKeepsC(int bits, ProductShape shape)
    {
        using var _ = new SettingsScope(bits);
        float[] c = [1, 2, 3, 4, 5, 6];
        Invoke(shape, [], [], c, 2, 0, 3, accumulate: true, alpha: 3f);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        if (shape != ProductShape.AccumulateTransposedProduct)
        {
            Invoke(shape, [], [], c, 2, 0, 3, accumulate: false, alpha: 1f);
            Assert.Equal(new float[6], c);
        }
    }

    public static TheoryData<int, ProductShape, int, int, int> ThreadShapes()
    {
        var data = new TheoryData<int, ProductShape, int, int, int>();
        (int M, int K, int N)[] shapes = [(100, 784, 500), (97, 300, 131), (1000, 64, 70), (7, 33, 200), (200, 33, 7)];
        foreach (int bits in new[] { 256, 128, 0 })
            foreach (ProductShape shape in Enum.GetValues<ProductShape>())
                foreach (var (m, k, n) in shapes)
                    data.Add(bits, shape, m, k, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(ThreadShapes))]
    public void ResultsDoNotDependOnThreadCount(int bits, ProductShape shape, int m, int k, int n)
    {
        var rng = new Random(m + k + n);
        float[] a = Random(rng, m * k), b = Random(rng, k * n), c0 = Random(rng, m * n);

        float[] Run(int threads)
        {
            // A tiny work threshold forces a split even of the small shapes, and 3 threads gives uneven ranges.
            using var _ = new SettingsScope(bits, threads, minWorkPerThread: 1);
            float[] c = (float[])c0.Clone();
            Invoke(shape, a, b, c, m, k, n, accumulate: true, alpha: 0.25f);
            Invoke(shape, a, b, c, m, k, n, accumulate: false, alpha: 0.25f);
            return c;
        }

        float[] single = Run(1);
        Assert.Equal(single, Run(2));
        Assert.Equal(single, Run(3));
        var (expected, scale) = Reference(shape, a, b, c0, m, k, n, accumulate: shape == ProductShape.AccumulateTransposedProduct, 0.25f);
        if (shape == ProductShape.AccumulateTransposedProduct)
        {
            // Two accumulations of the same product.
            for (int e = 0; e < expected.Length; e++) { expected[e] += expected[e] - c0[e]; scale[e] *= 2; }
        }
        AssertClose(expected, scale, single, $"{shape} bits={bits}");
    }

    [Theory]
    [InlineData(ProductShape.Multiply)]
    [InlineData(ProductShape.MultiplyByTransposed)]
    [InlineData(ProductShape.AccumulateTransposedProduct)]
    public void NegativeDimensionsAreRejected(ProductShape shape)
    {
        float[] x = new float[4];
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Invoke(shape, x, x, x, -1, 2, 2, false, 1f));
        Assert.Equal("m", exception.ParamName);
        exception = Assert.Throws<ArgumentOutOfRangeException>(() => Invoke(shape, x, x, x, 2, -2, 2, false, 1f));
        Assert.Equal("k", exception.ParamName);
        exception = Assert.Throws<ArgumentOutOfRangeException>(() => Invoke(shape, x, x, x, 2, 2, -3, false, 1f));
        Assert.Equal("n", exception.ParamName);
    }

    [Theory]
    [InlineData(ProductShape.Multiply)]
    [InlineData(ProductShape.MultiplyByTransposed)]
    [InlineData(ProductShape.AccumulateTransposedProduct)]
    public void ShortSpansAreRejectedWithNeededAndGivenLengths(ProductShape shape)
    {
        const int m = 3, k = 4, n = 5;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        float[] cBefore = (float[])c.Clone();

        var exception = Assert.Throws<ArgumentException>(() => Invoke(shape, a.AsSpan(1), b, c, m, k, n, false, 1f));
        Assert.Equal("a", exception.ParamName);
        Assert.Contains("12", exception.Message);
        Assert.Contains("11", exception.Message);

        exception = Assert.Throws<ArgumentException>(() => Invoke(shape, a, b.AsSpan(0, 19), c, m, k, n, false, 1f));
        Assert.Equal("b", exception.ParamName);
        Assert.Contains("20", exception.Message);
        Assert.Contains("19", exception.Message);

        exception = Assert.Throws<ArgumentException>(() => Invoke(shape, a, b, c.AsSpan(0, 14), m, k, n, false, 1f));
        Assert.Equal("c", exception.ParamName);
        Assert.Contains("15", exception.Message);
        Assert.Contains("14", exception.Message);
        Assert.Equal(cBefore, c);
    }
}
