namespace Descent.Nn.Lora;

/// <summary>
/// The hyperparameters of LoRA adapters, Hugging Face PEFT's <c>LoraConfig</c> (the names in brackets are
/// the <c>adapter_config.json</c> keys). Each property validates itself when set (also through <c>with</c>);
/// <see cref="Validate"/> checks that exactly one way of naming the target modules is given.
/// </summary>
/// <remarks>
/// Targets follow PEFT's <c>target_modules</c>: a list of names matches every module whose dotted name equals
/// an entry or ends with <c>.</c> + the entry (<c>query</c> matches <c>bert.encoder.layer.0.attention.self.query</c>);
/// a regular expression (<see cref="TargetPattern"/>) must match the whole module name; the list
/// <c>["all-linear"]</c> selects every <see cref="Linear"/> except the model's last one (the output layer).
/// Only <see cref="Linear"/> modules can carry an adapter.
/// </remarks>
public sealed record LoraOptions
{
    /// <summary>PEFT's shorthand for "every linear layer but the output layer".</summary>
    public const string AllLinear = "all-linear";

    /// <summary>Creates the options with PEFT's defaults (r 8, α 8, no dropout, no bias) and no targets.</summary>
    public LoraOptions()
    {
        Rank = 8;
        Alpha = 8;
        TargetModules = [];
        ModulesToSave = [];
    }

    /// <summary>The rank r of the update B·A (<c>r</c>); ≥ 1, default 8.</summary>
    public int Rank
    {
        get;
        init => field = Require.AtLeast(value, 1, nameof(Rank));
    }

    /// <summary>The scale numerator α (<c>lora_alpha</c>); finite and &gt; 0, default 8.</summary>
    public double Alpha
    {
        get;
        init => field = Require.Positive(value, nameof(Alpha));
    }

    /// <summary>Dropout probability on the adapter's input (<c>lora_dropout</c>); in [0, 1), default 0.</summary>
    public double Dropout
    {
        get;
        init => field = Require.UnitHalfOpen(value, nameof(Dropout));
    }

    /// <summary>Module names matched as name suffixes (<c>target_modules</c> as a list); see the remarks.</summary>
    public IReadOnlyList<string> TargetModules
    {
        get;
        init => field = CheckNames(value, nameof(TargetModules));
    }

    /// <summary>A regular expression matched against whole module names (<c>target_modules</c> as a string);
    /// null when <see cref="TargetModules"/> names the targets.</summary>
    public string? TargetPattern
    {
        get;
        init
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("TargetPattern must be null or a non-empty regular expression", nameof(TargetPattern));
            }

            field = value;
        }
    }

    /// <summary>Rank-stabilized LoRA (<c>use_rslora</c>): scaling α/√r instead of α/r.</summary>
    public bool UseRsLora { get; init; }

    /// <summary>Which existing biases train (<c>bias</c>); default <see cref="LoraBias.None"/>.</summary>
    public LoraBias Bias
    {
        get;
        init => field = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Bias), value, "Bias must be None, All or LoraOnly");
    }

    /// <summary>Modules trained in full and saved with the adapter (<c>modules_to_save</c>, e.g. a new
    /// classification head), matched like <see cref="TargetModules"/>.</summary>
    public IReadOnlyList<string> ModulesToSave
    {
        get;
        init => field = CheckNames(value, nameof(ModulesToSave));
    }

    /// <summary>The seed of the generator that initializes the A matrices (in module order).</summary>
    public ulong Seed { get; init; }

    /// <summary>The base model's hub id or path (<c>base_model_name_or_path</c>); informational.</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>PEFT's <c>task_type</c> (<c>SEQ_CLS</c>, <c>CAUSAL_LM</c>, …, or null); informational.</summary>
    public string? TaskType { get; init; }

    /// <summary>The factor of the adapter's output: α/r, or α/√r with <see cref="UseRsLora"/>.</summary>
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Checks that exactly one of <see cref="TargetModules"/> and <see cref="TargetPattern"/> is given.</summary>
    /// <exception cref="ArgumentException">Neither or both name the targets.</exception>
    public void Validate()
    {
        if (TargetModules.Count == 0 && TargetPattern is null)
        {
            throw new ArgumentException("LoRA needs target modules: set TargetModules (names such as query, value) or TargetPattern (a regular expression)");
        }

        if (TargetModules.Count > 0 && TargetPattern is not null)
        {
            throw new ArgumentException("set either TargetModules or TargetPattern, not both");
        }
    }

    /// <summary>Value equality, the name lists compared element by element.</summary>
    public bool Equals(LoraOptions? other) =>
        other is not null && Rank == other.Rank && Alpha.Equals(other.Alpha) && Dropout.Equals(other.Dropout)
        && TargetModules.SequenceEqual(other.TargetModules) && TargetPattern == other.TargetPattern && UseRsLora == other.UseRsLora
        && Bias == other.Bias && ModulesToSave.SequenceEqual(other.ModulesToSave) && Seed == other.Seed
        && BaseModelNameOrPath == other.BaseModelNameOrPath && TaskType == other.TaskType;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, Alpha, Dropout, string.Join(',', TargetModules), TargetPattern, UseRsLora, Bias, Seed);

    private static IReadOnlyList<string> CheckNames(IReadOnlyList<string> value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"{name} must not contain empty names", name);
        }

        return [.. value];
    }
}
