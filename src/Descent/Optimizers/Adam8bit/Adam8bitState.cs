namespace Descent.Optimizers;

/// <summary>
/// The state of one parameter of <see cref="Adam8bit"/> / <see cref="AdamW8bit"/>, under bitsandbytes' names: the
/// first moment <c>state1</c> and second moment <c>state2</c>, each stored at its <see cref="StatePrecision"/>; for
/// 8-bit moments also <c>absmax1</c>/<c>absmax2</c> (one float32 per block of 256) and the dynamic maps
/// <c>qmap1</c>/<c>qmap2</c>. A parameter with fewer elements than <see cref="LowPrecisionMomentOptions.MinQuantizedSize"/>
/// keeps both moments in float32 (bitsandbytes' <c>min_8bit_size</c>) and takes the 32-bit update.
/// </summary>
/// <remarks>Checkpoints save codes as U8, bfloat16 moments as BF16 and the rest as F32 (see
/// <see cref="ParameterState.PackedBuffers"/>), so that a resumed run continues bit for bit.</remarks>
public sealed class Adam8bitState : ParameterState
{
    /// <summary>Creates zero moments for a parameter of <paramref name="shape"/>, stored at the given precisions.</summary>
    public Adam8bitState(ReadOnlySpan<int> shape, StatePrecision expAvgPrecision, StatePrecision expAvgSqPrecision)
    {
        var s = shape.ToArray();
        var n = ShapeUtil.Count(s);
        ExpAvg = new MomentStore(expAvgPrecision, s, n, signed: true);
        ExpAvgSq = new MomentStore(expAvgSqPrecision, s, n, signed: false);
    }

    /// <summary>Whether the parameter takes the low-precision (block-wise) update: false when both moments are
    /// float32, i.e. below the size threshold or by choice.</summary>
    public bool IsCompact => ExpAvg.Precision != StatePrecision.Fp32 || ExpAvgSq.Precision != StatePrecision.Fp32;

    /// <summary>Precision of the first moment.</summary>
    public StatePrecision ExpAvgPrecision => ExpAvg.Precision;

    /// <summary>Precision of the second moment.</summary>
    public StatePrecision ExpAvgSqPrecision => ExpAvgSq.Precision;

    /// <inheritdoc />
    public override long Bytes => ExpAvg.Bytes + ExpAvgSq.Bytes;

    /// <summary>The first moment m (bitsandbytes: <c>state1</c>).</summary>
    internal MomentStore ExpAvg { get; }

    /// <summary>The second moment v (bitsandbytes: <c>state2</c>).</summary>
    internal MomentStore ExpAvgSq { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors => MomentStore.StateTensors(ExpAvg, ExpAvgSq);

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, PackedStateBuffer>> PackedBuffers => MomentStore.StatePackedBuffers(ExpAvg, ExpAvgSq);
}
