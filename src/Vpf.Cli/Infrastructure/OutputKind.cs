namespace Vpf.Cli;

/// <summary>What an output of a command is, as far as protecting files by kind is concerned.</summary>
internal enum OutputKind
{
    /// <summary>A model file (<c>train --out</c>).</summary>
    Model,

    /// <summary>A training checkpoint (<c>&lt;out&gt;.vpfckpt</c>).</summary>
    Checkpoint,

    /// <summary>Anything else: PNG, HTML, JSON, npz, ONNX.</summary>
    Other,
}
