namespace Vpf.Onnx;

/// <summary>
/// A small ONNX graph under construction: one float input and one float output of shape [batch, width], constant
/// tensors, and nodes appended in execution order. Helper methods add a node and return the name of its output, so
/// that a computation reads like the formula it implements.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    public OnnxGraph(string name, string inputName, int inputWidth)
    {
        Name = name;
        InputName = inputName;
        InputWidth = inputWidth;
        _names.Add(inputName);
    }

    public string Name { get; }

    public string InputName { get; }

    public int InputWidth { get; }

    /// <summary>Set by <see cref="SetOutput"/>.</summary>
    public string OutputName { get; private set; } = "";

    /// <summary>Set by <see cref="SetOutput"/>.</summary>
    public int OutputWidth { get; private set; }

    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>Float inputs of shape [batch, width] after the first (<see cref="AddInput"/>).</summary>
    public List<(string Name, int Width)> ExtraInputs { get; } = [];

    /// <summary>Float outputs of shape [batch, width] after the first (<see cref="AddOutput"/>).</summary>
    public List<(string Name, int Width)> ExtraOutputs { get; } = [];

    public IReadOnlyList<OnnxTensor> Initializers => _initializers;

    /// <summary>Adds a constant tensor and returns its name (made unique from <paramref name="hint"/>).</summary>
    public string Constant(string hint, long[] dims, float[] values)
    {
        string name = Fresh(hint);
        _initializers.Add(new OnnxTensor(name, dims, values));
        return name;
    }

    /// <summary>A scalar constant (shape []), broadcast by the element-wise operators.</summary>
    public string Scalar(string hint, float value) => Constant(hint, [], [value]);

    /// <summary>
    /// Adds a node with one output and returns that output's name; <paramref name="nodeName"/> replaces the generated
    /// node name (ONNX Runtime quotes it when the node fails, so a check can explain itself there).
    /// </summary>
    public string Node(string opType, string hint, string[] inputs, IReadOnlyList<(string Name, long Value)>? intAttributes = null, string? nodeName = null)
    {
        string output = Fresh(hint);
        _nodes.Add(new OnnxNode(opType, nodeName ?? $"{opType}_{output}", inputs, [output], intAttributes));
        return output;
    }

    public string MatMul(string a, string b, string hint) => Node("MatMul", hint, [a, b]);

    public string Add(string a, string b, string hint) => Node("Add", hint, [a, b]);

    public string Mul(string a, string b, string hint) => Node("Mul", hint, [a, b]);

    public string Sigmoid(string x, string hint) => Node("Sigmoid", hint, [x]);

    /// <summary>The 2-D transpose (ONNX's default permutation reverses the axes).</summary>
    public string Transpose(string x, string hint) => Node("Transpose", hint, [x]);

    /// <summary>Declares another float input of shape [batch, <paramref name="width"/>] and returns its name.</summary>
    public string AddInput(string name, int width)
    {
        if (!_names.Add(name))
            throw new ArgumentException($"The input name '{name}' is already used in the graph.", nameof(name));
        ExtraInputs.Add((name, width));
        return name;
    }

    /// <summary>Declares another float output of shape [batch, <paramref name="width"/>]: the value <paramref name="source"/>, copied.</summary>
    public void AddOutput(string name, string source, int width)
    {
        if (!_names.Add(name))
            throw new ArgumentException($"The output name '{name}' is already used in the graph.", nameof(name));
        _nodes.Add(new OnnxNode("Identity", $"Identity_{name}", [source], [name]));
        ExtraOutputs.Add((name, width));
    }

    /// <summary>Ends the graph: <paramref name="parts"/> (each [batch, n]) joined along axis 1 into the output.</summary>
    public void SetOutput(string outputName, IReadOnlyList<string> parts, int width)
    {
        if (!_names.Add(outputName))
            throw new ArgumentException($"The output name '{outputName}' is already used in the graph (it must differ from the input name).", nameof(outputName));
        _nodes.Add(new OnnxNode("Concat", $"Concat_{outputName}", [.. parts], [outputName], [("axis", 1)]));
        OutputName = outputName;
        OutputWidth = width;
    }

    private string Fresh(string hint)
    {
        // Internal names carry a prefix that user column names are unlikely to have; a clash only adds a counter.
        string name = $"vpf/{hint}";
        while (!_names.Add(name)) name = $"vpf/{hint}_{++_counter}";
        return name;
    }
}
