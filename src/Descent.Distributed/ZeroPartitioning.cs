namespace Descent.Distributed;

/// <summary>How <see cref="ZeroRedundancyOptimizer"/> divides the flat parameter range among the ranks.</summary>
public enum ZeroPartitioning
{
    /// <summary>Equal element ranges (sizes differ by at most one element), cutting through tensors: exactly 1/N of the
    /// state per rank. For optimizers whose update and state are element-wise (<see cref="Optimizers.Optimizer.StateIsElementwise"/>:
    /// Adam, AdamW).</summary>
    Elements,

    /// <summary>Contiguous runs of whole parameters, balanced by element count: about 1/N of the state per rank (as even as
    /// the tensor sizes allow). For every other optimizer, e.g. Muon, whose update needs whole matrices.</summary>
    Parameters,
}
