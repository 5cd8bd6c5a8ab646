namespace Descent.Optimizers;

/// <summary>
/// Where Adam's ε enters the denominator; frameworks disagree (see <see cref="AdamFamilyOptions.EpsilonConvention"/>).
/// With m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ):
/// </summary>
public enum AdamEpsilonConvention
{
    /// <summary>PyTorch (default; also Optax with eps_root = 0): <c>p −= lr·m̂ / (√v̂ + ε)</c>.</summary>
    [Hyperparameter("pytorch")]
    PyTorch,

    /// <summary>Keras / scikit-learn "epsilon hat" (Kingma &amp; Ba, end of section 2): ε̂ is added to the
    /// uncorrected √v, <c>p −= lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε̂)</c>. Equivalent to <see cref="PyTorch"/>
    /// with a per-step ε = ε̂ / √(1 − β₂ᵗ) (larger early on). Keras' default ε̂ is 1e-7, scikit-learn's 1e-8.</summary>
    [Hyperparameter("epsilon_hat")]
    EpsilonHat,

    /// <summary>Optax's <c>eps_root</c>: ε inside the square root, <c>p −= lr·m̂ / √(v̂ + ε)</c>
    /// (<c>optax.adam(eps=0, eps_root=ε)</c>); differentiable at v = 0.</summary>
    [Hyperparameter("inside_root")]
    InsideRoot,
}
