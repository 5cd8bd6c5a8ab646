using Descent.Text.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// Analytic GEMM FLOPs of a BERT encoder on a padded batch [B, S] (2 FLOPs per multiply-add): per layer the Q, K, V and
/// output projections (4·2·T·h²), the feed-forward (2·2·T·h·f) and the attention products Q·Kᵀ and P·V
/// (2·2·B·S²·h), with T = B·S. A layer whose parameters train costs 3× its forward (forward, input gradient, weight
/// gradient); a frozen layer 1×. Element-wise work (softmax, LayerNorm, GELU, …) is not counted.
/// </summary>
public static class EncoderFlops
{
    /// <summary>Forward GEMM FLOPs of one layer.</summary>
    public static double LayerForward(BertConfig config, int batch, int length)
    {
        ArgumentNullException.ThrowIfNull(config);
        double t = (double)batch * length, h = config.HiddenSize, f = config.IntermediateSize;
        return (2 * t * ((4 * h * h) + (2 * h * f))) + (4.0 * batch * length * length * h);
    }

    /// <summary>GEMM FLOPs of a training step in which the top <paramref name="trainableLayers"/> layers train.</summary>
    public static double TrainingStep(BertConfig config, int batch, int length, int trainableLayers)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = LayerForward(config, batch, length);
        var trainable = Math.Clamp(trainableLayers, 0, config.NumLayers);
        return layer * ((config.NumLayers - trainable) + (3.0 * trainable));
    }

    /// <summary>GEMM FLOPs of a forward pass (inference).</summary>
    public static double Forward(BertConfig config, int batch, int length) =>
        LayerForward(config, batch, length) * config.NumLayers;
}
