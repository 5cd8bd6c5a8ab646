using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Text.Transformers;

/// <summary>
/// BERT's sub-layer output (Hugging Face's <c>BertSelfOutput</c> and <c>BertOutput</c>):
/// LayerNorm(dropout(dense(x)) + residual), parameters <c>dense</c> and <c>LayerNorm</c>.
/// </summary>
public sealed class BertResidualOutput : Module
{
    /// <summary>Creates the projection from <paramref name="inFeatures"/> to the hidden size.</summary>
    public BertResidualOutput(int inFeatures, BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Dense = RegisterModule("dense", new Linear(inFeatures, config.HiddenSize, rng));
        LayerNorm = RegisterModule("LayerNorm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        Dropout = RegisterModule("dropout", new Dropout(config.HiddenDropout, rng));
    }

    /// <summary>The projection.</summary>
    public Linear Dense { get; }

    /// <summary>The post-residual LayerNorm.</summary>
    public LayerNorm LayerNorm { get; }

    /// <summary>Dropout before the residual addition.</summary>
    public Dropout Dropout { get; }

    /// <summary>LayerNorm, dropout and residual addition: fused (<see cref="KernelPath.Auto"/>, the default, and
    /// <see cref="KernelPath.Simd"/>) or the unfused ops (<see cref="KernelPath.Reference"/>), with the same results (see
    /// <see cref="Nn.LayerNorm.Forward(Tensor, Tensor, Nn.Dropout?, KernelPath)"/>).</summary>
    public KernelPath KernelPath { get; set; } = KernelPath.Auto;

    /// <summary>LayerNorm(dropout(dense(x)) + residual).</summary>
    public Tensor Forward(Tensor x, Tensor residual) => LayerNorm.Forward(Dense.Forward(x), residual, Dropout, KernelPath);

    /// <summary>Not meaningful without a residual; throws.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("BertResidualOutput needs the residual input: call Forward(x, residual).");
}
