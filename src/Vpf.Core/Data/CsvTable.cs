using System.Globalization;
using System.Text;

namespace Vpf.Core.Data;

/// <summary>
/// A numeric table read from a CSV file: its value columns as a <see cref="RealDataset"/> (with labels when a label column
/// is named), the names of those columns, and how the labels were read.
/// </summary>
/// <remarks>
/// The rules: a header row naming every column is required; fields are separated by ',' (or ';' or a tab, detected or
/// given in <see cref="CsvOptions.Separator"/>); a field may be quoted with '"' (a doubled quote inside stands for one) and
/// must then end on the same line; spaces around a field are ignored; numbers are read in the invariant culture (a
/// decimal point, an optional exponent: 1.5, -2e-3) and must be finite as float32; empty lines at the end are ignored,
/// an empty line before more rows is refused. Labels are kept as they are when every label is a whole number 0–255;
/// otherwise the distinct label texts, in ordinal order, become the classes 0 … k − 1 (at most 256), listed in
/// <see cref="LabelNames"/>. Every problem is a <see cref="DataFileException"/> naming the file, and for a cell its line
/// (1 = the header), its column and its text. The file is read once, line by line (a line may hold at most
/// <see cref="MaxLineLength"/> characters); only the parsed values are kept, as float32.
/// </remarks>
public sealed class CsvTable
{
    private CsvTable(RealDataset data, IReadOnlyList<string> columns, string? labelColumn, IReadOnlyList<string>? labelNames, char separator)
    {
        Data = data;
        Columns = columns;
        LabelColumn = labelColumn;
        LabelNames = labelNames;
        Separator = separator;
    }

    /// <summary>The value columns of every row, in file order; labelled when a label column was named.</summary>
    public RealDataset Data { get; }

    /// <summary>Names of the value columns (the header without the label column), one per value of a row.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The label column's name, or null when the table was read without labels.</summary>
    public string? LabelColumn { get; }

    /// <summary>
    /// Null when the labels are the whole numbers 0–255 written in the file; otherwise the label text of each class
    /// 0 … k − 1 (the distinct texts in ordinal order).
    /// </summary>
    public IReadOnlyList<string>? LabelNames { get; }

    /// <summary>The field separator used.</summary>
    public char Separator { get; }

    /// <summary>Longest line accepted, in characters (16 Mi): a row of 1 million values of 16 characters.</summary>
    public const int MaxLineLength = 1 << 24;

    /// <summary>Most distinct labels a table may have: one byte per label.</summary>
    public const int MaxClasses = 256;

    /// <summary>Reads the CSV file at <paramref name="path"/> (see the remarks for the rules).</summary>
    /// <exception cref="ArgumentException"><see cref="CsvOptions.Separator"/> is not ',', ';' or a tab.</exception>
    /// <exception cref="DataFileException">
    /// The file is missing or unreadable, empty or without data rows (<see cref="DataFileProblem.Empty"/>), its header is
    /// unusable (<see cref="DataFileProblem.BadHeader"/>), the label column is not in it
    /// (<see cref="DataFileProblem.MissingColumn"/>, listing the columns), a row has another field count
    /// (<see cref="DataFileProblem.RaggedRow"/>), a cell is not a finite number or there are more than
    /// <see cref="MaxClasses"/> labels (<see cref="DataFileProblem.BadValue"/>), or the table is too large for one array
    /// or has a line longer than <see cref="MaxLineLength"/> (<see cref="DataFileProblem.BadDimensions"/>).
    /// </exception>
    public static CsvTable Load(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CsvOptions();
        if (options.Separator is { } given && given is not (',' or ';' or '\t'))
            throw new ArgumentException($"The separator must be ',', ';' or a tab; got '{given}'.", nameof(options));
        using var reader = Open(path);
        return new Parser(path, reader, options).Parse();
    }

    private static StreamReader Open(string path)
    {
        switch (FileIdentity.KindOf(path))
        {
            case FileKind.Directory:
                throw DataFileException.For(path, DataFileProblem.Unreadable, $"'{path}' is a directory, not a data file.");
            case FileKind.Special:
                throw DataFileException.For(path, DataFileProblem.Unreadable, $"'{path}' is not a regular file (a device, FIFO or socket).");
        }
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DataFileException.For(path, DataFileProblem.Missing, $"not found (looked at '{Path.GetFullPath(path)}').", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataFileException.For(path, DataFileProblem.Unreadable, $"cannot be opened for reading: {e.Message}", e);
        }
    }

    /// <summary>One pass over the lines; values go straight into a growing float buffer.</summary>
    private sealed class Parser(string path, StreamReader reader, CsvOptions options)
    {
        private readonly List<string> _fields = [];
        private readonly StringBuilder _buffer = new();
        private long _line;
        private char _separator;

