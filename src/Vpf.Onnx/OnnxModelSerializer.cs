namespace Vpf.Onnx;

/// <summary>
/// Writes an <see cref="OnnxGraph"/> as an ONNX ModelProto: IR version 8, default-domain opset 17, the graph's input
/// and output declared as float tensors of shape [batch, width] with a symbolic batch dimension.
/// </summary>
internal static class OnnxModelSerializer
{
    /// <summary>The IR version written (ONNX 1.10 and later read it).</summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default operator set the graph uses.</summary>
    public const long OpsetVersion = 17;

    // onnx.proto field numbers.
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8;
    private const int OpsetDomain = 1, OpsetVersionField = 2;
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensor = 1, TensorElemType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;

    /// <summary>The symbolic name of the first (row) dimension of input and output.</summary>
    public const string BatchDimension = "batch";

    public static void Write(OnnxGraph graph, Stream destination, string docString)
    {
        if (graph.OutputName.Length == 0) throw new InvalidOperationException("The graph has no output.");
        var model = new ProtoWriter();
        model.Int64(ModelIrVersion, IrVersion);
        model.String(ModelProducerName, OnnxIntegrity.Producer);
        model.String(ModelProducerVersion, typeof(OnnxModelSerializer).Assembly.GetName().Version?.ToString() ?? "0");
        model.String(ModelDocString, docString);
        model.Message(ModelGraph, GraphProto(graph));
        var opset = new ProtoWriter();
        opset.String(OpsetDomain, "");
        opset.Int64(OpsetVersionField, OpsetVersion);
        model.Message(ModelOpsetImport, opset);
        model.CopyTo(destination);
    }

    private static ProtoWriter GraphProto(OnnxGraph graph)
    {
        var writer = new ProtoWriter();
        foreach (var node in graph.Nodes)
        {
            var message = new ProtoWriter();
            node.WriteTo(message);
            writer.Message(GraphNode, message);
        }
        writer.String(GraphName, graph.Name);
        foreach (var tensor in graph.Initializers)
        {
            var message = new ProtoWriter();
            tensor.WriteTo(message);
            writer.Message(GraphInitializer, message);
        }
        writer.Message(GraphInput, BatchByWidth(graph.InputName, graph.InputWidth));
        foreach (var (name, width) in graph.ExtraInputs) writer.Message(GraphInput, BatchByWidth(name, width));
        writer.Message(GraphOutput, BatchByWidth(graph.OutputName, graph.OutputWidth));
        foreach (var (name, width) in graph.ExtraOutputs) writer.Message(GraphOutput, BatchByWidth(name, width));
        return writer;
    }

    /// <summary>A ValueInfoProto: float tensor of shape [batch, width].</summary>
    private static ProtoWriter BatchByWidth(string name, int width)
    {
        var batch = new ProtoWriter();
        batch.String(DimParam, BatchDimension);
        var columns = new ProtoWriter();
        columns.Int64(DimValue, width);
        var shape = new ProtoWriter();
        shape.Message(ShapeDim, batch);
        shape.Message(ShapeDim, columns);
        var tensor = new ProtoWriter();
        tensor.Int64(TensorElemType, OnnxTensor.FloatType);
        tensor.Message(TensorShape, shape);
        var type = new ProtoWriter();
        type.Message(TypeTensor, tensor);
        var info = new ProtoWriter();
        info.String(ValueInfoName, name);
        info.Message(ValueInfoType, type);
        return info;
    }
}
