using Descent.Text.Classification;

namespace Descent.Experiments.Spam;

/// <summary>What a <see cref="MiniLmSpamExperiment"/> reports while it runs: each phase (an embedding cache, a fine-tuning
/// run) runs through <see cref="Phase"/>, which hands it a progress callback; a diverged run and every finished run are
/// announced as they happen.</summary>
public interface IMiniLmSpamObserver
{
    /// <summary>Runs <paramref name="run"/> (a phase named <paramref name="label"/>) with a progress callback of the
    /// observer's choosing, and returns its result.</summary>
    T Phase<T>(string label, Func<Action<FineTuneProgress>, T> run);

    /// <summary>The run of <paramref name="options"/> diverged (it is left out; the other runs still run).</summary>
    void Diverged(TextFineTuneOptions options, FineTuneDivergedException exception);

    /// <summary>The run of <paramref name="options"/> finished with <paramref name="result"/>; <paramref name="results"/>
    /// holds every finished run so far, this one last.</summary>
    void Finished(TextFineTuneOptions options, FineTuneResult result, IReadOnlyList<FineTuneResult> results);
}
