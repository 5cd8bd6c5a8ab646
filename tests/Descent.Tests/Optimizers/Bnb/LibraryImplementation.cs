using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>The library's <c>adam8bit</c>/<c>adamw8bit</c>, built by name through the registry (as the CLI and lab
/// specs build it), as a <see cref="TrajectoryReplay.IImplementation"/>.</summary>
public sealed class LibraryImplementation : TrajectoryReplay.IImplementation
{
    private readonly Parameter[] parameters;
    private readonly int[][] shapes;

    public LibraryImplementation(Adam8bitGolden.TrajectoryCase c, KernelPath path)
    {
        shapes = c.Shapes;
        parameters = [.. c.ParamsInit.Select((p, k) => new Parameter(Tensor.FromArray(p, c.Shapes[k])))];
        var name = c.Optimizer switch
        {
            "Adam8bit" => "adam8bit",
            "AdamW8bit" => "adamw8bit",
            _ => throw new ArgumentException($"unknown optimizer {c.Optimizer}"),
        };
        var hp = new Dictionary<string, double>
        {
            ["lr"] = c.LearningRate, ["beta1"] = c.Beta1, ["beta2"] = c.Beta2, ["eps"] = c.Epsilon, ["weight_decay"] = c.WeightDecay,
        };
        var choices = new Dictionary<string, string> { ["convention"] = c.Cuda ? "cuda" : "cpu" };
        Optimizer = OptimizerRegistry.Create(name, parameters, hp, choices);
        Optimizer.KernelPath = path;
    }

    public Optimizer Optimizer { get; }

    public IReadOnlyList<Parameter> Parameters => parameters;

    public void Step(float[][] grads)
    {
        for (var k = 0; k < parameters.Length; k++)
        {
            parameters[k].Grad = Tensor.FromArray(grads[k], shapes[k]);
        }

        Optimizer.Step();
    }

    public float[] Parameter(int k) => parameters[k].Span.ToArray();

    public (float[] ExpAvg, float[] ExpAvgSq) Absmax(int k)
    {
        var t = Tensors(k);
        return (t["absmax1"], t["absmax2"]);
    }

    public (long Step, float[] State1, float[] State2) Final(int k)
    {
        var t = Tensors(k);
        return (Optimizer.GetState(parameters[k])!.Step, t["state1"], t["state2"]);
    }

    /// <summary>Every state buffer of parameter k as floats (codes 0–255 for packed ones).</summary>
    private Dictionary<string, float[]> Tensors(int k) => LowPrecisionChecks.StateValues(Optimizer, parameters[k]);
}
