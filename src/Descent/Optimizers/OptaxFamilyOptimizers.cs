namespace Descent.Optimizers;

/// <summary>Registrations of the optimizers beyond torch.optim (reference: Optax 0.2.8), in the registry's
/// PyTorch-style argument names (<c>lr</c>, <c>beta1</c>, <c>eps</c>, <c>weight_decay</c>, …).</summary>
internal static class OptaxFamilyOptimizers
{
    public static IEnumerable<OptimizerDescriptor> All()
    {
        yield return new("lion", "Lion (Chen et al. 2023), sign of interpolated momentum; equal to optax.lion",
            ["lr", "beta1", "beta2", "weight_decay"],
            (ps, h) =>
            {
                var d = new LionOptions();
                return new Lion(ps, new LionOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                });
            });

        yield return new("lamb", "LAMB (You et al. 2020), Adam direction scaled by the layer trust ratio; equal to optax.lamb",
            ["lr", "beta1", "beta2", "eps", "eps_root", "weight_decay"],
            (ps, h) =>
            {
                var d = new LambOptions();
                return new Lamb(ps, new LambOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    EpsilonRoot = h.Number("eps_root", d.EpsilonRoot),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                });
            });

        yield return new("adabelief", "AdaBelief (Zhuang et al. 2020), variance of the prediction error; equal to optax.adabelief",
            ["lr", "beta1", "beta2", "eps", "eps_root"],
            (ps, h) =>
            {
                var d = new AdaBeliefOptions();
                return new AdaBelief(ps, new AdaBeliefOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    EpsilonRoot = h.Number("eps_root", d.EpsilonRoot),
                });
            });

        yield return new("yogi", "Yogi (Zaheer et al. 2018), additive second moment; equal to optax.yogi",
            ["lr", "beta1", "beta2", "eps", "eps_root", "initial_accumulator_value"],
            (ps, h) =>
            {
                var d = new YogiOptions();
                return new Yogi(ps, new YogiOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    EpsilonRoot = h.Number("eps_root", d.EpsilonRoot),
                    InitialAccumulatorValue = h.Number("initial_accumulator_value", d.InitialAccumulatorValue),
                });
            });

        yield return new("adafactor", "Adafactor (Shazeer & Stern 2018), factored second moment; equal to optax.adafactor",
            ["lr", "factored", "min_dim_size_to_factor", "decay_rate", "decay_offset", "multiply_by_parameter_scale",
             "clipping_threshold", "momentum", "weight_decay_rate", "eps"],
            (ps, h) =>
            {
                var d = new AdafactorOptions();
                return new Adafactor(ps, new AdafactorOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Factored = h.Flag("factored", d.Factored),
                    MinDimSizeToFactor = h.Integer("min_dim_size_to_factor", d.MinDimSizeToFactor),
                    DecayRate = h.Number("decay_rate", d.DecayRate),
                    DecayOffset = h.Integer("decay_offset", d.DecayOffset),
                    MultiplyByParameterScale = h.Flag("multiply_by_parameter_scale", d.MultiplyByParameterScale),
                    ClippingThreshold = h.Contains("clipping_threshold") ? h.Number("clipping_threshold", 1.0) : d.ClippingThreshold,
                    Momentum = h.Contains("momentum") ? h.Number("momentum", 0) : d.Momentum,
                    WeightDecayRate = h.Contains("weight_decay_rate") ? h.Number("weight_decay_rate", 0) : d.WeightDecayRate,
                    Epsilon = h.Number("eps", d.Epsilon),
                });
            });

        yield return new("schedulefree_adamw",
            "Schedule-Free AdamW (Defazio et al. 2024), no decay schedule needed; equal to optax.contrib.schedule_free_adamw",
            ["lr", "warmup_steps", "beta1", "beta2", "eps", "weight_decay", "weight_lr_power"],
            (ps, h) =>
            {
                var d = new ScheduleFreeAdamWOptions();
                return new ScheduleFreeAdamW(ps, new ScheduleFreeAdamWOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    WarmupSteps = h.Contains("warmup_steps") ? h.Integer("warmup_steps", 0) : d.WarmupSteps,
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    WeightLrPower = h.Number("weight_lr_power", d.WeightLrPower),
                });
            });
    }
}
