using Descent.Nn;
using Descent.Nn.Lora;

namespace Descent.Optimizers;

public static partial class ParameterGroups
{
    /// <summary>The LoRA+ paper's default ratio of B's learning rate to A's.</summary>
    public const double DefaultLoraPlusRatio = 16;

    /// <summary>
    /// LoRA+ groups (Hayou, Ghosh and Yu, "LoRA+: Efficient Low Rank Adaptation of Large Models", 2024), as Hugging
    /// Face PEFT's <c>create_loraplus_optimizer</c> forms them from the trainable parameters: <c>lora_a</c> (the A
    /// matrices and every other trainable matrix, e.g. a head's weight) at the base learning rate; <c>lora_b</c>
    /// (the B matrices) at <paramref name="ratio"/> × the base rate; <c>lora_b.no_decay</c> (rank-1 parameters such as
    /// biases and LayerNorm weights, and anything <paramref name="noDecay"/> selects among B and rank-1) at the
    /// same raised rate without weight decay. Frozen parameters are left out; empty groups are omitted.
    /// </summary>
    /// <remarks>PEFT gives groups A and B the weight decay <c>loraplus_weight_decay</c> (default 0) instead of the
    /// optimizer's; here they get the optimizer's <c>weight_decay</c> through <see cref="Create"/>, and set it to 0 for
    /// PEFT's default.</remarks>
    /// <param name="namedParameters">The model's parameters with their names (after <see cref="LoraAdapters.Apply"/>).</param>
    /// <param name="ratio">η_B / η_A; finite and &gt; 0 (the paper recommends ≥ 1; default 16).</param>
    /// <param name="noDecay">The no-weight-decay rule (default <see cref="IsNoDecay"/>).</param>
    public static IReadOnlyList<ParameterGroupPlan> LoraPlus(
        IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        double ratio = DefaultLoraPlusRatio,
        Func<string, Parameter, bool>? noDecay = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        Require.Positive(ratio, nameof(ratio));
        noDecay ??= IsNoDecay;
        var trainable = namedParameters.Where(p => p.Parameter.RequiresGrad).ToList();
        var isB = trainable.Select(p => LoraAdapters.IsLoraB(p.Name) || p.Parameter.Rank == 1).ToList();
        var a = trainable.Where((_, i) => !isB[i]).ToList();
        var b = trainable.Where((p, i) => isB[i] && !noDecay(p.Name, p.Parameter)).ToList();
        var bPlain = trainable.Where((p, i) => isB[i] && noDecay(p.Name, p.Parameter)).ToList();
        var plans = new List<ParameterGroupPlan>();
        if (a.Count > 0)
        {
            plans.Add(new("lora_a", a, 1.0, false));
        }

        if (b.Count > 0)
        {
            plans.Add(new("lora_b", b, ratio, false));
        }

        if (bPlain.Count > 0)
        {
            plans.Add(new("lora_b.no_decay", bPlain, ratio, true));
        }

        return plans;
    }
}
