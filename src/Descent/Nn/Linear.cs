using System.Globalization;
using Descent.Autodiff.Ops;
using Descent.Nn.Lora;

namespace Descent.Nn;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b, equivalent to torch.nn.Linear: weight [out, in], bias [out]
/// (state_dict names "weight", "bias"), both initialized from U(−1/√in, 1/√in) — PyTorch's default
/// (kaiming_uniform_ with a = √5 gives the same bound) — drawn from the given generator, weight first.
/// </summary>
/// <remarks>The input may have any number of leading dimensions ([..., in] → [..., out]). The product uses
/// the transposed-B GEMM form; Wᵀ is never materialized. A LoRA adapter (<see cref="LoraAdapters.Apply"/>) adds
/// its low-rank term to the output and registers its matrices as the children <c>lora_A</c> and <c>lora_B</c>
/// (state_dict names <c>lora_A.weight</c>, <c>lora_B.weight</c>), so the base names stay those of the model.</remarks>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initializes its parameters from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        ArgumentNullException.ThrowIfNull(rng);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var bound = (float)(1.0 / Math.Sqrt(inFeatures));
        Weight = RegisterParameter("weight", new Parameter(Tensor.Uniform(rng, -bound, bound, outFeatures, inFeatures)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Uniform(rng, -bound, bound, outFeatures)) : null);
    }

    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, shape [out], or null when the layer has none.</summary>
    public Parameter? Bias { get; }

    /// <summary>The LoRA adapter attached to this layer, or null.</summary>
    public LoraAdapter? Adapter { get; private set; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Adapter is { IsMerged: false } adapter ? adapter.Forward(input, gelu: false) : LinearOp.Forward(input, Weight, Bias);

    /// <summary>
    /// GELU(x·Wᵀ + b) with the exact (erf) GELU — the same values and gradients as <c>Forward(input).Gelu()</c>, with the
    /// bias and the GELU applied as the product's output is written (one output pass instead of three). With an unmerged
    /// LoRA adapter the GELU follows the adapter's term (applied once the update is accumulated into the output).
    /// </summary>
    public Tensor ForwardGelu(Tensor input) =>
        Adapter is { IsMerged: false } adapter ? adapter.Forward(input, gelu: true) : LinearOp.Forward(input, Weight, Bias, gelu: true);

    /// <summary>Attaches <paramref name="adapter"/> (made for this layer) and registers its modules.</summary>
    internal void Attach(LoraAdapter adapter)
    {
        if (Adapter is not null)
        {
            throw new InvalidOperationException("the layer already has a LoRA adapter");
        }

        if (adapter.Dropout is { } dropout)
        {
            RegisterModule(LoraAdapter.DropoutName, dropout);
        }

        RegisterModule(LoraAdapter.AName, adapter.A);
        RegisterModule(LoraAdapter.BName, adapter.B);
        Adapter = adapter;
    }

    /// <summary>Removes the adapter's modules (the weight keeps whatever merge state it has).</summary>
    internal void Detach()
    {
        if (Adapter is not { } adapter)
        {
            return;
        }

        if (adapter.Dropout is not null)
        {
            RemoveModule(LoraAdapter.DropoutName);
        }

        RemoveModule(LoraAdapter.AName);
        RemoveModule(LoraAdapter.BName);
        Adapter = null;
    }

    /// <inheritdoc />
    protected override string ExtraRepresentation()
        => string.Create(CultureInfo.InvariantCulture, $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}");
}
