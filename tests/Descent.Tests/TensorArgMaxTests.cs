namespace Descent.Tests;

public sealed class TensorArgMaxTests
{
    [Fact]
    public void LastAxisGivesTheClassOfEveryRowFirstOnTies()
    {
        var logits = Tensor.FromArray([0.1f, 2f, -1f, 5f, 5f, 0f, -3f, -2f, -2f], 3, 3);
        Assert.Equal([1, 0, 1], logits.ArgMax());
        Assert.Equal([1, 0, 1], logits.ArgMax(1));
    }

    [Fact]
    public void OtherAxesAndRanks()
    {
        var x = Tensor.FromArray([1f, 9f, 3f, 4f, 2f, 6f], 2, 3);
        Assert.Equal([1, 0, 1], x.ArgMax(0));
        var cube = Tensor.FromArray([0f, 1f, 2f, 3f, 7f, 6f, 5f, 4f], 2, 2, 2);
        Assert.Equal([1, 1, 0, 0], cube.ArgMax(1)); // [o, i]: max over the middle axis
        Assert.Equal([2], Tensor.FromArray([1f, 2f, 3f]).ArgMax());
        Assert.Equal([0], Tensor.Scalar(4f).ArgMax());
    }

    [Fact]
    public void NanCountsAsTheLargestAsInTorch()
    {
        Assert.Equal([1, 0], Tensor.FromArray([1f, float.NaN, 3f, float.PositiveInfinity, 2f, 1f], 2, 3).ArgMax());
        Assert.Equal([2], Tensor.FromArray([float.NegativeInfinity, float.NegativeInfinity, 0f]).ArgMax());
    }

    [Fact]
    public void BadAxisIsRejected()
    {
        var x = Tensor.FromArray([1f, 2f], 1, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.ArgMax(2));
        Assert.Throws<InvalidOperationException>(() => new Tensor(2, 0).ArgMax());
    }
}
