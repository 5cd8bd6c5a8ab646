using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Numerics;

/// <summary>Per-thread, 64-byte-aligned, pinned scratch buffers for GEMM packing; grown on demand and reused,
/// so steady-state GEMM calls allocate nothing.</summary>
internal static unsafe class GemmScratch
{
    [ThreadStatic]
    private static float[]? packA;

    [ThreadStatic]
    private static float[]? packB;

    [ThreadStatic]
    private static float[]? small;

    /// <summary>Buffer for the calling thread's packed A block.</summary>
    public static float* PackA(int length) => Get(ref packA, length);

    /// <summary>Buffer for a packed B panel (owned by the thread that called GEMM, shared with its workers).</summary>
    public static float* PackB(int length) => Get(ref packB, length);

    /// <summary>Buffer for the small path (a transposed copy of B, an edge tile).</summary>
    public static float* Small(int length) => Get(ref small, length);

    private static float* Get(ref float[]? array, int length)
    {
        if (array is null || array.Length < length + 16)
        {
            array = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        }

        var p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (float*)((p + 63) & ~(nint)63);
    }
}
