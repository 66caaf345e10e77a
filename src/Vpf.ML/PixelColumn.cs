using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vpf.ML;

/// <summary>
/// The one rule for the pixel column: it must exist and be a known-size vector of Single, of as many items as the
/// model has visible units once that is known. Called by <see cref="VpfFeaturizerEstimator.GetOutputSchema"/> (before
/// any data, where vector sizes are not known) and by <see cref="VpfFeaturizerEstimator.Fit"/>.
/// </summary>
internal static class PixelColumn
{
    /// <summary>What a column looks like, from either kind of schema.</summary>
    private readonly record struct Shape(bool IsVector, bool HasKnownSize, DataViewType ItemType, int Size, string Description);

    /// <summary>Checks the column in a schema shape (sizes unknown); throws <see cref="ArgumentOutOfRangeException"/> for <paramref name="parameterName"/>.</summary>
    public static void Validate(SchemaShape inputSchema, string column, string parameterName)
    {
        Shape? shape = null;
        var matches = inputSchema.Where(c => c.Name == column).ToList();
        if (matches.Count > 0)
        {
            var found = matches[^1];
            bool isVector = found.Kind != SchemaShape.Column.VectorKind.Scalar;
            bool known = found.Kind == SchemaShape.Column.VectorKind.Vector;
            string description = found.Kind switch
            {
                SchemaShape.Column.VectorKind.Scalar => found.ItemType.ToString() ?? "",
                SchemaShape.Column.VectorKind.Vector => $"Vector<{found.ItemType}>",
                _ => $"Vector<{found.ItemType}> of variable size",
            };
            shape = new Shape(isVector, known, found.ItemType, 0, description);
        }
        Check(column, shape, expectedSize: null, Names(inputSchema.Select(c => c.Name)), parameterName);
    }

    /// <summary>Checks the column in a data schema and returns it; <paramref name="expectedSize"/> is the model's visible size when known.</summary>
    public static DataViewSchema.Column Validate(DataViewSchema schema, string column, int? expectedSize, string parameterName)
    {
        var found = schema.GetColumnOrNull(column);
        Shape? shape = null;
        if (found is { } c)
        {
            string description = (c.Type is VectorDataViewType { IsKnownSize: false } ? $"{c.Type} of variable size" : c.Type.ToString()) ?? "";
            shape = c.Type is VectorDataViewType v
                ? new Shape(true, v.IsKnownSize, v.ItemType, v.Size, description)
                : new Shape(false, false, c.Type, 0, description);
        }
        Check(column, shape, expectedSize, Names(schema.Where(x => !x.IsHidden).Select(x => x.Name)), parameterName);
        return found!.Value;
    }

    private static void Check(string column, Shape? found, int? expectedSize, string available, string parameterName)
    {
        string expected = expectedSize is int n ? $"known-size vector of Single of {n} items" : "known-size vector of Single";
        string? got = found switch
        {
            null => $"no such column (the schema has {available})",
            { IsVector: false } or { HasKnownSize: false } => found.Value.Description,
            _ when found.Value.ItemType != NumberDataViewType.Single => found.Value.Description,
            _ when expectedSize is int size && found.Value.Size != size => found.Value.Description,
            _ => null,
        };
        if (got is not null)
            throw new ArgumentOutOfRangeException(parameterName, $"Schema mismatch for input column '{column}': expected {expected}, got {got}.");
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Select(n => $"'{n}'").ToList();
        return list.Count == 0 ? "no columns" : $"columns {string.Join(", ", list)}";
    }
}
