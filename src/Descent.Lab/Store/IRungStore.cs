namespace Descent.Lab.Store;

/// <summary>
/// Where the early-stopping rungs of an experiment's runs meet (<see cref="Specs.ExperimentSpec.EarlyStopping"/>): every run
/// records its metric at each rung it reaches and learns what the other runs recorded there before. The run store is one
/// (<see cref="IRunStore"/>); a run executed in other processes reaches the store through a relay (the <c>descent</c> CLI's
/// data-parallel runs).
/// </summary>
public interface IRungStore
{
    /// <summary>Records <paramref name="runKey"/>'s value of the early-stopping metric at <paramref name="rung"/> and returns the
    /// values other runs recorded there before (in one transaction).</summary>
    IReadOnlyList<double> RecordRung(string runKey, int rung, double value);
}