        public CsvTable Parse()
        {
            string? header = Next();
            while (header is not null && header.Trim().Length == 0) header = Next();
            if (header is null)
                throw Fail(DataFileProblem.Empty, "empty: no header row; a CSV table needs a header naming its columns and at least one data row.");
            _separator = options.Separator ?? Detect(header);
            if (!Split(header))
                throw Fail(DataFileProblem.BadHeader, $"line {_line} (the header) has a quote that is not closed on that line.");
            string[] names = [.. _fields];
            for (int c = 0; c < names.Length; c++)
            {
                if (names[c].Length == 0)
                    throw Fail(DataFileProblem.BadHeader, $"the header (line {_line}) has an empty name for column {c + 1}; every column needs a name.");
                int first = Array.IndexOf(names, names[c]);
                if (first < c)
                    throw Fail(DataFileProblem.BadHeader, $"the header (line {_line}) names column '{names[c]}' twice (columns {first + 1} and {c + 1}).");
            }
            int labelIndex = -1;
            if (options.LabelColumn is { } label)
            {
                labelIndex = Array.IndexOf(names, label.Trim());
                if (labelIndex < 0)
                    throw Fail(DataFileProblem.MissingColumn,
                        $"has no column '{label}' for the labels; its columns are {string.Join(", ", names.Select(n => $"'{n}'"))}.");
            }
            int dimension = names.Length - (labelIndex >= 0 ? 1 : 0);
            if (dimension < 1)
                throw Fail(DataFileProblem.BadHeader, $"has only the label column '{names[labelIndex]}'; at least one value column is needed.");
            string[] columns = names.Where((_, c) => c != labelIndex).ToArray();

            var values = new float[Math.Min(1 << 16, Math.Max(dimension, 1024 / dimension * dimension))];
            long used = 0;
            // Each row keeps one byte: the index of its label text among the distinct texts in order of appearance.
            var labels = labelIndex >= 0 ? new List<byte>() : null;
            var distinct = new Dictionary<string, byte>(StringComparer.Ordinal);
            int rows = 0;
            long blankLine = 0;
            for (string? line = Next(); line is not null; line = Next())
            {
                if (line.Trim().Length == 0)
                {
                    if (blankLine == 0) blankLine = _line;
                    continue;
                }
                if (blankLine != 0)
                    throw Fail(DataFileProblem.RaggedRow, $"line {blankLine} is empty but more rows follow (line {_line}); empty lines are allowed only at the end.");
                if (!Split(line))
                    throw Fail(DataFileProblem.BadValue, $"line {_line}: a quote in column '{names[Math.Min(_fields.Count, names.Length) - 1]}' is not closed on that line.");
                if (_fields.Count != names.Length)
                    throw Fail(DataFileProblem.RaggedRow,
                        $"line {_line} has {_fields.Count} field(s) but the header has {names.Length} columns ({Describe(_separator)}-separated).");
                if (used + dimension > Array.MaxLength)
                    throw Fail(DataFileProblem.BadDimensions,
                        $"more than {Array.MaxLength:N0} values ({rows:N0} rows of {dimension}) do not fit in one array.");
                if (used + dimension > values.Length)
                    Array.Resize(ref values, (int)Math.Min(Array.MaxLength, Math.Max(used + dimension, 2L * values.Length)));
                for (int c = 0, k = 0; c < names.Length; c++)
                {
                    if (c == labelIndex)
                    {
                        labels!.Add(Label(_fields[c], distinct, names[c]));
                        continue;
                    }
                    values[used + k++] = Number(_fields[c], names[c]);
                }
                used += dimension;
                rows++;
            }
            if (rows == 0)
                throw Fail(DataFileProblem.Empty, $"empty: the header (line 1) is followed by no data rows; a data set needs at least one.");
            if (values.Length != used) Array.Resize(ref values, (int)used);
            var (codes, labelNames) = labels is null ? (null, null) : Labels(labels, distinct);
            var data = RealDataset.Own(values, rows, dimension, codes);
            return new CsvTable(data, columns, labelIndex >= 0 ? names[labelIndex] : null, labelNames, _separator);
        }

        /// <summary>
        /// The next line without its end (\n, \r\n or \r), or null at the end of the file. A line longer than
        /// <see cref="MaxLineLength"/> is refused, so that a file without line ends cannot exhaust memory.
        /// </summary>
        private string? Next()
        {
            _buffer.Clear();
            try
            {
                int c;
                while ((c = reader.Read()) >= 0)
                {
                    if (c == '\n') break;
                    if (c == '\r')
                    {
                        if (reader.Peek() == '\n') reader.Read();
                        break;
                    }
                    if (_buffer.Length == MaxLineLength)
                        throw Fail(DataFileProblem.BadDimensions,
                            $"line {_line + 1} is longer than {MaxLineLength:N0} characters; a row of a table is expected on each line.");
                    _buffer.Append((char)c);
                }
                if (c < 0 && _buffer.Length == 0) return null;
            }
            catch (IOException e)
            {
                throw Fail(DataFileProblem.Unreadable, $"cannot be read after line {_line}: {e.Message}", e);
            }
            _line++;
            return _buffer.ToString();
        }

