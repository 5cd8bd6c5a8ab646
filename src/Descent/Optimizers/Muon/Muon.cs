using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Muon — MomentUm Orthogonalized by Newton–Schulz — for the 2-D weight matrices of hidden layers; equivalent to
/// <c>torch.optim.Muon</c> (PyTorch ≥ 2.9, <c>torch/optim/_muon.py</c>, the <c>addmm</c> form).
/// </summary>
/// <remarks>
/// <para>Update rule, per step of each rows×cols parameter (float32 elementwise):</para>
/// <code>
/// b = lerp(b, g, 1 − μ)                               // b += (1 − μ)·(g − b)
/// u = nesterov ? lerp(g, b, μ) : b
/// O = NS(u)                                           // Newton–Schulz, ns_steps quintic steps, see below
/// p = p·(1 − lr·λ)                                    // decoupled weight decay, unadjusted lr
/// p = p − adjusted_lr·O                               // adjusted_lr = lr·√max(1, rows/cols) ("original")
///                                                     //          or 0.2·lr·√max(rows, cols) ("match_rms_adamw")
/// </code>
/// <para>NS: X = u in bfloat16 (transposed when rows &gt; cols), X /= max(‖X‖_F, eps), then ns_steps times
/// G = X·Xᵀ, P = b·G + c·G·G, X = a·X + P·X (coefficients (a, b, c)). Every product is a float32 GEMM
/// (Descent's <see cref="Numerics.Gemm"/>) rounded to bfloat16 as PyTorch's bf16 tensors do; with
/// <see cref="MuonOptions.Precision"/> = <see cref="NewtonSchulzPrecision.Float32"/> nothing is rounded to
/// bfloat16. The norm is clamped, not added to: an all-zero update stays zero.</para>
/// <para>Defaults (PyTorch's): lr 1e-3, weight decay 0.1, momentum 0.95, Nesterov, (a, b, c) =
/// (3.4445, −4.7750, 2.0315), eps 1e-7, 5 steps, "original" adjustment (see <see cref="MuonOptions"/>). State per
/// parameter: <c>momentum_buffer</c> (4 bytes per parameter). Paper: K. Jordan et al., "Muon: An optimizer for
/// hidden layers in neural networks" (2024, kellerjordan.github.io/posts/muon); the "match_rms_adamw" rule is
/// from J. Liu et al., "Muon is Scalable for LLM Training" (2025, arXiv:2502.16982).</para>
/// <para>Only 2-D parameters are accepted, as in PyTorch. Embeddings, the output layer, biases and normalization
/// weights belong to AdamW: <see cref="MuonParameterGroups"/> builds that split (Muon + AdamW as one
/// optimizer), and the name <c>muon</c> in the registry, CLI and lab specs does it by rank (and, with
/// <c>adamw_head</c>, position; see <see cref="Create"/>). Differences from PyTorch: <c>foreach</c> (which PyTorch rejects) and complex
/// parameters do not exist here; bfloat16 products accumulate in float32 (PyTorch's CPU bf16 GEMM for tiny
/// matrices accumulates in bfloat16).</para>
/// </remarks>
[Optimizer("muon", "Muon (Jordan et al. 2024) for 2-D matrices, AdamW for the rest; Muon equivalent to torch.optim.Muon",
    Factory = nameof(Create), NamedFactory = nameof(CreateNamed))]
