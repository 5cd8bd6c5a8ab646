namespace Descent.Experiments.Tabular;

/// <summary>The activation between the layers of a <see cref="TabularModel"/> (<c>$.task.model.activation</c>).</summary>
public enum TabularActivation
{
    /// <summary><c>relu</c>: torch.nn.ReLU.</summary>
    Relu,

    /// <summary><c>tanh</c>: torch.nn.Tanh.</summary>
    Tanh,

    /// <summary><c>gelu</c>: torch.nn.GELU (exact, erf-based).</summary>
    Gelu,

    /// <summary><c>sigmoid</c>: torch.nn.Sigmoid.</summary>
    Sigmoid,
}
