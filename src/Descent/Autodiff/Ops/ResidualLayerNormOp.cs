using System.Buffers;
using Descent.Optimizers;

namespace Descent.Autodiff.Ops;

/// <summary>
/// LayerNorm(dropout(x) + residual) in one pass (the post-LayerNorm transformer sub-layer output): each row of x and
/// the residual is read once, the sum z is formed in the output row (in cache) and y is written over it. Nothing of size
/// x is saved: the backward pass recomputes z from x, the residual and the dropout mask (kept as bits), runs LayerNorm's
/// backward and writes dz into the residual's gradient and dz ⊙ mask/(1 − p) into x's, in the same pass.
/// </summary>
/// <remarks>The dropout mask is drawn exactly as <see cref="DropoutOp"/> draws it (element order of x,
/// <see cref="DropoutBits"/>), z = x·m + r in float as the unfused dropout-then-add computes it, and the normalization runs
/// <see cref="LayerNormOp"/>'s row kernels (<see cref="LayerNormKernel"/>), so the output and the gradients equal the unfused
/// ops' bit for bit given the same generator.</remarks>
internal sealed unsafe class ResidualLayerNormOp : NormalizationOp
{
    private readonly int[]? keep;
    private readonly float keepScale;
    private readonly bool simd;

    private ResidualLayerNormOp(Tensor x, Tensor residual, Tensor? weight, Tensor? bias, float[] mean, float[] invStd, int[]? keep, float keepScale,
        bool simd)
        : base([x, residual], weight, bias, mean, invStd)
    {
        this.keep = keep;
        this.keepScale = keepScale;
        this.simd = simd;
    }

    public override string Name => "FusedResidualLayerNormBackward";

    /// <summary>LayerNorm over the last dimension (γ, β of that size or absent) of dropout(x) + residual, dropout p
    /// (0: none) drawn from <paramref name="rng"/>; <paramref name="path"/> <see cref="KernelPath.Reference"/> runs the scalar
    /// reference row kernels (the same bits).</summary>
    public static Tensor Forward(Tensor x, Tensor residual, Tensor? weight, Tensor? bias, double eps, double dropout, Rng? rng,
        KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(residual);
        if (x.Rank == 0 || !residual.Shape.SequenceEqual(x.Shape))
        {
            throw new ShapeMismatchException("ResidualLayerNorm", x.Shape, residual.Shape, "the residual must have the input's shape");
        }

        var d = x.Shape[^1];
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (t is not null && (t.Rank != 1 || t.Shape[0] != d))
            {
                throw new ShapeMismatchException("ResidualLayerNorm", [d], t.Shape, $"{name} must have the last dimension's size");
            }
        }

        if (!(dropout >= 0 && dropout <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1]");
        }

        if (dropout > 0)
        {
            ArgumentNullException.ThrowIfNull(rng);
        }

        var rows = d == 0 ? 0 : x.Length / d;
        var record = ShouldRecord(x, weight, bias) || Tape.ShouldRecord(residual);
        int[]? bits = null;
        if (dropout > 0)
        {
            var words = DropoutBits.Words(x.Length);
            bits = record ? Workspace.SavedInts(words) : ArrayPool<int>.Shared.Rent(words);
            DropoutBits.Fill(rng!, dropout, bits, x.Length);
        }

        var keepScale = DropoutBits.KeepScale(dropout);
        var y = Tensor.Output(x.Shape);
        var mu = Workspace.SavedFloats(rows);
        var inv = Workspace.SavedFloats(rows);
        var simd = path != KernelPath.Reference;
        fixed (float* px = x.Span, pr = residual.Span, py = y.Span, pm = mu, pi = inv)
        fixed (float* pw = weight is null ? default : weight.Span, pb = bias is null ? default : bias.Span)
        fixed (int* pk = bits)
        {
            LayerNormKernel.Forward(px, pr, pk, bits?.Length ?? 0, keepScale, pw, pb, rows, d, eps, py, pm, pi, simd);
        }

        if (!record)
        {
            if (bits is not null)
            {
                ArrayPool<int>.Shared.Return(bits);
            }

            return y;
        }

        return Tape.Record(y, new ResidualLayerNormOp(x, residual, weight, bias, mu, inv, bits, keepScale, simd));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var rows = Mean.Length;
        BackwardRows(Inputs[1], keep, keepScale, gradOutput, rows, rows == 0 ? 0 : Inputs[0].Length / rows, simd);
    }
}
