using System.Buffers;

namespace Descent;

/// <summary>Pooled scratch buffers for autodiff temporaries (intermediate gradients).</summary>
/// <remarks>Small buffers (up to <see cref="CachedMaxLength"/> elements) are kept in a few per-thread slots
/// first: a training step of a small model rents and returns a dozen such buffers, and the shared pool's
/// locking would cost more than the arithmetic. Everything else goes to the shared pool.</remarks>
internal static class ArrayPoolBuffer
{
    /// <summary>Largest buffer (elements) kept in the per-thread slots (256 KB).</summary>
    internal const int CachedMaxLength = 1 << 16;

    private const int Slots = 8;

    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(1 << 26, 64);

    [ThreadStatic]
    private static float[]?[]? cache;

    public static float[] Rent(int length)
    {
        length = Math.Max(length, 1);
        if (length <= CachedMaxLength && cache is { } slots)
        {
            // A cached buffer that fits without wasting more than half of it.
            for (var i = 0; i < slots.Length; i++)
            {
                var a = slots[i];
                if (a is not null && a.Length >= length && a.Length <= 2 * length)
                {
                    slots[i] = null;
                    return a;
                }
            }
        }

        return Pool.Rent(length);
    }

    public static void Return(float[] buffer)
    {
        if (buffer.Length <= CachedMaxLength)
        {
            var slots = cache ??= new float[Slots][];
            for (var i = 0; i < slots.Length; i++)
            {
                if (slots[i] is null)
                {
                    slots[i] = buffer;
                    return;
                }
            }
        }

        Pool.Return(buffer);
    }
}
