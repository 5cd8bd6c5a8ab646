using System.Globalization;
using System.Text;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Tests.Lab;

namespace Descent.Tests.Experiments.Tabular;

/// <summary>Small synthetic CSV files and specs for the <c>csv</c> task tests, written into a temporary folder.</summary>
internal sealed class TabularFiles : IDisposable
{
    private static readonly string[] Animals = ["emu", "cat", "dog"];

    public TempDir Dir { get; } = new();

    /// <summary>Three separable classes (text labels emu, cat, dog) from two features a, b, a noise column c and a text
    /// column name that the task leaves out; <paramref name="labels"/> replaces the label texts.</summary>
    public string Classification(string file, int rows, int seed, IReadOnlyList<string>? labels = null)
    {
        labels ??= Animals;
        var rng = new Random(seed);
        var sb = new StringBuilder("name,a,b,c,label\n");
        for (var i = 0; i < rows; i++)
        {
            var k = i % 3;
            var a = (k * 4.0) + rng.NextDouble();
            var b = (k == 1 ? 10.0 : -10.0) + (3 * rng.NextDouble());
            sb.Append(CultureInfo.InvariantCulture, $"n{i},{a:R},{b:R},{rng.NextDouble():R},{labels[k]}\n");
        }

        return Write(file, sb.ToString());
    }

    /// <summary>y = 2a − b + 0.1 noise, features a, b in [0, 1).</summary>
    public string Regression(string file, int rows, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("a,b,y\n");
        for (var i = 0; i < rows; i++)
        {
            double a = rng.NextDouble(), b = rng.NextDouble();
            sb.Append(CultureInfo.InvariantCulture, $"{a:R},{b:R},{(2 * a) - b + (0.1 * rng.NextDouble()):R}\n");
        }

        return Write(file, sb.ToString());
    }

    public string Write(string file, string text)
    {
        var path = Dir.Sub(file);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A spec whose task section is <paramref name="task"/> (JSON members), paths relative to the folder.</summary>
    public ExperimentSpec Spec(string task, string optimizers = """{ "name": "adam", "lr": 0.01 }""", int epochs = 3, string seeds = "[0, 1]", string target = "") =>
        SpecParser.Parse(SpecText(task, optimizers, epochs, seeds, target), EngineCatalog.Instance, baseDirectory: Dir.Path);

    public static string SpecText(string task, string optimizers = """{ "name": "adam", "lr": 0.01 }""", int epochs = 3, string seeds = "[0, 1]", string target = "") => $$"""
        { "name": "tabular", "task": { {{task}} }, "budget": { "epochs": {{epochs}} }, "seeds": {{seeds}}, {{target}}
          "optimizers": [ {{optimizers}} ] }
        """;

    public void Dispose() => Dir.Dispose();
}
