using System.Text;
using Vpf.Core.Data;
using Vpf.Core.Tests.Persistence;

namespace Vpf.Core.Tests.Data;

/// <summary>The CSV reader: values and labels read exactly, and every malformed table refused naming file, line, column and text.</summary>
public sealed class CsvTableTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string text, string name = "t.csv", bool bom = false)
    {
        string path = _folder.File(name);
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    [Fact]
    public void Values_and_integer_labels_are_read_exactly_in_file_order()
    {
        string path = Write("x, y ,label,z\n1.5,-2e-3,7,0\n-0.25,3,0,1e3\n\n\n");
        var table = CsvTable.Load(path, new CsvOptions { LabelColumn = "label" });
        var data = table.Data;
        Assert.Equal((2, 3), (data.Count, data.Dimension));
        Assert.Equal(["x", "y", "z"], table.Columns);
        Assert.Equal("label", table.LabelColumn);
        Assert.Null(table.LabelNames);
        var rows = new float[6];
        data.CopyRows([0, 1], rows);
        Assert.Equal(new[] { 1.5f, -2e-3f, 0f, -0.25f, 3f, 1000f }, rows);
        Assert.Equal(new byte[] { 7, 0 }, data.Labels.ToArray());
        Assert.Equal(',', table.Separator);
        Assert.False(data.IsBinary);
    }

    [Fact]
    public void Text_labels_become_classes_in_ordinal_order_and_are_listed()
    {
        string path = Write("a,species\n1,versicolor\n2,setosa\n3,versicolor\n4,300\n");
        var table = CsvTable.Load(path, new CsvOptions { LabelColumn = "species" });
        Assert.Equal(["300", "setosa", "versicolor"], table.LabelNames);
        Assert.Equal(new byte[] { 2, 1, 2, 0 }, table.Data.Labels.ToArray());
    }

    [Fact]
    public void Semicolons_and_tabs_are_detected_and_quoted_fields_are_unquoted()
    {
        var semicolon = CsvTable.Load(Write("\"a;1\";b\n\"1.5\";2\n", "s.csv", bom: true));
        Assert.Equal(';', semicolon.Separator);
        Assert.Equal(["a;1", "b"], semicolon.Columns);
        Assert.Equal(1.5f, semicolon.Data[0, 0]);

        var tab = CsvTable.Load(Write("a\tb\tc\n1\t0\t1\n", "t.tsv"));
        Assert.Equal('\t', tab.Separator);
        Assert.True(tab.Data.IsBinary);

        var quoted = CsvTable.Load(Write("\"say \"\"hi\"\"\",\"b,c\"\n4,\" 5 \"\n", "q.csv"));
        Assert.Equal(["say \"hi\"", "b,c"], quoted.Columns);
        Assert.Equal((4f, 5f), (quoted.Data[0, 0], quoted.Data[0, 1]));

        var given = CsvTable.Load(Write("a;b,c\n1,5\n", "g.csv"), new CsvOptions { Separator = ',' });
        Assert.Equal(["a;b", "c"], given.Columns);
    }

    public static TheoryData<string, string, DataFileProblem, string[]> Broken => new()
    {
        { "a non-number", "a,b\n1,2\n3,abc\n", DataFileProblem.BadValue, ["'bad.csv'", "line 3", "column 'b'", "'abc'"] },
        { "a decimal comma", "a,b\n\"1,5\",2\n", DataFileProblem.BadValue, ["line 2", "column 'a'", "'1,5'"] },
        { "NaN", "a,b\n1,NaN\n", DataFileProblem.BadValue, ["line 2", "column 'b'", "'NaN'", "not finite"] },
        { "an infinity", "a,b\n-Infinity,1\n", DataFileProblem.BadValue, ["line 2", "column 'a'", "'-Infinity'"] },
        { "a value beyond float32", "a,b\n1e39,1\n", DataFileProblem.BadValue, ["line 2", "column 'a'", "'1e39'"] },
        { "an empty cell", "a,b\n1,\n", DataFileProblem.BadValue, ["line 2", "column 'b'", "empty"] },
        { "a short row", "a,b,c\n1,2,3\n1,2\n", DataFileProblem.RaggedRow, ["line 3 has 2 field(s)", "header has 3 columns"] },
        { "a long row", "a,b\n1,2,3\n", DataFileProblem.RaggedRow, ["line 2 has 3 field(s)"] },
        { "an empty line before data", "a,b\n1,2\n\n3,4\n", DataFileProblem.RaggedRow, ["line 3 is empty", "line 4"] },
        { "a header alone", "a,b\n\n", DataFileProblem.Empty, ["no data rows"] },
        { "an empty file", "", DataFileProblem.Empty, ["no header row"] },
        { "a duplicate column", "a,b,a\n1,2,3\n", DataFileProblem.BadHeader, ["'a' twice", "columns 1 and 3"] },
        { "an unnamed column", "a,,c\n1,2,3\n", DataFileProblem.BadHeader, ["column 2"] },
        { "an open quote", "a,b\n1,\"2\n", DataFileProblem.BadValue, ["line 2", "column 'b'", "quote"] },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_malformed_table_is_a_typed_error_naming_file_line_column_and_text(string what, string text, DataFileProblem problem, string[] parts)
    {
        string path = Write(text, "bad.csv");
        var e = Assert.Throws<DataFileException>(() => CsvTable.Load(path));
        Assert.True(problem == e.Problem, $"{what}: {e.Problem} {e.Message}");
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith("File 'bad.csv'", e.Message);
        foreach (string part in parts) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void A_missing_label_column_is_named_with_the_columns_that_exist()
    {
        string path = Write("x,y\n1,2\n");
        var e = Assert.Throws<DataFileException>(() => CsvTable.Load(path, new CsvOptions { LabelColumn = "class" }));
        Assert.Equal(DataFileProblem.MissingColumn, e.Problem);
        Assert.Contains("no column 'class'", e.Message);
        Assert.Contains("'x', 'y'", e.Message);

        var only = Assert.Throws<DataFileException>(() => CsvTable.Load(Write("class\n1\n", "o.csv"), new CsvOptions { LabelColumn = "class" }));
        Assert.Equal(DataFileProblem.BadHeader, only.Problem);
    }

    [Fact]
    public void More_than_256_distinct_labels_are_refused_naming_the_column()
    {
        var text = new StringBuilder("v,name\n");
        for (int r = 0; r < 257; r++) text.Append(r).Append(",n").Append(r).Append('\n');
        var e = Assert.Throws<DataFileException>(() => CsvTable.Load(Write(text.ToString()), new CsvOptions { LabelColumn = "name" }));
        Assert.Equal(DataFileProblem.BadValue, e.Problem);
        Assert.Contains("line 258, column 'name': 'n256' is the label number 257", e.Message);
    }

    [Fact]
    public void A_missing_file_or_a_folder_is_a_typed_error()
    {
        Assert.Equal(DataFileProblem.Missing, Assert.Throws<DataFileException>(() => CsvTable.Load(_folder.File("none.csv"))).Problem);
        Assert.Equal(DataFileProblem.Unreadable, Assert.Throws<DataFileException>(() => CsvTable.Load(_folder.Path)).Problem);
        Assert.Throws<ArgumentException>(() => CsvTable.Load(Write("a\n1\n"), new CsvOptions { Separator = '|' }));
    }

    [Fact]
    public void Windows_and_old_Mac_line_ends_read_as_line_ends_and_an_endless_line_is_refused()
    {
        var data = CsvTable.Load(Write("a,b\r\n1,2\r3,4\r\n\r\n")).Data;
        Assert.Equal((2, 4f), (data.Count, data[1, 1]));

        string endless = _folder.File("endless.csv");
        using (var writer = new StreamWriter(endless))
        {
            writer.Write("a\n");
            writer.Write(new string('1', CsvTable.MaxLineLength + 1));
        }
        var e = Assert.Throws<DataFileException>(() => CsvTable.Load(endless));
        Assert.Equal(DataFileProblem.BadDimensions, e.Problem);
        Assert.Contains("line 2 is longer than 16,777,216 characters", e.Message);
    }

    [Fact]
    public void A_large_table_reads_back_every_value()
    {
        var text = new StringBuilder("a,b,c\n");
        for (int r = 0; r < 5000; r++) text.Append(r).Append(',').Append(-r * 0.5).Append(',').Append(r % 3).Append('\n');
        var data = CsvTable.Load(Write(text.ToString())).Data;
        Assert.Equal(5000, data.Count);
        Assert.Equal((4999f, -2499.5f, 1f), (data[4999, 0], data[4999, 1], data[4999, 2]));
        Assert.Equal(Enumerable.Range(0, 5000).Average(r => r % 3), data.ColumnMeans()[2], 12);
    }
}
