using System.Buffers;
using System.Numerics;
using System.Text;

namespace Descent.Distributed;

/// <summary>
/// <see cref="Communicator"/> over MPI_COMM_WORLD through MPICH's C ABI (<c>libmpi.so.12</c>, see the package's docs):
/// initialized on first use (MPI_Init_thread, serialized), finalized when the process exits. Start the job with
/// <c>mpirun -n N …</c>.
/// </summary>
public sealed unsafe class MpiCommunicator : Communicator
{
    private static readonly Lock InitLock = new();
    private static MpiCommunicator? world;
    private readonly int rank;
    private readonly int size;
    private readonly string description;
    private int[] requests = new int[16];
    private MemoryHandle[] pins = new MemoryHandle[16];
    private int pending;

    private MpiCommunicator()
    {
        MpiNative.Load();
        int flag, provided, r, s;
        Check(MpiNative.Initialized(&flag), "MPI_Initialized");
        if (flag == 0)
        {
            Check(MpiNative.InitThread(null, null, MpiNative.ThreadSerialized, &provided), "MPI_Init_thread");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => FinalizeMpi();
        }

        Check(MpiNative.CommRank(MpiNative.CommWorld, &r), "MPI_Comm_rank");
        Check(MpiNative.CommSize(MpiNative.CommWorld, &s), "MPI_Comm_size");
        rank = r;
        size = s;
        description = $"MPI ({LibraryVersion()}), {s} rank{(s == 1 ? "" : "s")}";
    }

    /// <summary>MPI_COMM_WORLD (initializing MPI on first use); throws an <see cref="MpiException"/> naming the package to
    /// install when the MPI library is missing.</summary>
    public static MpiCommunicator World
    {
        get
        {
            lock (InitLock)
            {
                return world ??= new MpiCommunicator();
            }
        }
    }

    /// <summary>Loads the MPI library without initializing MPI (e.g. to check, before starting an MPI job, that its processes
    /// will find it); throws an <see cref="MpiException"/> naming the package to install when it is missing.</summary>
    public static void RequireLibrary() => MpiNative.Load();

    /// <inheritdoc />
    public override int Rank => rank;

    /// <inheritdoc />
    public override int Size => size;

    /// <inheritdoc />
    public override string Description => description;

    /// <summary>True when an MPI launcher started this process: MPICH's Hydra (<c>PMI_RANK</c>/<c>PMI_SIZE</c>), Open MPI
    /// (<c>OMPI_COMM_WORLD_SIZE</c>) or a PMIx launcher (<c>PMIX_RANK</c>).</summary>
    public static bool IsLaunchedByMpi() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PMI_SIZE"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PMI_RANK"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PMIX_RANK"));

    /// <inheritdoc />
    public override void AllReduce<T>(Span<T> data, ReductionOperation operation = ReductionOperation.Sum)
    {
        fixed (T* p = data)
        {
            Check(MpiNative.Allreduce(MpiNative.InPlace, p, data.Length, TypeOf<T>(), OpOf(operation), MpiNative.CommWorld), "MPI_Allreduce");
        }
    }

    /// <inheritdoc />
    public override void StartAllReduce(Memory<float> data)
    {
        if (pending == requests.Length)
        {
            Array.Resize(ref requests, pending * 2);
            Array.Resize(ref pins, pending * 2);
        }

        var pin = data.Pin();
        int request;
        var code = MpiNative.Iallreduce(MpiNative.InPlace, pin.Pointer, data.Length, MpiNative.Float, MpiNative.OpSum, MpiNative.CommWorld, &request);
        if (code != 0)
        {
            pin.Dispose();
            Check(code, "MPI_Iallreduce");
        }

        pins[pending] = pin;
        requests[pending++] = request;

        // Drive MPI's progress engine for the reductions already started (MPICH progresses on MPI calls).
        int done;
        fixed (int* r = requests)
        {
            Check(MpiNative.Testall(pending, r, &done, MpiNative.StatusesIgnore), "MPI_Testall");
        }
    }

    /// <inheritdoc />
    public override void WaitAll()
    {
        if (pending == 0)
        {
            return;
        }

        fixed (int* r = requests)
        {
            Check(MpiNative.Waitall(pending, r, MpiNative.StatusesIgnore), "MPI_Waitall");
        }

        for (var i = 0; i < pending; i++)
        {
            pins[i].Dispose();
            pins[i] = default;
        }

        pending = 0;
    }

