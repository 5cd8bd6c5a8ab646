using System.Numerics.Tensors;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Training;

namespace Descent.Distributed;

/// <summary>
/// Makes a <see cref="Learner"/> one rank of a data-parallel job (PyTorch DDP's scheme over a <see cref="Communicator"/>):
/// give every rank the same model, optimizer and options, its shard of every global batch
/// (<see cref="DataLoader.Shard"/>; <see cref="Trainer"/> does this itself when this callback is among its
/// <see cref="Trainer.Callbacks"/>), and this callback. Before training, the ranks check that they hold the same model
/// (an <see cref="MpiException"/> on every rank otherwise) and rank 0's parameters are broadcast; in every backward pass the
/// flat gradient arena is all-reduced in buckets, each started as soon as its gradients are final
/// (<see cref="GradientHooks"/>; non-blocking, so that communication overlaps the rest of the backward pass, unless
/// <see cref="DataParallelOptions.Overlap"/> is false); after it the gradients are
/// rank 0's would-be gradients of the whole global batch, and <see cref="Learner.Loss"/> is the global batch's loss.
/// </summary>
/// <remarks>
/// <para>Gradient weighting: each rank's gradient is scaled by its share of the global batch's samples (the learner's
/// <see cref="Learner.BatchSamples"/>, summed over the ranks; equal shares without a sample count) before the sum, so a
/// mean loss gives exactly the gradient of the global batch's mean loss, also for an uneven last batch; a rank whose shard is
/// empty (a last batch with fewer samples than ranks) contributes nothing.</para>
/// <para>Reproducibility: buckets are reduced in a fixed order (reverse parameter order, as gradients become final) with
/// the same element counts every step, so MPI picks the same algorithm and summation order every time: a run is
/// reproducible bit for bit for a given number of ranks. Against one process it agrees to rounding (about 1e-7 relative
/// per step), not bit for bit: each rank's loss averages its own shard before the shards' gradients are summed, a
/// different order of float additions than one process's mean over the whole batch.</para>
/// <para>With a <see cref="ZeroRedundancyOptimizer"/> as the learner's optimizer, each rank keeps and steps only its share
/// of the optimizer state; at the end of every epoch this callback gathers the full state so that rank 0's
/// <see cref="Checkpointing"/> (which must come after this callback) writes an ordinary checkpoint, which any number of
/// ranks can resume from.</para>
/// <para>Gradient accumulation (<see cref="LearnerOptions.AccumulationSteps"/> &gt; 1) is not supported: use a larger
/// global batch, which data parallelism makes cheap.</para>
/// </remarks>
public sealed class DataParallel : LearnerCallback, IDataParallel
{
    private readonly Action<Tensor> onGradientReady;
    private FlatLayout? layout;
    private Learner? bound;
    private int[] bucketStarts = [];
    private int[] bucketPending = [];
    private int[] bucketOfParameter = [];
    private int[] parameterCounts = [];
    private int nextBucket;
    private float weight = 1;
    private bool broadcastDone;
    private GradientHooks.Scope hookScope;
    private bool hooked;
    private readonly double[] lossBuffer = new double[1];
    private readonly int[] countBuffer = new int[1];
    private Tensor[] buffers = [];

    /// <summary>Creates the callback for <paramref name="communicator"/>'s job.</summary>
    public DataParallel(Communicator communicator, DataParallelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Communicator = communicator;
        Options = options ?? new DataParallelOptions();
        onGradientReady = OnGradientReady;
    }

    /// <summary>The job's communicator.</summary>
    public Communicator Communicator { get; }

    /// <summary>The options.</summary>
    public DataParallelOptions Options { get; }

    /// <inheritdoc />
    public int Rank => Communicator.Rank;

    /// <inheritdoc />
    public int Ranks => Communicator.Size;

    /// <summary>Gradient buckets (known after the fit started).</summary>
    public int BucketCount => bucketStarts.Length == 0 ? 0 : bucketStarts.Length - 1;

