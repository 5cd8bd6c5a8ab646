namespace Descent.Optimizers;

/// <summary>The registrations of the optimizers that ship with Descent: one entry per optimizer.</summary>
internal static class BuiltInOptimizers
{
    public static IEnumerable<OptimizerDescriptor> All()
    {
        yield return new("sgd", "SGD with momentum, dampening, Nesterov; equivalent to torch.optim.SGD",
            ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
            (ps, h) =>
            {
                var d = new SgdOptions();
                return new Sgd(ps, new SgdOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Momentum = h.Number("momentum", d.Momentum),
                    Dampening = h.Number("dampening", d.Dampening),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    Nesterov = h.Flag("nesterov", d.Nesterov),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("adam", "Adam (Kingma & Ba 2015), coupled L2 decay; equivalent to torch.optim.Adam",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize", "decoupled_weight_decay"],
            (ps, h) =>
            {
                if (h.Flag("decoupled_weight_decay", false))
                {
                    return AdamW(ps, h, weightDecayDefault: 0);
                }

                var d = new AdamOptions();
                return new Adam(ps, new AdamOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Eps = h.Number("eps", d.Eps),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    Amsgrad = h.Flag("amsgrad", d.Amsgrad),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("adamw", "AdamW (Loshchilov & Hutter 2019), decoupled decay; equivalent to torch.optim.AdamW",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"],
            (ps, h) => AdamW(ps, h, new AdamWOptions().WeightDecay));
    }

    private static AdamW AdamW(IEnumerable<Nn.Parameter> ps, Hyperparameters h, double weightDecayDefault)
    {
        var d = new AdamWOptions();
        return new AdamW(ps, new AdamWOptions
        {
            LearningRate = h.Number("lr", d.LearningRate),
            Beta1 = h.Number("beta1", d.Beta1),
            Beta2 = h.Number("beta2", d.Beta2),
            Eps = h.Number("eps", d.Eps),
            WeightDecay = h.Number("weight_decay", weightDecayDefault),
            Amsgrad = h.Flag("amsgrad", d.Amsgrad),
            Maximize = h.Flag("maximize", d.Maximize),
        });
    }
}
