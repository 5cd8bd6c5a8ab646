using Descent.Numerics;
using Descent.Tests.Numerics;

namespace Descent.Tests;

[Collection(nameof(NumericsAllocationCollection))]
public sealed class ThreadsTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("1025")]
    [InlineData("4.5")]
    public void InvalidEnvironmentValueNamesTheVariableAndTheRange(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Threads.FromEnvironment(value));
        Assert.Contains("DESCENT_THREADS", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("from 1 to 1024", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentValueOrProcessorCount()
    {
        Assert.Equal(4, Threads.FromEnvironment(" 4 "));
        Assert.Equal(Environment.ProcessorCount, Threads.FromEnvironment(null));
        Assert.Equal(Environment.ProcessorCount, Threads.FromEnvironment(""));
    }

    [Fact]
    public void OneSettingGovernsGemmAndParallelRangeUntilOverridden()
    {
        var saved = Threads.Max;
        try
        {
            Threads.Max = 3;
            Assert.Equal(3, Gemm.MaxWorkers);
            Assert.Equal(3, ParallelRange.MaxWorkers);
            ParallelRange.MaxWorkers = 1;
            Assert.Equal(1, ParallelRange.MaxWorkers);
            Assert.Equal(3, Gemm.MaxWorkers);
            Threads.Max = 2;
            Assert.Equal(2, ParallelRange.MaxWorkers);
            Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Max = 0);
            Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Max = Threads.Limit + 1);
            Assert.Equal(2, Threads.Max);
        }
        finally
        {
            Threads.Max = saved;
        }
    }
}
