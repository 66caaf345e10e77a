// Loads a model saved with mlContext.Model.Save in a process that never saw it being trained, transforms rows read
// from a text file and writes the output column, so a test can compare it with the outputs of the original process.
//
// Usage: dotnet Vpf.ML.LoadCheck.dll <model.zip> <rows.txt> <outputs.txt> <input column> <output column>
// rows.txt: a first line "<rows> <width>", then one row per line of space-separated floats (invariant culture).
// outputs.txt: one line per row of the output vector's values, written with "R" (round-trip) formatting.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: Vpf.ML.LoadCheck <model.zip> <rows.txt> <outputs.txt> <input column> <output column>");
    return 2;
}
string modelPath = args[0], rowsPath = args[1], outputsPath = args[2], inputColumn = args[3], outputColumn = args[4];

var lines = File.ReadAllLines(rowsPath);
var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
int rows = int.Parse(header[0], CultureInfo.InvariantCulture), width = int.Parse(header[1], CultureInfo.InvariantCulture);
var data = new List<InputRow>(rows);
for (int r = 0; r < rows; r++)
    data.Add(new InputRow
    {
        Values = lines[r + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
    });

var mlContext = new MLContext(seed: 0);
ITransformer model = mlContext.Model.Load(modelPath, out _);

var definition = SchemaDefinition.Create(typeof(InputRow));
definition[nameof(InputRow.Values)].ColumnName = inputColumn;
definition[inputColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
var view = mlContext.Data.LoadFromEnumerable(data, definition);
var transformed = model.Transform(view);

using var output = new StreamWriter(outputsPath);
var column = transformed.Schema[outputColumn];
using (var cursor = transformed.GetRowCursor([column]))
{
    var getter = cursor.GetGetter<VBuffer<float>>(column);
    VBuffer<float> value = default;
    while (cursor.MoveNext())
    {
        getter(ref value);
        output.WriteLine(string.Join(" ", value.DenseValues().Select(x => x.ToString("R", CultureInfo.InvariantCulture))));
    }
}
Console.WriteLine($"{rows} rows transformed by {Path.GetFileName(modelPath)}");
return 0;

/// <summary>One input row.</summary>
internal sealed class InputRow
{
    /// <summary>The input vector.</summary>
    public float[] Values { get; set; } = [];
}
