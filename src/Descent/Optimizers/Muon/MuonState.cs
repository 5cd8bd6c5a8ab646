namespace Descent.Optimizers;

/// <summary><see cref="Muon"/>'s state of one parameter: the momentum buffer (PyTorch: <c>momentum_buffer</c>),
/// zeros of the parameter's shape before the first step; 4 bytes per parameter.</summary>
public sealed class MuonState : BufferState
{
    /// <summary>Creates the state around its momentum buffer.</summary>
    public MuonState(Tensor momentumBuffer)
        : base(("momentum_buffer", momentumBuffer))
    {
    }

    /// <summary>The momentum buffer (PyTorch: <c>momentum_buffer</c>).</summary>
    public Tensor MomentumBuffer => Buffer(0);
}
