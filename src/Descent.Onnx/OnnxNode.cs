namespace Descent.Onnx;

/// <summary>One node of an ONNX graph, reduced to what weight mapping needs: operator, name, inputs, outputs.</summary>
/// <param name="OpType">The operator, e.g. <c>MatMul</c> or <c>Gemm</c>.</param>
/// <param name="Name">The node's name (may be empty).</param>
/// <param name="Inputs">Input value names, in order.</param>
/// <param name="Outputs">Output value names, in order.</param>
/// <param name="IntAttributes">The node's integer attributes (e.g. Gemm's <c>transB</c>).</param>
public sealed record OnnxNode(
    string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, long> IntAttributes);
