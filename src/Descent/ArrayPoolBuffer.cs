using System.Buffers;

namespace Descent;

/// <summary>Pooled scratch buffers for autodiff temporaries (intermediate gradients).</summary>
internal static class ArrayPoolBuffer
{
    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(1 << 26, 64);

    public static float[] Rent(int length) => Pool.Rent(Math.Max(length, 1));

    public static void Return(float[] buffer) => Pool.Return(buffer);
}
