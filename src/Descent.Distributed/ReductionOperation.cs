namespace Descent.Distributed;

/// <summary>How an all-reduce combines the ranks' values element by element.</summary>
public enum ReductionOperation
{
    /// <summary>The sum (MPI_SUM).</summary>
    Sum,

    /// <summary>The maximum (MPI_MAX).</summary>
    Max,

    /// <summary>The minimum (MPI_MIN).</summary>
    Min,
}
