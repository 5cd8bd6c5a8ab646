using System.Reflection;
using System.Runtime.InteropServices;

namespace Descent.Distributed;

/// <summary>
/// P/Invoke binding to MPICH's stable C ABI (<c>libmpi.so.12</c>, the ABI MPICH, Intel MPI, MVAPICH and Cray MPI share):
/// handles are 32-bit integers with the constants of MPICH's <c>mpi.h</c>, checked against
/// <c>/usr/include/x86_64-linux-gnu/mpich/mpi.h</c> of MPICH 4.0.2. The library is found by
/// <see cref="NativeLibrary"/>: <c>DESCENT_MPI_LIBRARY</c> (a path), then <c>libmpi.so.12</c>, <c>libmpich.so.12</c>
/// (Debian's name), <c>libmpi.so</c>, <c>libmpich.so</c>.
/// </summary>
internal static unsafe partial class MpiNative
{
    public const int CommWorld = 0x44000000;
    public const int Int = 0x4c000405;
    public const int Float = 0x4c00040a;
    public const int Double = 0x4c00080b;
    public const int OpMax = 0x58000001;
    public const int OpMin = 0x58000002;
    public const int OpSum = 0x58000003;
    public const int ThreadSerialized = 2;
    public const int MaxLibraryVersionString = 8192;
    public const int RequestNull = 0x2c000000;

    /// <summary>MPI_IN_PLACE: <c>(void*)-1</c>.</summary>
    public static readonly void* InPlace = (void*)-1;

    /// <summary>MPI_STATUS(ES)_IGNORE: <c>(MPI_Status*)1</c>.</summary>
    public static readonly void* StatusesIgnore = (void*)1;

    private const string Library = "descent-mpi";

    private static readonly string[] Candidates = ["libmpi.so.12", "libmpich.so.12", "libmpi.so", "libmpich.so"];

    private static IntPtr handle;

    static MpiNative() => NativeLibrary.SetDllImportResolver(typeof(MpiNative).Assembly, Resolve);

    /// <summary>Loads the MPI library, or throws an <see cref="MpiException"/> naming the package to install.</summary>
    public static void Load()
    {
        if (handle != IntPtr.Zero)
        {
            return;
        }

        var explicitPath = Environment.GetEnvironmentVariable("DESCENT_MPI_LIBRARY");
        var names = string.IsNullOrEmpty(explicitPath) ? Candidates : [explicitPath];
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var h))
            {
                handle = h;
                return;
            }
        }

        throw new MpiException(
            $"the MPI library was not found (tried {string.Join(", ", names)}): install MPICH (Debian/Ubuntu: `apt-get install mpich`) "
            + "or set DESCENT_MPI_LIBRARY to the path of an MPICH-ABI libmpi.so.12");
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        Load();
        return handle;
    }

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalized")]
    public static partial int Finalized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")]
    public static partial int InitThread(int* argc, IntPtr* argv, int required, int* provided);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Abort")]
    public static partial int Abort(int comm, int errorCode);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(int comm, int* rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(int comm, int* size);

    [LibraryImport(Library, EntryPoint = "MPI_Get_library_version")]
    public static partial int GetLibraryVersion(byte* version, int* length);

    [LibraryImport(Library, EntryPoint = "MPI_Error_string")]
    public static partial int ErrorString(int code, byte* text, int* length);

    [LibraryImport(Library, EntryPoint = "MPI_Allreduce")]
    public static partial int Allreduce(void* send, void* receive, int count, int datatype, int op, int comm);

    [LibraryImport(Library, EntryPoint = "MPI_Iallreduce")]
    public static partial int Iallreduce(void* send, void* receive, int count, int datatype, int op, int comm, int* request);

    [LibraryImport(Library, EntryPoint = "MPI_Waitall")]
    public static partial int Waitall(int count, int* requests, void* statuses);

    [LibraryImport(Library, EntryPoint = "MPI_Testall")]
    public static partial int Testall(int count, int* requests, int* flag, void* statuses);

    [LibraryImport(Library, EntryPoint = "MPI_Reduce_scatter_block")]
    public static partial int ReduceScatterBlock(void* send, void* receive, int receiveCount, int datatype, int op, int comm);

    [LibraryImport(Library, EntryPoint = "MPI_Allgather")]
    public static partial int Allgather(void* send, int sendCount, int sendType, void* receive, int receiveCount, int receiveType, int comm);

    [LibraryImport(Library, EntryPoint = "MPI_Allgatherv")]
    public static partial int Allgatherv(void* send, int sendCount, int sendType, void* receive, int* receiveCounts, int* displacements,
        int receiveType, int comm);

    [LibraryImport(Library, EntryPoint = "MPI_Bcast")]
    public static partial int Bcast(void* buffer, int count, int datatype, int root, int comm);

    [LibraryImport(Library, EntryPoint = "MPI_Barrier")]
    public static partial int Barrier(int comm);
}
