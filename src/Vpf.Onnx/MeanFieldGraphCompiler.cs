using Vpf.Core.Inference;
using Vpf.Core.Model;

namespace Vpf.Onnx;

/// <summary>
/// Compiles the mean-field inference of <see cref="Vpf.Core.Inference.MeanFieldSweep"/> for one trained machine into
/// an ONNX graph, step for step:
/// <list type="number">
/// <item>check: every input value must lie in [0, max] (see <see cref="PixelRangeGuard"/>), else the run fails; with
/// Gaussian visible units instead, standardise z = (x − mean) / scale and check that every z is finite (see
/// <see cref="StandardisedInput"/>), z then being the clamped visible layer;</item>
/// <item>binarise: v = Cast(GreaterOrEqual(x, threshold × max), float), or grey levels v = clip(x / max, 0, 1) (or the
/// input as it is, as the options say);</item>
/// <item>bottom-up initialisation: μ_l = σ(2·μ_{l−1}W_{l−1} + s_l) for intermediate layers, with the start bias
/// s_l = b_l − ½·1ᵀW_{l−1} of <see cref="Vpf.Core.Inference.MeanFieldSweep.StartBias"/>, and σ(μ_{l−1}W_{l−1} + b_l) for the top;</item>
/// <item>T unrolled sweeps, layer by layer l = 1 … L, each using the current rates of its neighbours (Gauss–Seidel):
/// u_l = μ_{l−1}W_{l−1} + μ_{l+1}W_lᵀ + μ_lL_l, then μ_l = σ(u_l + b_l), or α·μ_l + (1 − α)·σ(u_l + b_l) in a layer with
/// lateral weights; an RBM without laterals runs no sweeps, as the core does;</item>
/// <item>output: Concat(axis 1) of the chosen layers' rates.</item>
/// </list>
/// Weights, biases and laterals are initializers; each Wᵀ is one Transpose of the stored W (folded to a constant by
/// ONNX Runtime when the session is created), so the file holds every weight once.
/// </summary>
internal static class MeanFieldGraphCompiler
{
    public static OnnxGraph Compile(DeepBoltzmannMachine model, OnnxExportOptions options)
    {
        options.Validate(model.LayerCount);
        int[] outputs = OutputLayerList.Resolve(options.OutputLayers, model.LayerCount, nameof(options.OutputLayers));
        int top = model.LayerCount - 1;
        var sizes = model.Architecture.LayerSizes;
        var graph = new OnnxGraph("vpf_mean_field", options.InputName, sizes[0]);

        var mu = new string[model.LayerCount];
        StandardisedInput.Validate(model, options);
        bool gaussian = model.Architecture.HasGaussianVisible;
        string input = gaussian ? StandardisedInput.Compile(graph, sizes[0], options) : PixelRangeGuard.Guard(graph, options);
        // x + 0: every feature depends on the gate, so the check that feeds it runs before the graph does.
        if (options.GateInput is { } gate) input = graph.Add(input, graph.AddInput(gate, 1), "gated_input");
        mu[0] = gaussian ? input : options.GreyLevels ? GreyLevels(graph, options, input) : options.Binarise ? Binarise(graph, options, input) : input;

        var w = new string[top];
        for (int l = 0; l < top; l++) w[l] = graph.Constant($"W{l}", [sizes[l], sizes[l + 1]], model.Weights(l));
        var b = new string[model.LayerCount];
        for (int l = 1; l <= top; l++) b[l] = graph.Constant($"b{l}", [sizes[l]], model.Biases(l));

        // Initialisation.
        string two = top > 1 ? graph.Scalar("two", 2f) : "";
        for (int l = 1; l <= top; l++)
        {
            string u = graph.MatMul(mu[l - 1], w[l - 1], $"init/in{l}");
            string bias = b[l];
            if (l < top)
            {
                u = graph.Mul(u, two, $"init/in{l}x2");
                bias = graph.Constant($"s{l}", [sizes[l]], MeanFieldSweep.StartBias(model, l));
            }
            mu[l] = graph.Sigmoid(graph.Add(u, bias, $"init/u{l}"), $"init/mu{l}");
        }

        if (NeedsSweeps(model) && options.MeanFieldSweeps > 0)
        {
            var wT = new string[top];
            for (int l = 1; l < top; l++) wT[l] = graph.Transpose(w[l], $"W{l}T");
            var lateral = new string?[model.LayerCount];
            for (int l = 1; l <= top; l++)
                if (model.Lateral(l) is { } lat) lateral[l] = graph.Constant($"L{l}", [sizes[l], sizes[l]], lat);
            string alpha = "", oneMinusAlpha = "";
            if (lateral.Any(x => x is not null))
            {
                alpha = graph.Scalar("alpha", options.Damping);
                oneMinusAlpha = graph.Scalar("one_minus_alpha", 1f - options.Damping);
            }

            for (int t = 1; t <= options.MeanFieldSweeps; t++)
                for (int l = 1; l <= top; l++)
                {
                    string p = $"t{t}/";
                    string u = graph.MatMul(mu[l - 1], w[l - 1], $"{p}below{l}");
                    if (l < top) u = graph.Add(u, graph.MatMul(mu[l + 1], wT[l], $"{p}above{l}"), $"{p}in{l}");
                    if (lateral[l] is { } lat) u = graph.Add(u, graph.MatMul(mu[l], lat, $"{p}side{l}"), $"{p}in{l}L");
                    string s = graph.Sigmoid(graph.Add(u, b[l], $"{p}u{l}"), $"{p}s{l}");
                    mu[l] = lateral[l] is null
                        ? s
                        : graph.Add(graph.Mul(mu[l], alpha, $"{p}keep{l}"), graph.Mul(s, oneMinusAlpha, $"{p}new{l}"), $"{p}mu{l}");
                }
        }

        graph.SetOutput(options.OutputName, [.. outputs.Select(l => mu[l])], OutputLayerList.Width(outputs, sizes));
        return graph;
    }

    private static string Binarise(OnnxGraph graph, OnnxExportOptions options, string input)
    {
        string threshold = graph.Scalar("threshold", options.ThresholdIntensity);
        string on = graph.Node("GreaterOrEqual", "on", [input, threshold]);
        return graph.Node("Cast", "v", [on], [("to", OnnxTensor.FloatType)]);
    }

    /// <summary>Visible rates clip(x / max, 0, 1): Min(Max(x · (1 / max), 0), 1), computed as the ML.NET featurizer's bulk scoring does.</summary>
    private static string GreyLevels(OnnxGraph graph, OnnxExportOptions options, string input)
    {
        string scaled = graph.Mul(input, graph.Scalar("inverse_max", 1f / options.MaxIntensity), "scaled");
        string floor = graph.Node("Max", "at_least_0", [scaled, graph.Scalar("zero", 0f)]);
        return graph.Node("Min", "v", [floor, graph.Scalar("one", 1f)]);
    }

    /// <summary>As the core: an RBM's bottom-up pass is already exact; deeper or laterally connected models iterate.</summary>
    private static bool NeedsSweeps(DeepBoltzmannMachine model)
    {
        if (model.LayerCount > 2) return true;
        for (int l = 1; l < model.LayerCount; l++) if (model.Lateral(l) is not null) return true;
        return false;
    }
}
