namespace Descent.Optimizers;

/// <summary>
/// The state of one parameter of Adam, AdamW and RAdam: the first and second moment averages, and the running
/// maximum of the second moment only with AMSGrad — 8 bytes per parameter otherwise. Adam and AdamW may store each
/// moment at a lower <see cref="StatePrecision"/> (<see cref="LowPrecisionMomentOptions"/>); such a state is saved
/// under bitsandbytes' names (<c>state1</c>, <c>state2</c>, <c>absmax1</c>, <c>absmax2</c>, <c>qmap1</c>,
/// <c>qmap2</c>) instead of PyTorch's <c>exp_avg</c>/<c>exp_avg_sq</c>.
/// </summary>
public sealed class AdamState : ParameterState
{
    private readonly MomentStore expAvg, expAvgSq;

    /// <summary>Creates zero float32 moments for a parameter of the given shape.</summary>
    public AdamState(ReadOnlySpan<int> shape, bool amsgrad)
        : this(shape, amsgrad, StatePrecision.Fp32, StatePrecision.Fp32)
    {
    }

    /// <summary>Creates zero moments for a parameter of the given shape, stored at the given precisions.</summary>
    public AdamState(ReadOnlySpan<int> shape, bool amsgrad, StatePrecision expAvgPrecision, StatePrecision expAvgSqPrecision)
    {
        var s = shape.ToArray();
        var n = ShapeUtil.Count(s);
        expAvg = new MomentStore(expAvgPrecision, s, n, signed: true);
        expAvgSq = new MomentStore(expAvgSqPrecision, s, n, signed: false);
        MaxExpAvgSq = amsgrad ? new Tensor(shape) : null;
    }

    /// <summary>First moment m (PyTorch: <c>exp_avg</c>), float32 storage only.</summary>
    /// <exception cref="InvalidOperationException">The moment is stored at a lower precision.</exception>
    public Tensor ExpAvg => expAvg.Tensor ?? throw LowPrecision("exp_avg", expAvg.Precision);

    /// <summary>Second moment v (PyTorch: <c>exp_avg_sq</c>), float32 storage only.</summary>
    /// <exception cref="InvalidOperationException">The moment is stored at a lower precision.</exception>
    public Tensor ExpAvgSq => expAvgSq.Tensor ?? throw LowPrecision("exp_avg_sq", expAvgSq.Precision);

    /// <summary>Precision of the first moment.</summary>
    public StatePrecision ExpAvgPrecision => expAvg.Precision;

    /// <summary>Precision of the second moment.</summary>
    public StatePrecision ExpAvgSqPrecision => expAvgSq.Precision;

    /// <summary>Whether a moment is stored below float32 (the block-wise update).</summary>
    public bool IsCompact => expAvg.Precision != StatePrecision.Fp32 || expAvgSq.Precision != StatePrecision.Fp32;

    /// <summary>Running maximum of v, AMSGrad only (PyTorch: <c>max_exp_avg_sq</c>; float32 at every precision).</summary>
    public Tensor? MaxExpAvgSq { get; set; }

    /// <inheritdoc />
    public override long Bytes => expAvg.Bytes + expAvgSq.Bytes + (4L * (MaxExpAvgSq?.Length ?? 0));

    /// <summary>The first moment's storage.</summary>
    internal MomentStore ExpAvgStore => expAvg;

    /// <summary>The second moment's storage.</summary>
    internal MomentStore ExpAvgSqStore => expAvgSq;

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            if (IsCompact)
            {
                foreach (var entry in MomentStore.StateTensors(expAvg, expAvgSq))
                {
                    yield return entry;
                }
            }
            else
            {
                yield return new("exp_avg", ExpAvg);
                yield return new("exp_avg_sq", ExpAvgSq);
            }

            if (MaxExpAvgSq is not null)
            {
                yield return new("max_exp_avg_sq", MaxExpAvgSq);
            }
        }
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, PackedStateBuffer>> PackedBuffers => MomentStore.StatePackedBuffers(expAvg, expAvgSq);

    private static InvalidOperationException LowPrecision(string name, StatePrecision precision) => new(
        $"{name} is stored as {precision}, not float32: read it through {nameof(Tensors)} and {nameof(PackedBuffers)} " +
        "(state1/state2, absmax1/absmax2), or use the fp32 precision");
}
