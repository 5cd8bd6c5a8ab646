using Descent.Autodiff.Ops;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The dropout masks (<see cref="DropoutBits.Fill"/>'s bits, which the fused kernels use, and the unfused dropout op's)
/// against the definition: one <see cref="Rng.NextDouble"/> per element in element order, kept when ≥ p — the same
/// elements kept and the generator left in the same state, for counts around the word size and p from 0 to 1.
/// </summary>
public sealed class DropoutDrawTests
{
    public static TheoryData<int, double> Cases()
    {
        var data = new TheoryData<int, double>();
        foreach (var count in new[] { 1, 31, 32, 33, 1023, 1024, 2093 })
        {
            foreach (var p in new[] { 0.0, 0.1, 0.5, 1.0 })
            {
                data.Add(count, p);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BitsAndMasksKeepWhatNextDoubleKeeps(int count, double p)
    {
        var definition = new Rng(42);
        var keep = Enumerable.Range(0, count).Select(_ => definition.NextDouble() >= p).ToArray();

        var bits = new int[DropoutBits.Words(count)];
        var rng = new Rng(42);
        DropoutBits.Fill(rng, p, bits, count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(keep[i] == DropoutBits.Keeps(bits, i), $"bit {i}");
        }

        Assert.Equal(definition.NextUInt64(), rng.NextUInt64());

        var opRng = new Rng(42);
        var ones = Tensor.Ones(count);
        ones.RequiresGrad = true; // the op keeps its mask for backward
        var y = DropoutOp.Forward(ones, p, opRng).ToArray();
        var scale = p >= 1 ? 0f : (float)(1.0 / (1.0 - p));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(keep[i] ? scale : 0f, y[i]);
        }

        var after = new Rng(42);
        for (var i = 0; i < count; i++)
        {
            after.NextDouble();
        }

        Assert.Equal(after.NextUInt64(), opRng.NextUInt64());
    }
}
