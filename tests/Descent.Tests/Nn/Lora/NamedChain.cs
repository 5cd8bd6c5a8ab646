using Descent.Nn;

namespace Descent.Tests.Nn.Lora;

/// <summary>A test model: named children run one after the other (names like PEFT's examples, e.g. <c>query</c>).</summary>
public sealed class NamedChain : Module
{
    private readonly List<Module> layers = [];

    public NamedChain(params (string Name, Module Module)[] children)
    {
        foreach (var (name, module) in children)
        {
            layers.Add(RegisterModule(name, module));
        }
    }

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }

    /// <summary>A two-block model: <c>blocks.{0,1}.{query,value}</c> linear layers with ReLU between, then <c>classifier</c>.</summary>
    public static NamedChain Small(ulong seed, int features = 6, int classes = 3)
    {
        var rng = new Rng(seed);
        Module Block() => new NamedChain(("query", new Linear(features, features, rng)), ("act", new Relu()), ("value", new Linear(features, features, rng)), ("norm", new LayerNorm(features)));
        return new NamedChain(("blocks", new NamedChain(("0", Block()), ("1", Block()))), ("classifier", new Linear(features, classes, rng)));
    }
}
