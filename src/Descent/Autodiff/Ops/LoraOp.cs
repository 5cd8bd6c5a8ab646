using Descent.Numerics;
using Descent.Optimizers;

namespace Descent.Autodiff.Ops;

/// <summary>
/// A linear layer with its LoRA adapter as one node: u = x·Wᵀ + b + s·(x′·Aᵀ)·Bᵀ and y = u, or y = GELU(u) when asked,
/// for x [..., in], W [out, in], b [out] (optional), the adapter's input x′ (x itself, or dropout(x)) and A [r, in],
/// B [out, r] with the constant scaling s. Only the low-rank product h = x′·Aᵀ [rows, r] (and u before a GELU) is kept
/// for backward; the base product is written straight into the output and the update is accumulated into it by the
/// GEMM (alpha = s, beta = 1), so the layer's output exists once, never as a base output plus a copy.
/// Backward, with du = dy (or dy · GELU′(u)): dB = s·duᵀ·h; dh = s·du·B; dA = dhᵀ·x′; dx = du·W (+ dh·A when x′ is x,
/// accumulated by the GEMM into the same scratch); dx′ = dh·A otherwise; dW = duᵀ·x and db = Σ_rows du only where the
/// base requires them (a frozen base, LoRA's normal case, costs no weight-gradient GEMM).
/// </summary>
/// <remarks><see cref="KernelPath.Reference"/> runs PEFT's composition unfused — base, A, B, the scaling and the sum
/// (then the GELU) as separate recorded operations, each rounded — which the fused node matches within float32
/// rounding (parity tests). The fused node rounds the scaling and the sum inside the GEMM's accumulation.</remarks>
internal sealed class LoraOp : Node
{
    private readonly Tensor low;
    private readonly Tensor? preActivation;
    private readonly float scaling;
    private readonly bool hasBias;
    private readonly bool separateAdapterInput;

    private LoraOp(Tensor[] inputs, Tensor low, Tensor? preActivation, float scaling, bool hasBias, bool separateAdapterInput)
        : base(inputs)
    {
        this.low = low;
        this.preActivation = preActivation;
        this.scaling = scaling;
        this.hasBias = hasBias;
        this.separateAdapterInput = separateAdapterInput;
    }

    public override string Name => preActivation is null ? "LoraBackward" : "LoraGeluBackward";

    /// <summary>The layer's output x·Wᵀ + b + s·(x′·Aᵀ)·Bᵀ, through GELU when <paramref name="gelu"/>; x′ =
    /// <paramref name="adapterInput"/> (x itself or a dropout of it, x's shape).</summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias, Tensor adapterInput, Tensor a, Tensor b, float scaling,
        bool gelu = false, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(adapterInput);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (weight.Rank != 2 || x.Rank == 0 || x.Shape[^1] != weight.Shape[1])
        {
            throw new ShapeMismatchException("Lora", x.Shape, weight.Shape,
                "the input's last dimension must equal the weight's second dimension (weight is [out, in])");
        }

        if (a.Rank != 2 || b.Rank != 2 || b.Shape[1] != a.Shape[0] || a.Shape[1] != weight.Shape[1] || b.Shape[0] != weight.Shape[0])
        {
            throw new ShapeMismatchException("Lora", a.Shape, b.Shape, $"A must be [r, {weight.Shape[1]}] and B [{weight.Shape[0]}, r]");
        }

        if (!adapterInput.Shape.SequenceEqual(x.Shape))
        {
            throw new ShapeMismatchException("Lora", adapterInput.Shape, x.Shape, "the adapter's input must have the layer input's shape");
        }

        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
        {
            throw new ShapeMismatchException("Lora", weight.Shape, bias.Shape, "the bias must be [out]");
        }

        if (path == KernelPath.Reference)
        {
            var update = LinearOp.Forward(LinearOp.Forward(adapterInput, a, null, path: path), b, null, path: path) * scaling;
            var sum = LinearOp.Forward(x, weight, bias, path: path) + update;
            return gelu ? sum.Gelu() : sum;
        }

