using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;

namespace Vpf.Core.Tests.Support;

/// <summary>Small data sets with known structure: exact samples of a known RBM, noisy copies of prototypes.</summary>
internal static class SyntheticData
{
    /// <summary>Draws <paramref name="count"/> exact samples of v from a small RBM by enumerating p(v) over all 2^n_v states.</summary>
    public static BinaryDataset SampleRbm(DeepBoltzmannMachine teacher, int count, int seed)
    {
        int nv = teacher.LayerSize(0);
        double logZ = ExactLikelihood.LogPartition(teacher);
        var cumulative = new double[1 << nv];
        var v = new float[nv];
        double acc = 0;
        for (int s = 0; s < cumulative.Length; s++)
        {
            for (int i = 0; i < nv; i++) v[i] = (s >> i) & 1;
            acc += Math.Exp(-ExactLikelihood.RbmFreeEnergy(teacher, v) - logZ);
            cumulative[s] = acc;
        }
        var rng = new Random(seed);
        var values = new float[count * nv];
        for (int r = 0; r < count; r++)
        {
            int s = Array.BinarySearch(cumulative, rng.NextDouble() * acc);
            if (s < 0) s = Math.Min(~s, cumulative.Length - 1);
            for (int i = 0; i < nv; i++) values[r * nv + i] = (s >> i) & 1;
        }
        return BinaryDataset.FromBinaryRows(values, count, nv);
    }

    /// <summary>Noisy copies (each bit flipped with probability <paramref name="noise"/>) of a few random prototypes.</summary>
    public static BinaryDataset Prototypes(int count, int dimension, int prototypes, double noise, int seed)
    {
        var rng = new Random(seed);
        var protos = new int[prototypes, dimension];
        for (int p = 0; p < prototypes; p++)
            for (int i = 0; i < dimension; i++) protos[p, i] = rng.Next(2);
        var values = new float[count * dimension];
        for (int r = 0; r < count; r++)
        {
            int p = rng.Next(prototypes);
            for (int i = 0; i < dimension; i++)
                values[r * dimension + i] = rng.NextDouble() < noise ? 1 - protos[p, i] : protos[p, i];
        }
        return BinaryDataset.FromBinaryRows(values, count, dimension);
    }

    /// <summary>All rows as float arrays (small sets only).</summary>
    public static float[][] Rows(BinaryDataset data)
    {
        var rows = new float[data.Count][];
        for (int r = 0; r < data.Count; r++)
        {
            rows[r] = new float[data.Dimension];
            data.CopyRow(r, rows[r]);
        }
        return rows;
    }

    /// <summary>The whole set as one rows × n block.</summary>
    public static float[] Block(BinaryDataset data)
    {
        var block = new float[data.Count * data.Dimension];
        data.CopyRows(Enumerable.Range(0, data.Count).ToArray(), block);
        return block;
    }
}