public sealed class Muon : Optimizer<MuonOptions, MuonState>
{
    private readonly NewtonSchulz newtonSchulz = new();
    private float[] update = [];
    private float[] orthogonal = [];

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group); every one must be 2-D.</summary>
    /// <exception cref="ArgumentException">A parameter is not 2-D.</exception>
    public Muon(IEnumerable<Parameter> parameters, MuonOptions? options = null)
        : base(parameters, options ?? new MuonOptions())
    {
        CheckMatrices(Groups);
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options; every parameter must be 2-D.</summary>
    /// <exception cref="ArgumentException">A parameter is not 2-D.</exception>
    public Muon(IEnumerable<(IEnumerable<Parameter> Parameters, MuonOptions Options)> groups, MuonOptions? defaults = null)
        : base(groups, defaults ?? new MuonOptions())
    {
        CheckMatrices(Groups);
    }

    /// <inheritdoc />
    public override string Name => "Muon";

    /// <summary>Called with each parameter's orthogonalized update O right after it is computed (tests).</summary>
    internal Action<Parameter, float[]>? UpdateObserver { get; set; }

    /// <summary>
    /// What the name <c>muon</c> builds (registry, CLI <c>--optimizer muon</c>, lab specs): Muon for the 2-D
    /// parameters and an <see cref="AdamW"/> (<see cref="MuonOptions.FallbackOptions"/>: <c>adamw_lr</c>,
    /// <c>adamw_weight_decay</c>) for the others — and for the head, the last 2-D parameter in the order given, when
    /// <see cref="MuonOptions.AdamWHead"/> (<c>adamw_head</c>) is set — as one <see cref="CompositeOptimizer"/>; a
    /// plain <see cref="Muon"/> when AdamW would get nothing. Models always have biases, so this is what makes the
    /// name usable. <see cref="MuonParameterGroups"/> splits by name instead (embeddings and heads too).
    /// </summary>
    public static Optimizer Create(IEnumerable<Parameter> parameters, MuonOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return CreateNamed(parameters.Select(p => (string.Empty, p)), options);
    }

    /// <summary>
    /// As <see cref="Create"/> for a caller that knows the parameters' state_dict names (the lab's tasks through
    /// <see cref="OptimizerRegistry"/>): the 2-D parameters whose names mark an embedding or a head
    /// (<see cref="MuonParameterGroups.IsEmbeddingOrHead"/>: <c>embeddings.word_embeddings.weight</c>,
    /// <c>classifier.weight</c>, …) go to AdamW too, as <see cref="MuonParameterGroups"/> sends them — what makes the name
    /// <c>muon</c> usable on a transformer, whose embeddings are 2-D.
    /// </summary>
    public static Optimizer CreateNamed(IEnumerable<(string Name, Parameter Parameter)> namedParameters, MuonOptions options)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        ArgumentNullException.ThrowIfNull(options);
        var list = namedParameters.ToList();
        var head = options.AdamWHead ? list.LastOrDefault(p => p.Parameter.Rank == 2).Parameter : null;
        bool ToAdamW((string Name, Parameter Parameter) p) =>
            p.Parameter.Rank != 2 || ReferenceEquals(p.Parameter, head) || MuonParameterGroups.IsEmbeddingOrHead(p.Name);
        if (!list.Any(ToAdamW))
        {
            return new Muon(list.Select(p => p.Parameter), options);
        }

        return new CompositeOptimizer(
            new Muon(list.Where(p => !ToAdamW(p)).Select(p => p.Parameter), options),
            new AdamW(list.Where(ToAdamW).Select(p => p.Parameter), options.FallbackOptions()));
    }

    /// <inheritdoc />
    public override ParameterGroup AddParameterGroup(IEnumerable<Parameter> parameters, OptimizerOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        foreach (var p in list)
        {
            CheckMatrix(p);
        }

        return base.AddParameterGroup(list, options, name);
    }

    /// <inheritdoc />
    public override MuonState CreateState(Parameter parameter, MuonOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckMatrix(parameter);
        return new MuonState(Tensor.Zeros(parameter.Shape));
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, MuonState state, MuonOptions options)
    {
        CheckMatrix(parameter);
        KernelGuard.SameLength(parameter.Length, grad.Length, nameof(grad));
        var rows = parameter.Shape[0];
        var cols = parameter.Shape[1];
        var n = parameter.Length;
        if (n == 0)
        {
            return;
        }

        if (update.Length < n)
        {
            update = new float[n];
            orthogonal = new float[n];
        }

        var u = update.AsSpan(0, n);
        var o = orthogonal.AsSpan(0, n);
        var simd = ElementwiseKernel.UsesSimd(KernelPath);
        var momentum = new MuonMomentumKernel(options.Momentum, options.Nesterov);
        if (simd)
        {
            ElementwiseKernel.Simd(momentum, u, grad.Span, state.MomentumBuffer.Span);
        }
        else
        {
            ElementwiseKernel.Reference(momentum, u, grad.Span, state.MomentumBuffer.Span);
        }

        newtonSchulz.Orthogonalize(u, rows, cols, o, options, KernelPath);
        UpdateObserver?.Invoke(parameter, o.ToArray());

        var apply = new MuonApplyKernel((float)(1 - (options.LearningRate * options.WeightDecay)), (float)-options.AdjustedLearningRate(rows, cols));
        if (simd)
        {
            ElementwiseKernel.Simd(apply, parameter.Span, o);
        }
        else
        {
            ElementwiseKernel.Reference(apply, parameter.Span, o);
        }
    }

    private static void CheckMatrices(IReadOnlyList<ParameterGroup> groups)
    {
        foreach (var g in groups)
        {
            foreach (var p in g.Parameters)
            {
                CheckMatrix(p);
            }
        }
    }

    private static void CheckMatrix(Parameter parameter)
    {
        if (parameter.Rank != 2)
        {
            throw new ArgumentException(
                $"Muon only supports 2-D parameters, got one of shape {ShapeUtil.Format(parameter.Shape)}; send biases, " +
                "normalization weights, embeddings and the output layer to AdamW with MuonParameterGroups.Create, or create " +
                "the optimizer by the name 'muon' (Muon.Create), which gives the parameters that are not 2-D to AdamW",
                nameof(parameter));
        }
    }
}
