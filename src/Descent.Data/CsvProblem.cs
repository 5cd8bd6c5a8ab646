namespace Descent.Data;

/// <summary>What the target column of a <see cref="CsvDataset"/> holds.</summary>
public enum CsvProblem
{
    /// <summary>Class labels (text or integers), mapped to class indices 0, 1, … in sorted order.</summary>
    Classification,

    /// <summary>A number to predict.</summary>
    Regression,
}
