namespace Descent.Text.Classification;

/// <summary>Which parameters of a pretrained encoder + classification head are trained.</summary>
public enum FineTuneMode
{
    /// <summary>Encoder frozen; only the head trains. The pooled embeddings are computed once (eval mode) and cached.</summary>
    Head,

    /// <summary>The top k encoder layers, the pooler and the head train; embeddings and lower layers are frozen.</summary>
    TopK,

    /// <summary>Every parameter trains (embeddings, all layers, pooler, head).</summary>
    Full,

    /// <summary>LoRA adapters (<see cref="TextFineTuneOptions.Lora"/>) on the encoder's linear layers and the head train; every
    /// pretrained weight is frozen (Hugging Face PEFT's <c>LoraConfig</c> with the head in <c>modules_to_save</c>).</summary>
    Lora,
}
