namespace Descent.Training;

/// <summary>
/// Seeded random augmentation of image batches, applied by a <see cref="DataLoader"/> (its
/// <see cref="DataLoader.Augmentation"/>) to the training batches only: each image is optionally mirrored
/// left–right and then shifted by a whole number of pixels, the vacated pixels set to zero (the same as padding by
/// <see cref="MaxShift"/> zeros on every side and cropping the original size at a random offset, as torchvision's
/// <c>RandomCrop(size, padding)</c> + <c>RandomHorizontalFlip</c> with zero fill).
/// </summary>
/// <remarks>
/// <para>The samples are [C, H, W] or [H, W] (the last two dimensions are the image; every channel of an image
/// gets the same transform). Randomness is stateless: the transforms of batch b of epoch e come from
/// <c>new Rng(Seed + (e + 1) × 0x9E3779B97F4A7C15 + (b + 1) × 0xBF58476D1CE4E5B9)</c> (wrapping), drawn image by
/// image in batch order as: flip (<c>NextUInt64() &gt;&gt; 63 == 1</c>, only when <see cref="HorizontalFlip"/>),
/// then dy and dx (each <c>NextInt(2·MaxShift + 1) − MaxShift</c>, only when <see cref="MaxShift"/> &gt; 0).
/// A resumed run therefore sees exactly the batches of an uninterrupted one.</para>
/// <para>For an image x of height H and width W, the output is y[i, j] = x'[i − dy, j − dx] where that index is
/// inside the image and 0 elsewhere, with x'[i, j] = x[i, W − 1 − j] when flipped and x otherwise (so dy &gt; 0 moves
/// the content down, dx &gt; 0 to the right).</para>
/// </remarks>
public sealed record ImageAugmentation
{
    /// <summary>The largest shift in pixels, vertically and horizontally (0 = no shift; at most 64).</summary>
    public int MaxShift
    {
        get;
        init => field = value is >= 0 and <= 64 ? value : throw new ArgumentOutOfRangeException(nameof(MaxShift), value, "MaxShift must be in [0, 64]");
    }

    /// <summary>Whether each image is mirrored left–right with probability ½.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>The seed of the random transforms.</summary>
    public ulong Seed { get; init; }

    /// <summary>Whether this changes nothing (no shift, no flip).</summary>
    public bool IsIdentity => MaxShift == 0 && !HorizontalFlip;

    /// <summary>The generator of batch <paramref name="batch"/> of epoch <paramref name="epoch"/>.</summary>
    public Rng RngFor(int epoch, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        return new Rng(unchecked(Seed + ((ulong)(epoch + 1) * 0x9E3779B97F4A7C15UL) + ((ulong)(batch + 1) * 0xBF58476D1CE4E5B9UL)));
    }

    /// <summary>Transforms, in place, the images of <paramref name="inputs"/> ([B, …, H, W]) as batch
    /// <paramref name="batch"/> of epoch <paramref name="epoch"/>.</summary>
    public void Apply(Tensor inputs, int epoch, int batch)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shape = inputs.Shape;
        if (shape.Length is < 3 or > 4)
        {
            throw new ArgumentException($"expected a batch of [H, W] or [C, H, W] images, got shape [{string.Join(", ", shape.ToArray())}]", nameof(inputs));
        }

        if (IsIdentity || shape[0] == 0)
        {
            return;
        }

        var rng = RngFor(epoch, batch);

        var (h, w) = (shape[^2], shape[^1]);
        var plane = h * w;
        var perImage = inputs.Length / shape[0];
        var scratch = new float[plane];
        var data = inputs.Span;
        for (var n = 0; n < shape[0]; n++)
        {
            var flip = HorizontalFlip && (rng.NextUInt64() >> 63) == 1;
            var dy = MaxShift > 0 ? rng.NextInt((2 * MaxShift) + 1) - MaxShift : 0;
            var dx = MaxShift > 0 ? rng.NextInt((2 * MaxShift) + 1) - MaxShift : 0;
            for (var c = n * perImage; c < (n + 1) * perImage; c += plane)
            {
                var image = data.Slice(c, plane);
                image.CopyTo(scratch);
                Transform(scratch, image, h, w, flip, dy, dx);
            }
        }
    }

    /// <summary>Writes into <paramref name="destination"/> the H×W image <paramref name="source"/> mirrored
    /// left–right when <paramref name="flip"/> and then shifted by (<paramref name="dy"/>, <paramref name="dx"/>)
    /// with zero fill (see the remarks of <see cref="ImageAugmentation"/>).</summary>
    public static void Transform(ReadOnlySpan<float> source, Span<float> destination, int height, int width, bool flip, int dy, int dx)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        var plane = height * width;
        if (source.Length != plane || destination.Length != plane)
        {
            throw new ArgumentException($"source ({source.Length}) and destination ({destination.Length}) must both hold {height}×{width} = {plane} values");
        }

        if (source.Overlaps(destination))
        {
            throw new ArgumentException("source and destination must not overlap", nameof(destination));
        }

        for (var i = 0; i < height; i++)
        {
            var si = i - dy;
            var row = destination.Slice(i * width, width);
            if (si < 0 || si >= height)
            {
                row.Clear();
                continue;
            }

            for (var j = 0; j < width; j++)
            {
                var sj = j - dx;
                row[j] = sj < 0 || sj >= width ? 0f : source[(si * width) + (flip ? width - 1 - sj : sj)];
            }
        }
    }
}