    /// <inheritdoc />
    public override void ReduceScatterBlock<T>(ReadOnlySpan<T> send, Span<T> receive)
    {
        CheckScatterLayout(send.Length, receive.Length);
        fixed (T* s = send)
        fixed (T* r = receive)
        {
            Check(MpiNative.ReduceScatterBlock(s, r, receive.Length, TypeOf<T>(), MpiNative.OpSum, MpiNative.CommWorld), "MPI_Reduce_scatter_block");
        }
    }

    /// <inheritdoc />
    public override void AllGather<T>(ReadOnlySpan<T> send, Span<T> receive)
    {
        if ((long)send.Length * size != receive.Length)
        {
            throw new ArgumentException($"all-gather of {send.Length} elements over {size} ranks needs room for {(long)send.Length * size}, got {receive.Length}");
        }

        fixed (T* s = send)
        fixed (T* r = receive)
        {
            Check(MpiNative.Allgather(s, send.Length, TypeOf<T>(), r, send.Length, TypeOf<T>(), MpiNative.CommWorld), "MPI_Allgather");
        }
    }

    /// <inheritdoc />
    public override void AllGatherInPlace<T>(Span<T> data, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
    {
        CheckGatherLayout(data.Length, counts, displacements);
        fixed (T* d = data)
        fixed (int* c = counts)
        fixed (int* o = displacements)
        {
            Check(MpiNative.Allgatherv(MpiNative.InPlace, 0, TypeOf<T>(), d, c, o, TypeOf<T>(), MpiNative.CommWorld), "MPI_Allgatherv");
        }
    }

    /// <inheritdoc />
    public override void Broadcast<T>(Span<T> data, int root = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, size);
        fixed (T* d = data)
        {
            Check(MpiNative.Bcast(d, data.Length, TypeOf<T>(), root, MpiNative.CommWorld), "MPI_Bcast");
        }
    }

    /// <inheritdoc />
    public override void Barrier() => Check(MpiNative.Barrier(MpiNative.CommWorld), "MPI_Barrier");

    /// <summary>Ends the whole job (every rank) with <paramref name="exitCode"/> (MPI_Abort): for an error on one rank that
    /// the others would otherwise wait for forever.</summary>
    public void Abort(int exitCode) => MpiNative.Abort(MpiNative.CommWorld, exitCode);

    private static int TypeOf<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return MpiNative.Float;
        }

        if (typeof(T) == typeof(double))
        {
            return MpiNative.Double;
        }

        return typeof(T) == typeof(int)
            ? MpiNative.Int
            : throw new NotSupportedException($"MPI collectives here take float, double or int elements, not {typeof(T).Name}");
    }

    private static int OpOf(ReductionOperation operation) => operation switch
    {
        ReductionOperation.Sum => MpiNative.OpSum,
        ReductionOperation.Max => MpiNative.OpMax,
        ReductionOperation.Min => MpiNative.OpMin,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "expected Sum, Max or Min"),
    };

    private static void Check(int code, string call)
    {
        if (code == 0)
        {
            return;
        }

        var text = new byte[MpiNative.MaxLibraryVersionString];
        int length;
        fixed (byte* t = text)
        {
            _ = MpiNative.ErrorString(code, t, &length);
        }

        throw new MpiException($"{call} failed with error {code}: {Encoding.ASCII.GetString(text, 0, Math.Max(0, length)).Trim()}");
    }

    private static string LibraryVersion()
    {
        var text = new byte[MpiNative.MaxLibraryVersionString];
        int length;
        fixed (byte* t = text)
        {
            Check(MpiNative.GetLibraryVersion(t, &length), "MPI_Get_library_version");
        }

        var line = Encoding.ASCII.GetString(text, 0, Math.Max(0, length)).Split('\n')[0].Trim();
        return line.Replace("MPICH Version:", "MPICH", StringComparison.Ordinal).Trim();
    }

    private static void FinalizeMpi()
    {
        int finalized;
        if (MpiNative.Finalized(&finalized) == 0 && finalized == 0)
        {
            MpiNative.Finalize();
        }
    }
}