    /// <summary>Gradient bytes all-reduced per optimizer step (the whole flat gradient, 4 bytes per parameter element).</summary>
    public long BytesReducedPerStep => layout is null ? 0 : (long)layout.Length * sizeof(float);

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        switch (e)
        {
            case LearnerEvent.BeforeFit:
                Bind(learner);
                break;
            case LearnerEvent.BeforeEpoch when !broadcastDone:
                // After BeforeFit, where a resume (Checkpointing) may have loaded a checkpoint: rank 0's weights win.
                BroadcastParameters(learner);
                broadcastDone = true;
                break;
            case LearnerEvent.BeforeBatch:
                BeginBatch(learner);
                break;
            case LearnerEvent.BeforeBackward when Ranks > 1:
                hookScope = GradientHooks.OnGradientReady(onGradientReady);
                hooked = true;
                break;
            case LearnerEvent.AfterBackward:
                EndBackward(learner);
                break;
            case LearnerEvent.AfterEpoch when learner.Optimizer is ZeroRedundancyOptimizer zero && learner.Callbacks.OfType<Checkpointing>().Any():
                zero.ConsolidateState();
                break;
            case LearnerEvent.AfterFit when Ranks > 1:
                // Every rank leaves the fit together, after rank 0 wrote its last checkpoint (which others may read next).
                Communicator.Barrier();
                break;
        }
    }

    private void Bind(Learner learner)
    {
        if (learner.Options.AccumulationSteps != 1)
        {
            throw new ArgumentException(
                $"data-parallel training does not accumulate gradients (AccumulationSteps = {learner.Options.AccumulationSteps}): "
                + "use a global batch that many times larger instead", nameof(learner));
        }

        ModelFingerprint.Verify(Communicator, learner.Model, learner.Parameters);
        if (ReferenceEquals(bound, learner) && layout is not null)
        {
            broadcastDone = false;
            return;
        }

        bound = learner;
        layout = learner.Optimizer is ZeroRedundancyOptimizer zero ? zero.Layout : FlatLayout.Of(learner.Parameters);
        buffers = learner.Model is null ? [] : [.. learner.Model.NamedBuffers().Select(b => b.Buffer)];
        BuildBuckets(layout);
        broadcastDone = false;
    }

    private void BuildBuckets(FlatLayout flat)
    {
        // Buckets over the parameters in reverse order (the order their gradients become final in backward), each a
        // contiguous range of the arena of at least BucketBytes (whole parameters).
        var n = flat.Parameters.Length;
        var limit = Math.Max(1, Options.BucketBytes / sizeof(float));
        var starts = new List<int> { n };
        long size = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            size += flat.Parameters[i].Length;
            if (size >= limit && i > 0)
            {
                starts.Add(i);
                size = 0;
            }
        }

        starts.Add(0);

        // bucketStarts[b]..bucketStarts[b + 1] in parameter indices, descending: bucket b covers [starts[b + 1], starts[b]).
        bucketStarts = [.. starts.Distinct()];
        var buckets = bucketStarts.Length - 1;
        parameterCounts = new int[buckets];
        bucketPending = new int[buckets];
        bucketOfParameter = new int[n];
        for (var b = 0; b < buckets; b++)
        {
            for (var i = bucketStarts[b + 1]; i < bucketStarts[b]; i++)
            {
                bucketOfParameter[i] = b;
            }

            parameterCounts[b] = bucketStarts[b] - bucketStarts[b + 1];
        }
    }

    private void BroadcastParameters(Learner learner)
    {
        if (Ranks == 1)
        {
            return;
        }

        Communicator.Broadcast(layout!.ValueRange.Span);
        foreach (var b in buffers)
        {
            Communicator.Broadcast(b.Span);
        }
    }

    private void BeginBatch(Learner learner)
    {
        if (Ranks == 1)
        {
            return;
        }

        if (Options.BroadcastBuffers)
        {
            foreach (var b in buffers)
            {
                Communicator.Broadcast(b.Span);
            }
        }

        countBuffer[0] = learner.BatchSamples;
        Communicator.AllReduce<int>(countBuffer);
        weight = countBuffer[0] == 0 ? 0 : (float)((double)learner.BatchSamples / countBuffer[0]);
        parameterCounts.CopyTo(bucketPending, 0);
        nextBucket = 0;
    }

    private void OnGradientReady(Tensor tensor)
    {
        var i = layout!.IndexOf(tensor);
        if (i < 0)
        {
            return;
        }

        bucketPending[bucketOfParameter[i]]--;
        while (nextBucket < bucketPending.Length && bucketPending[nextBucket] == 0)
        {
            Launch(nextBucket++);
        }
    }

    private void Launch(int bucket)
    {
        var flat = layout!;
        var from = flat.Offsets[bucketStarts[bucket + 1]];
        var to = flat.Offsets[bucketStarts[bucket]];
        var range = flat.Gradients.AsMemory(flat.GradientsStart + from, to - from);
        for (var i = bucketStarts[bucket + 1]; i < bucketStarts[bucket]; i++)
        {
            if (flat.Parameters[i].Grad is null)
            {
                // No gradient this step (unused parameter): contribute zeros rather than the stale storage.
                flat.Gradients.AsSpan(flat.GradientsStart + flat.Offsets[i], flat.Parameters[i].Length).Clear();
            }
        }

        if (weight == 0)
        {
            // A rank without samples in this batch (a last batch smaller than the ranks): it contributes nothing, whatever
            // its empty forward pass left in the gradient.
            range.Span.Clear();
        }
        else if (weight != 1)
        {
            TensorPrimitives.Multiply(range.Span, weight, range.Span);
        }

        if (Options.Overlap)
        {
            Communicator.StartAllReduce(range);
        }
        else
        {
            Communicator.AllReduce(range.Span);
        }
    }

    private void EndBackward(Learner learner)
    {
        if (hooked)
        {
            hookScope.Dispose();
            hooked = false;
        }

        if (Ranks == 1)
        {
            return;
        }

        while (nextBucket < bucketPending.Length)
        {
            Launch(nextBucket++);
        }

        Communicator.WaitAll();
        // The loss of an empty shard (the mean of nothing, NaN) counts for nothing.
        lossBuffer[0] = weight == 0 ? 0 : learner.Loss * weight;
        Communicator.AllReduce<double>(lossBuffer);
        learner.Loss = lossBuffer[0];
    }
}
