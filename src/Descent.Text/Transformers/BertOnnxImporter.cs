using Descent.Nn;
using Descent.Onnx;

namespace Descent.Text.Transformers;

/// <summary>
/// Maps the initializers of a BERT model exported from PyTorch/Hugging Face to ONNX onto <see cref="BertModel"/>'s
/// parameter names. Named initializers (embeddings, biases, LayerNorms, <c>pooler.dense.*</c>) keep their names.
/// Linear weights exported as <c>MatMul</c> right operands lose their names and are stored transposed ([in, out]);
/// each is recovered from the graph — the <c>Add</c> that consumes the MatMul's output names the bias
/// (<c>X.bias</c>), so the weight is <c>X.weight</c>, transposed back to PyTorch's [out, in]. A <c>Gemm</c> with
/// <c>transB = 0</c> is transposed likewise.
/// </summary>
public static class BertOnnxImporter
{
    /// <summary>Builds the state dict (Hugging Face names, PyTorch layouts) from the model's float initializers.</summary>
    /// <exception cref="OnnxFormatException">A MatMul weight cannot be attributed to a bias, or two weights claim one name.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var floats = model.Initializers.Where(i => i.DataType == 1).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var renamed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
        {
            if (node.OpType == "MatMul" && node.Inputs.Count == 2 && floats.Contains(node.Inputs[1]))
            {
                var weightName = node.Inputs[1];
                var bias = consumers.GetValueOrDefault(node.Outputs[0])?
                    .Where(n => n.OpType == "Add")
                    .SelectMany(n => n.Inputs)
                    .FirstOrDefault(i => floats.Contains(i) && i.EndsWith(".bias", StringComparison.Ordinal));
                if (bias is null)
                {
                    throw new OnnxFormatException(
                        $"MatMul '{node.Name}' multiplies by initializer '{weightName}', but no Add with a '*.bias' initializer consumes its output, so the weight cannot be named.");
                }

                var name = bias[..^".bias".Length] + ".weight";
                if (!result.TryAdd(name, Transposed(model.GetTensor(weightName))))
                {
                    throw new OnnxFormatException($"Two MatMul weights map to '{name}'.");
                }

                renamed.Add(weightName);
            }
            else if (node.OpType == "Gemm" && node.Inputs.Count >= 2 && floats.Contains(node.Inputs[1])
                && node.IntAttributes.GetValueOrDefault("transB", 0) == 0)
            {
                result[node.Inputs[1]] = Transposed(model.GetTensor(node.Inputs[1]));
                renamed.Add(node.Inputs[1]);
            }
        }

        foreach (var name in floats)
        {
            if (!renamed.Contains(name) && IsPyTorchName(name))
            {
                result.TryAdd(name, model.GetTensor(name));
            }
        }

        return result;
    }

    /// <summary>Loads the model's weights into <paramref name="bert"/> (strict: every parameter must be found, with its shape).</summary>
    /// <returns>The load report; initializers the model does not use (none for BERT) are listed as unexpected.</returns>
    public static LoadStateDictResult Load(BertModel bert, OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(bert);
        var state = ReadStateDict(model);
        var result = bert.LoadStateDict(state, strict: false);
        if (result.MissingKeys.Count > 0 || result.MismatchedKeys.Count > 0)
        {
            throw new StateDictException(nameof(BertModel), result);
        }

        return result;
    }

    private static bool IsPyTorchName(string name) => name.Length > 0 && !name.All(char.IsAsciiDigit);

    private static Tensor Transposed(Tensor t)
    {
        if (t.Rank != 2)
        {
            throw new OnnxFormatException($"expected a 2-D weight, got rank {t.Rank}");
        }

        using (Autodiff.Tape.NoGrad())
        {
            return t.Transpose();
        }
    }
}
