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

    /// <summary>How a bucket's all-reduce runs once its gradients are final in the backward pass. True (the default): a
    /// non-blocking MPI_Iallreduce, completed after the backward pass, which overlaps the rest of the backward pass as
    /// PyTorch DDP does (fully when the MPI library progresses non-blocking collectives by itself — a progress thread,
    /// network offload; otherwise it progresses inside the MPI calls of later buckets). False: a blocking MPI_Allreduce
    /// there and then (the backward pass waits). The result is the same bit for bit. On a heavily loaded machine the two
    /// differ unpredictably (see docs/distributed.md); <c>Descent.Bench dist</c> measures both on yours.</summary>
    public bool Overlap { get; init; } = true;

    /// <summary>Broadcast the model's buffers (e.g. batch-norm running statistics) from rank 0 before every batch, as
    /// PyTorch DDP's <c>broadcast_buffers=True</c> (default true), so that every rank evaluates the same model.</summary>
    public bool BroadcastBuffers { get; init; } = true;
}
