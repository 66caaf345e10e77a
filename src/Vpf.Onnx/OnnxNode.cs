namespace Vpf.Onnx;

/// <summary>One operator of the graph: type, input and output value names, and integer attributes.</summary>
internal sealed class OnnxNode
{
    // onnx.proto NodeProto and AttributeProto field numbers; AttributeProto.AttributeType values.
    private const int InputField = 1, OutputField = 2, NameField = 3, OpTypeField = 4, AttributeField = 5;
    private const int AttributeNameField = 1, AttributeIntField = 3, AttributeTypeField = 20, AttributeTypeInt = 2;

    public OnnxNode(string opType, string name, string[] inputs, string[] outputs, IReadOnlyList<(string Name, long Value)>? intAttributes = null)
    {
        OpType = opType;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        IntAttributes = intAttributes ?? [];
    }

    public string OpType { get; }

    public string Name { get; }

    public string[] Inputs { get; }

    public string[] Outputs { get; }

    public IReadOnlyList<(string Name, long Value)> IntAttributes { get; }

    /// <summary>Writes a NodeProto.</summary>
    public void WriteTo(ProtoWriter writer)
    {
        foreach (string input in Inputs) writer.String(InputField, input);
        foreach (string output in Outputs) writer.String(OutputField, output);
        writer.String(NameField, Name);
        writer.String(OpTypeField, OpType);
        foreach (var (name, value) in IntAttributes)
        {
            var attribute = new ProtoWriter();
            attribute.String(AttributeNameField, name);
            attribute.Int64(AttributeIntField, value);
            attribute.Int64(AttributeTypeField, AttributeTypeInt);
            writer.Message(AttributeField, attribute);
        }
    }
}
