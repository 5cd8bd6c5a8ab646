namespace Descent.Distributed;

/// <summary>How <see cref="DataParallel"/> reduces gradients.</summary>
public sealed record DataParallelOptions
{
    /// <summary>Gradient bytes per all-reduce bucket (default 4 MiB; PyTorch DDP's default is 25 MiB). Smaller buckets
    /// start earlier in the backward pass (more overlap) but pay more per-message latency. At least 4 bytes.</summary>
    public long BucketBytes
    {
        get;
        init => field = value >= sizeof(float)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BucketBytes), value, "the bucket size must be at least 4 bytes (one float)");
    } = 4L << 20;

    /// <summary>Start each bucket's all-reduce as soon as its gradients are final in the backward pass (default true);
    /// false reduces every bucket after the backward pass (same result, no overlap).</summary>
    public bool Overlap { get; init; } = true;

    /// <summary>Broadcast the model's buffers (e.g. batch-norm running statistics) from rank 0 before every batch, as
    /// PyTorch DDP's <c>broadcast_buffers=True</c> (default true), so that every rank evaluates the same model.</summary>
    public bool BroadcastBuffers { get; init; } = true;
}
