using Descent.Autodiff.Ops;
using Descent.Numerics;

namespace Descent.Nn.Lora;

/// <summary>
/// The LoRA adapter of one <see cref="Linear"/> layer, as Hugging Face PEFT's <c>lora.Linear</c> defines it:
/// <c>y = base(x) + (dropout(x)·Aᵀ·Bᵀ)·scaling</c> with A [r, in] and B [out, r] trainable and the base
/// layer frozen; <c>scaling = α/r</c> (rsLoRA: <c>α/√r</c>). A starts Kaiming-uniform with a = √5
/// (U(−1/√in, 1/√in)) from a seeded generator and B at zero, so a fresh adapter changes nothing.
/// </summary>
/// <remarks>
/// Created by <see cref="LoraAdapters.Apply"/>. <see cref="Merge"/> adds <c>scaling·B·A</c> to the base weight
/// (the layer then runs at the base layer's cost) and <see cref="Unmerge"/> subtracts it again, both in float32
/// like PEFT, so an unmerged weight equals the original up to the rounding of one addition and one subtraction.
/// </remarks>
public sealed class LoraAdapter
{
    /// <summary>The child name of A in the layer (PEFT's saved name).</summary>
    public const string AName = "lora_A";

    /// <summary>The child name of B in the layer.</summary>
    public const string BName = "lora_B";

    /// <summary>The child name of the adapter's dropout (present when the probability is &gt; 0).</summary>
    public const string DropoutName = "lora_dropout";

    internal LoraAdapter(Linear layer, LoraOptions options, Rng rng)
    {
        Layer = layer;
        Rank = options.Rank;
        Scaling = options.Scaling;
        A = new Linear(layer.InFeatures, options.Rank, rng, bias: false);
        B = new Linear(options.Rank, layer.OutFeatures, rng, bias: false);
        B.Weight.Span.Clear();
        Dropout = options.Dropout > 0 ? new Dropout(options.Dropout, rng.Fork()) : null;
    }

    /// <summary>The base layer this adapter belongs to.</summary>
    public Linear Layer { get; }

    /// <summary>The rank r.</summary>
    public int Rank { get; }

    /// <summary>The factor of the adapter's output (α/r or α/√r), applied as a float32.</summary>
    public double Scaling { get; }

    /// <summary>A as a bias-free layer in → r (weight [r, in]).</summary>
    public Linear A { get; }

    /// <summary>B as a bias-free layer r → out (weight [out, r]).</summary>
    public Linear B { get; }

    /// <summary>The dropout on the adapter's input, or null for probability 0.</summary>
    public Dropout? Dropout { get; }

    /// <summary>Whether the update is currently merged into the base weight.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>The number of trainable elements (A and B).</summary>
    public long ParameterCount => A.Weight.Length + (long)B.Weight.Length;

    /// <summary>The weight update scaling·B·A, shape [out, in] (a new tensor, outside autodiff).</summary>
    public Tensor DeltaWeight()
    {
        int outF = Layer.OutFeatures, inF = Layer.InFeatures;
        var delta = Tensor.Zeros(outF, inF);
        var d = delta.Span;
        Gemm.Multiply(false, false, outF, inF, Rank, 1f, B.Weight.Span, Rank, A.Weight.Span, inF, 0f, d, inF);
        var s = (float)Scaling;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] *= s;
        }

        return delta;
    }

    /// <summary>The base weight with the update added (a new tensor; the layer is not changed).</summary>
    public Tensor MergedWeight()
    {
        var merged = Layer.Weight.Clone();
        if (!IsMerged)
        {
            AddDelta(merged.Span, DeltaWeight().Span, 1f);
        }

        return merged;
    }

    /// <summary>Adds the update to the base weight (W += scaling·B·A); does nothing when already merged.</summary>
    public void Merge()
    {
        if (!IsMerged)
        {
            AddDelta(Layer.Weight.Span, DeltaWeight().Span, 1f);
            IsMerged = true;
        }
    }

    /// <summary>Subtracts the update from the base weight (W −= scaling·B·A); does nothing when not merged.</summary>
    public void Unmerge()
    {
        if (IsMerged)
        {
            AddDelta(Layer.Weight.Span, DeltaWeight().Span, -1f);
            IsMerged = false;
        }
    }

    /// <summary>The adapted layer's output base(x) + (dropout(x)·Aᵀ·Bᵀ)·scaling, through GELU when <paramref name="gelu"/>,
    /// recorded for autodiff as one node with the base product (<see cref="LoraOp"/>).</summary>
    internal Tensor Forward(Tensor input, bool gelu)
    {
        var adapterInput = Dropout is null ? input : Dropout.Forward(input);
        return LoraOp.Forward(input, Layer.Weight, Layer.Bias, adapterInput, A.Weight, B.Weight, (float)Scaling, gelu);
    }

    private static void AddDelta(Span<float> weight, ReadOnlySpan<float> delta, float sign)
    {
        for (var i = 0; i < weight.Length; i++)
        {
            weight[i] += sign * delta[i];
        }
    }
}
