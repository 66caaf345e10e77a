using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vpf.ML;

/// <summary>
/// The two things a third-party estimator needs from ML.NET 5 that ML.NET keeps internal, reached by reflection in
/// this one place: the environment behind <c>mlContext.Transforms</c> (for its random source and log), and the
/// constructor of <see cref="SchemaShape.Column"/> (for <c>GetOutputSchema</c>). Both fail with a clear message if a
/// future ML.NET renames them; the tests cover both.
/// </summary>
internal static class MlNetInternals
{
    private const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    /// <summary>The environment (the MLContext) of a catalog.</summary>
    public static IHostEnvironment Environment(TransformsCatalog catalog)
    {
        // TransformsCatalog implements the internal IInternalCatalog, whose only member is this property.
        var property = typeof(TransformsCatalog).GetInterfaces()
            .FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment", Instance);
        if (property?.GetValue(catalog) is IHostEnvironment env) return env;
        if (typeof(TransformsCatalog).GetField("_env", Instance)?.GetValue(catalog) is IHostEnvironment field) return field;
        throw new NotSupportedException("This version of ML.NET does not expose the environment of TransformsCatalog as Vpf.ML expects; create the estimator with an MLContext instead.");
    }

    /// <summary>A schema-shape column: a vector (of unknown size) of Single without annotations.</summary>
    public static SchemaShape.Column SingleVectorColumn(string name)
    {
        var constructor = typeof(SchemaShape.Column).GetConstructor(Instance, null,
            [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)], null)
            ?? throw new NotSupportedException("This version of ML.NET has no SchemaShape.Column constructor of the shape Vpf.ML expects.");
        return (SchemaShape.Column)constructor.Invoke([name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, null]);
    }
}
