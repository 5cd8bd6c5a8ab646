namespace Descent.Experiments;

/// <summary>The built-in task kinds of the lab (<see cref="ExperimentTasks"/>), by their spec name.</summary>
public static class TaskKinds
{
    /// <summary>Linear regression y = Xθ + b on generated data (MSE), the article's first example.</summary>
    public const string LinearRegression = "linear-regression";

    /// <summary>The article's 2-16-1 tanh MLP on generated 2-D regression data (MSE).</summary>
    public const string MlpRegression = "mlp-regression";

    /// <summary>A ReLU MLP classifying the 8×8 digits (cross-entropy; validation accuracy).</summary>
    public const string DigitsMlp = "digits-mlp";

    /// <summary>Fine-tuning a CNN pretrained on Fashion-MNIST classes 0–4 on classes 5–9.</summary>
    public const string FashionTransfer = "fashion-transfer";

    /// <summary>Fine-tuning all-MiniLM-L6-v2 for SpamAssassin spam detection (head, top-k or full).</summary>
    public const string MiniLmSpam = "minilm-spam";

    /// <summary>Rosenbrock's banana valley, minimum 0 at (1, 1).</summary>
    public const string Rosenbrock = "rosenbrock";

    /// <summary>Beale's function, minimum 0 at (3, 0.5).</summary>
    public const string Beale = "beale";

    /// <summary>Himmelblau's function, four minima of value 0.</summary>
    public const string Himmelblau = "himmelblau";

    /// <summary>The saddle x² − y² (unbounded below; a saddle point at the origin).</summary>
    public const string Saddle = "saddle";

    /// <summary>An ill-conditioned quadratic with seeded noisy gradients.</summary>
    public const string NoisyQuadratic = "noisy-quadratic";

    /// <summary>An MLP on the user's own CSV file (classification or regression).</summary>
    public const string Csv = "csv";

    /// <summary>An MLP classifying the user's own images in IDX files.</summary>
    public const string Idx = "idx";

    /// <summary>Every kind, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [LinearRegression, MlpRegression, DigitsMlp, FashionTransfer, MiniLmSpam, Rosenbrock, Beale, Himmelblau, Saddle, NoisyQuadratic, Csv, Idx];

    /// <summary>The 2-D test functions.</summary>
    public static IReadOnlyList<string> TestFunctions { get; } = [Rosenbrock, Beale, Himmelblau, Saddle, NoisyQuadratic];

    /// <summary>True for a 2-D test function.</summary>
    public static bool IsTestFunction(string kind) => TestFunctions.Contains(kind);
}
