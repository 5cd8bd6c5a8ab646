using System.Numerics;
using Descent.Distributed;

namespace Descent.Tests.Distributed;

/// <summary>A test double: N "ranks" as N threads of this process, each collective a barrier-synchronized exchange of
/// copies (reductions in rank order), so data-parallel code can be tested with several ranks without MPI.</summary>
internal sealed class ThreadCommunicator : Communicator
{
    private readonly Shared shared;
    private readonly int rank;

    private ThreadCommunicator(Shared shared, int rank)
    {
        this.shared = shared;
        this.rank = rank;
    }

    public override int Rank => rank;

    public override int Size => shared.Slots.Length;

    public override string Description => $"{Size} threads (test)";

    /// <summary>Runs <paramref name="body"/> on <paramref name="ranks"/> threads, one communicator each; returns their
    /// results in rank order, or rethrows the first rank's exception.</summary>
    public static T[] Run<T>(int ranks, Func<Communicator, T> body)
    {
        var shared = new Shared(ranks);
        var results = new T[ranks];
        var errors = new Exception?[ranks];
        var threads = Enumerable.Range(0, ranks).Select(r => new Thread(() =>
        {
            try
            {
                results[r] = body(new ThreadCommunicator(shared, r));
            }
            catch (Exception e)
            {
                errors[r] = e;
                shared.Barrier.Dispose();
            }
        }, 16 << 20)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var first = errors.FirstOrDefault(e => e is not null and not ObjectDisposedException and not BarrierPostPhaseException);
        if (first is not null || errors.Any(e => e is not null))
        {
            throw first ?? errors.First(e => e is not null)!;
        }

        return results;
    }

    public override void AllReduce<T>(Span<T> data, ReductionOperation operation = ReductionOperation.Sum)
    {
        var all = Exchange(data.ToArray());
        for (var i = 0; i < data.Length; i++)
        {
            var v = ((T[])all[0])[i];
            for (var r = 1; r < all.Length; r++)
            {
                var x = ((T[])all[r])[i];
                v = operation switch
                {
                    ReductionOperation.Sum => v + x,
                    ReductionOperation.Max => T.Max(v, x),
                    _ => T.Min(v, x),
                };
            }

            data[i] = v;
        }

        Sync();
    }

    public override void StartAllReduce(Memory<float> data) => AllReduce(data.Span);

    public override void WaitAll()
    {
    }

    public override void ReduceScatterBlock<T>(ReadOnlySpan<T> send, Span<T> receive)
    {
        CheckScatterLayout(send.Length, receive.Length);
        var sum = send.ToArray();
        AllReduce<T>(sum);
        sum.AsSpan(rank * receive.Length, receive.Length).CopyTo(receive);
    }

    public override void AllGather<T>(ReadOnlySpan<T> send, Span<T> receive)
    {
        var all = Exchange(send.ToArray());
        for (var r = 0; r < all.Length; r++)
        {
            ((T[])all[r]).CopyTo(receive[(r * send.Length)..]);
        }

        Sync();
    }

    public override void AllGatherInPlace<T>(Span<T> data, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
    {
        CheckGatherLayout(data.Length, counts, displacements);
        var all = Exchange(data.ToArray());
        for (var r = 0; r < all.Length; r++)
        {
            ((T[])all[r]).AsSpan(displacements[r], counts[r]).CopyTo(data[displacements[r]..]);
        }

        Sync();
    }

    public override void Broadcast<T>(Span<T> data, int root = 0)
    {
        var all = Exchange(data.ToArray());
        ((T[])all[root]).CopyTo(data);
        Sync();
    }

    public override void Barrier() => Sync();

    private object[] Exchange(object mine)
    {
        shared.Slots[rank] = mine;
        Sync();
        return shared.Slots;
    }

    private void Sync()
    {
        if (!shared.Barrier.SignalAndWait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("a rank did not reach the collective (ranks called different collectives?)");
        }
    }

    private sealed class Shared(int ranks)
    {
        public object[] Slots { get; } = new object[ranks];

        public Barrier Barrier { get; } = new(ranks);
    }
}
