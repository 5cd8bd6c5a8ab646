using System.Globalization;
using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// An exponential moving average (EMA) of parameters, kept in separate "shadow" tensors and swapped into the
/// model for evaluation: after each optimizer step call <see cref="Update"/>; evaluate inside
/// <c>using (ema.SwapIn()) { … }</c>, which restores the trained weights when disposed.
/// </summary>
/// <remarks>
/// <para>Update rule (PyTorch <c>torch.optim.swa_utils.AveragedModel</c> with
/// <c>get_ema_multi_avg_fn(decay)</c>): the first update copies the parameters, every later one computes
/// ema ← ema + (1 − decay)·(p − ema) (a lerp) in float32. With <c>warmup</c> the decay of update n (1-based)
/// is min(decay, (1 + n)/(10 + n)), the TensorFlow / timm convention that lets early averages follow the
/// weights quickly.</para>
/// <para>The shadows are created as copies of the parameters at construction, so swapping in before any
/// update gives the initial weights.</para>
/// </remarks>
public sealed class ExponentialMovingAverage
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] shadows;
    private Tensor[]? backup;

    /// <summary>Creates the average of <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to average (e.g. <c>model.Parameters()</c>).</param>
    /// <param name="decay">The decay, in [0, 1] (typical: 0.999).</param>
    /// <param name="warmup">Use min(decay, (1 + n)/(10 + n)) at update n.</param>
    public ExponentialMovingAverage(IEnumerable<Parameter> parameters, double decay = 0.999, bool warmup = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(decay >= 0 && decay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay,
                $"decay must be in [0, 1], got {decay.ToString("R", CultureInfo.InvariantCulture)}");
        }

        this.parameters = [.. parameters];
        foreach (var p in this.parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
        }

        Decay = decay;
        Warmup = warmup;
        shadows = [.. this.parameters.Select(p => p.Clone())];
    }

    /// <summary>The decay.</summary>
    public double Decay { get; }

    /// <summary>Whether the decay warms up.</summary>
    public bool Warmup { get; }

    /// <summary>Number of updates so far (PyTorch: <c>n_averaged</c>).</summary>
    public long Updates { get; set; }

    /// <summary>The averaged values, one per parameter (same order), e.g. for saving.</summary>
    public IReadOnlyList<Tensor> Shadows => shadows;

    /// <summary>Whether the averages are currently swapped into the parameters.</summary>
    public bool IsSwappedIn => backup is not null;

    /// <summary>The decay that the next <see cref="Update"/> uses (after the first, which copies).</summary>
    public double CurrentDecay => Warmup ? Math.Min(Decay, (1.0 + Updates + 1) / (10.0 + Updates + 1)) : Decay;

    /// <summary>Folds the current parameter values into the average.</summary>
    /// <exception cref="InvalidOperationException">The averages are swapped in.</exception>
    public void Update()
    {
        if (backup is not null)
        {
            throw new InvalidOperationException("cannot update the moving average while it is swapped into the model; dispose the swap first");
        }

        if (Updates == 0)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Span.CopyTo(shadows[i].Span);
            }
        }
        else
        {
            var weight = (float)(1.0 - CurrentDecay);
            for (var i = 0; i < parameters.Length; i++)
            {
                var e = shadows[i].Span;
                var p = parameters[i].Span;
                for (var j = 0; j < e.Length; j++)
                {
                    e[j] += weight * (p[j] - e[j]);
                }
            }
        }

        Updates++;
    }

    /// <summary>Copies the averages into the parameters until the returned scope is disposed, which restores the
    /// trained values exactly.</summary>
    public IDisposable SwapIn()
    {
        if (backup is not null)
        {
            throw new InvalidOperationException("the moving average is already swapped in");
        }

        backup = [.. parameters.Select(p => p.Clone())];
        for (var i = 0; i < parameters.Length; i++)
        {
            shadows[i].Span.CopyTo(parameters[i].Span);
        }

        return new Swap(this);
    }

    /// <summary>Copies the averages into the parameters for good (e.g. before exporting the model).</summary>
    public void CopyTo()
    {
        if (backup is not null)
        {
            throw new InvalidOperationException("the moving average is swapped in; dispose the swap first");
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            shadows[i].Span.CopyTo(parameters[i].Span);
        }
    }

    private void Restore()
    {
        if (backup is null)
        {
            return;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            backup[i].Span.CopyTo(parameters[i].Span);
        }

        backup = null;
    }

    private sealed class Swap(ExponentialMovingAverage owner) : IDisposable
    {
        private ExponentialMovingAverage? owner = owner;

        public void Dispose()
        {
            owner?.Restore();
            owner = null;
        }
    }
}
