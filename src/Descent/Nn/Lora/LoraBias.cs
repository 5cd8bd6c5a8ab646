namespace Descent.Nn.Lora;

/// <summary>Which of the model's existing biases train with the adapters (PEFT's <c>bias</c> field of
/// <c>LoraConfig</c>; the spec and file names are <c>none</c>, <c>all</c> and <c>lora_only</c>).</summary>
public enum LoraBias
{
    /// <summary><c>none</c>: every bias stays frozen (PEFT's default).</summary>
    None,

    /// <summary><c>all</c>: every bias of the model trains and is saved with the adapter.</summary>
    All,

    /// <summary><c>lora_only</c>: the biases of the layers that carry an adapter train and are saved.</summary>
    LoraOnly,
}