        int r = a.Shape[0], inF = a.Shape[1], outF = b.Shape[0];
        var rows = ShapeUtil.Count(x.Shape[..^1]);
        var shape = x.Shape.ToArray();
        shape[^1] = outF;
        var separate = !ReferenceEquals(adapterInput, x);
        Tensor[] inputs = (bias, separate) switch
        {
            (null, false) => [x, weight, a, b],
            (null, true) => [x, weight, a, b, adapterInput],
            (_, false) => [x, weight, a, b, bias],
            _ => [x, weight, a, b, bias, adapterInput],
        };
        var record = Tape.ShouldRecord(inputs);
        var h = Tensor.Output([rows, r]);
        Gemm.Multiply(false, true, rows, r, inF, 1f, adapterInput.Span, inF, a.Span, inF, 0f, h.Span, r);
        var y = Tensor.Output(shape);
        var u = gelu && record ? Tensor.Output(shape) : y;
        LinearOp.Product(x.Span, weight.Span, bias, u.Span, null, gelu: false, path, rows, outF, inF);
        Gemm.Multiply(false, true, rows, outF, r, scaling, h.Span, r, b.Span, r, 1f, u.Span, outF);
        if (gelu)
        {
            default(GeluOp).Forward(u.Span, y.Span);
        }

        return record
            ? Tape.Record(y, new LoraOp(inputs, h, gelu ? u : null, scaling, bias is not null, separate))
            : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var (x, w, a, b) = (Inputs[0], Inputs[1], Inputs[2], Inputs[3]);
        var bias = hasBias ? Inputs[4] : null;
        var adapterInput = separateAdapterInput ? Inputs[^1] : x;
        int r = a.Shape[0], inF = a.Shape[1], outF = b.Shape[0];
        var rows = low.Shape[0];
        float[]? preGradient = null;
        var du = gradOutput;
        if (preActivation is not null)
        {
            // du = dy · GELU′(u), by the GELU op's own backward kernel.
            preGradient = ArrayPoolBuffer.Rent(gradOutput.Length);
            var span = preGradient.AsSpan(0, gradOutput.Length);
            default(GeluOp).Backward(preActivation.Span, default, gradOutput, span);
            du = span;
        }

        if (b.RequiresGrad)
        {
            var gb = GradientScratch.For(b);
            Gemm.Multiply(true, false, outF, r, rows, scaling, du, outF, low.Span, r, 0f, gb.Span, r);
            gb.AccumulateInto(b);
        }

        float[]? lowBuffer = null;
        var gh = Span<float>.Empty;
        if (a.RequiresGrad || adapterInput.RequiresGrad)
        {
            lowBuffer = ArrayPoolBuffer.Rent(rows * r);
            gh = lowBuffer.AsSpan(0, rows * r);
            Gemm.Multiply(false, false, rows, r, outF, scaling, du, outF, b.Span, r, 0f, gh, r);
        }

        if (a.RequiresGrad)
        {
            var ga = GradientScratch.For(a);
            Gemm.Multiply(true, false, r, inF, rows, 1f, gh, r, adapterInput.Span, inF, 0f, ga.Span, inF);
            ga.AccumulateInto(a);
        }

        // The base: dx = du·W (+ dh·A when the adapter reads x itself) and dW only where they are required.
        LinearOp.BackwardProduct(x, w, du, rows, !separateAdapterInput && lowBuffer is not null ? a : null, gh);
        if (separateAdapterInput && adapterInput.RequiresGrad)
        {
            var gx = GradientScratch.For(adapterInput);
            Gemm.Multiply(false, false, rows, inF, r, 1f, gh, r, a.Span, inF, 0f, gx.Span, inF);
            gx.AccumulateInto(adapterInput);
        }

        if (bias is { RequiresGrad: true })
        {
            LinearOp.BackwardBias(bias, du, rows);
        }

        if (lowBuffer is not null)
        {
            ArrayPoolBuffer.Return(lowBuffer);
        }

        if (preGradient is not null)
        {
            ArrayPoolBuffer.Return(preGradient);
        }
    }
}