        private float Number(string text, string column)
        {
            if (text.Length == 0)
                throw Fail(DataFileProblem.BadValue, $"line {_line}, column '{column}': the cell is empty; every value must be a finite number.");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw Fail(DataFileProblem.BadValue,
                    $"line {_line}, column '{column}': '{Shorten(text)}' is not a number; expected a finite number with a decimal point, like 1.5 or -2e-3.");
            float single = (float)value;
            if (!float.IsFinite(single))
                throw Fail(DataFileProblem.BadValue,
                    $"line {_line}, column '{column}': '{Shorten(text)}' is not finite as a float32 (NaN, an infinity or beyond ±3.4e38); every value must be finite.");
            return single;
        }

        /// <summary>The index of <paramref name="text"/> among the distinct labels so far, adding it when new (at most <see cref="MaxClasses"/>).</summary>
        private byte Label(string text, Dictionary<string, byte> distinct, string column)
        {
            if (distinct.TryGetValue(text, out byte index)) return index;
            if (distinct.Count == MaxClasses)
                throw Fail(DataFileProblem.BadValue,
                    $"line {_line}, column '{column}': '{Shorten(text)}' is the label number {MaxClasses + 1}; at most {MaxClasses} distinct labels are supported (one byte per label).");
            index = (byte)distinct.Count;
            distinct.Add(text, index);
            return index;
        }

        /// <summary>Whole numbers 0–255 as they are; otherwise the distinct texts, in ordinal order, as 0 … k − 1.</summary>
        private static (byte[], IReadOnlyList<string>?) Labels(List<byte> rows, Dictionary<string, byte> distinct)
        {
            var texts = new string[distinct.Count];
            foreach (var (text, index) in distinct) texts[index] = text;
            var code = new byte[texts.Length];
            bool numeric = true;
            for (int k = 0; k < texts.Length && numeric; k++)
                numeric = byte.TryParse(texts[k], NumberStyles.None, CultureInfo.InvariantCulture, out code[k]);
            string[]? names = null;
            if (!numeric)
            {
                names = texts.Order(StringComparer.Ordinal).ToArray();
                for (int k = 0; k < texts.Length; k++) code[k] = (byte)Array.BinarySearch(names, texts[k], StringComparer.Ordinal);
            }
            var labels = new byte[rows.Count];
            for (int r = 0; r < labels.Length; r++) labels[r] = code[rows[r]];
            return (labels, names);
        }

        /// <summary>Splits <paramref name="line"/> into <see cref="_fields"/>; false when a quote is left open.</summary>
        private bool Split(string line)
        {
            _fields.Clear();
            var field = new StringBuilder();
            int i = 0;
            while (true)
            {
                field.Clear();
                while (i < line.Length && line[i] is ' ' && _separator != ' ') i++;
                if (i < line.Length && line[i] == '"')
                {
                    i++;
                    while (true)
                    {
                        if (i >= line.Length)
                        {
                            _fields.Add(field.ToString());
                            return false;
                        }
                        if (line[i] == '"')
                        {
                            if (i + 1 < line.Length && line[i + 1] == '"')
                            {
                                field.Append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        field.Append(line[i++]);
                    }
                    // Text between the closing quote and the separator is kept, so that it is reported rather than lost.
                    while (i < line.Length && line[i] != _separator) field.Append(line[i++]);
                    _fields.Add(field.ToString().Trim());
                }
                else
                {
                    int end = line.IndexOf(_separator, i);
                    if (end < 0) end = line.Length;
                    _fields.Add(line[i..end].Trim());
                    i = end;
                }
                if (i >= line.Length) return true;
                i++; // the separator
            }
        }

        private static char Detect(string header)
        {
            int comma = 0, semicolon = 0, tab = 0;
            bool quoted = false;
            foreach (char c in header)
            {
                if (c == '"') quoted = !quoted;
                else if (!quoted)
                {
                    if (c == ',') comma++;
                    else if (c == ';') semicolon++;
                    else if (c == '\t') tab++;
                }
            }
            return semicolon > comma && semicolon >= tab ? ';' : tab > comma && tab > semicolon ? '\t' : ',';
        }

        private static string Describe(char separator) => separator switch { '\t' => "tab", ';' => "semicolon", _ => "comma" };

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

        private DataFileException Fail(DataFileProblem problem, string detail, Exception? inner = null) =>
            DataFileException.For(path, problem, detail, inner);
    }
}
