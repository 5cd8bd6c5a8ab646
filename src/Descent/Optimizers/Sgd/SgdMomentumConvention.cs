namespace Descent.Optimizers;

/// <summary>
/// How SGD's momentum buffer relates to the learning rate; frameworks disagree (see
/// <see cref="SgdOptions.MomentumConvention"/>).
/// </summary>
public enum SgdMomentumConvention
{
    /// <summary>PyTorch (default): the buffer accumulates gradients and the learning rate scales the step,
    /// <c>b = μ·b + (1 − dampening)·g; p −= lr·b</c> (Nesterov: <c>p −= lr·(g + μ·b)</c>); the buffer starts
    /// as the first gradient.</summary>
    [Hyperparameter("pytorch")]
    PyTorch,

    /// <summary>Sutskever et al. (2013) / Keras / scikit-learn: the velocity includes the learning rate,
    /// <c>v = μ·v − lr·g; p += v</c> (Nesterov: <c>p += μ·v − lr·g</c>, scikit-learn's default solver); the
    /// velocity starts at zero. At a constant learning rate (and no dampening) the iterates equal
    /// <see cref="PyTorch"/>'s with v = −lr·b; when the learning rate changes, past velocity keeps the old
    /// rate here but is rescaled there, so the two differ. Dampening must be 0.</summary>
    [Hyperparameter("sutskever")]
    Sutskever,
}
