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
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    Amsgrad = h.Flag("amsgrad", d.Amsgrad),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("adamw", "AdamW (Loshchilov & Hutter 2019), decoupled decay; equivalent to torch.optim.AdamW",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"],
            (ps, h) => AdamW(ps, h, new AdamWOptions().WeightDecay));

        yield return new("adamax", "Adamax (Kingma & Ba 2015, sec. 7.1); equivalent to torch.optim.Adamax",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "maximize"],
            (ps, h) =>
            {
                var d = new AdamaxOptions();
                return new Adamax(ps, new AdamaxOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("nadam", "NAdam (Dozat 2016), optional decoupled decay; equivalent to torch.optim.NAdam",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"],
            (ps, h) =>
            {
                var d = new NAdamOptions();
                return new NAdam(ps, new NAdamOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    MomentumDecay = h.Number("momentum_decay", d.MomentumDecay),
                    DecoupledWeightDecay = h.Flag("decoupled_weight_decay", d.DecoupledWeightDecay),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("radam", "RAdam (Liu et al. 2020), optional decoupled decay; equivalent to torch.optim.RAdam",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "decoupled_weight_decay", "maximize"],
            (ps, h) =>
            {
                var d = new RAdamOptions();
                return new RAdam(ps, new RAdamOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Beta1 = h.Number("beta1", d.Beta1),
                    Beta2 = h.Number("beta2", d.Beta2),
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    DecoupledWeightDecay = h.Flag("decoupled_weight_decay", d.DecoupledWeightDecay),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("rmsprop", "RMSprop (Hinton 2012), centered and momentum; equivalent to torch.optim.RMSprop",
            ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"],
            (ps, h) =>
            {
                var d = new RmsPropOptions();
                return new RmsProp(ps, new RmsPropOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Alpha = h.Number("alpha", d.Alpha),
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    Momentum = h.Number("momentum", d.Momentum),
                    Centered = h.Flag("centered", d.Centered),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("adagrad", "Adagrad (Duchi et al. 2011) with lr decay; equivalent to torch.optim.Adagrad",
            ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"],
            (ps, h) =>
            {
                var d = new AdagradOptions();
                return new Adagrad(ps, new AdagradOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    LearningRateDecay = h.Number("lr_decay", d.LearningRateDecay),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    InitialAccumulatorValue = h.Number("initial_accumulator_value", d.InitialAccumulatorValue),
                    Epsilon = h.Number("eps", d.Epsilon),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });

        yield return new("adadelta", "Adadelta (Zeiler 2012); equivalent to torch.optim.Adadelta",
            ["lr", "rho", "eps", "weight_decay", "maximize"],
            (ps, h) =>
            {
                var d = new AdadeltaOptions();
                return new Adadelta(ps, new AdadeltaOptions
                {
                    LearningRate = h.Number("lr", d.LearningRate),
                    Rho = h.Number("rho", d.Rho),
                    Epsilon = h.Number("eps", d.Epsilon),
                    WeightDecay = h.Number("weight_decay", d.WeightDecay),
                    Maximize = h.Flag("maximize", d.Maximize),
                });
            });
    }

    private static AdamW AdamW(IEnumerable<Nn.Parameter> ps, Hyperparameters h, double weightDecayDefault)
    {
        var d = new AdamWOptions();
        return new AdamW(ps, new AdamWOptions
        {
            LearningRate = h.Number("lr", d.LearningRate),
            Beta1 = h.Number("beta1", d.Beta1),
            Beta2 = h.Number("beta2", d.Beta2),
            Epsilon = h.Number("eps", d.Epsilon),
            WeightDecay = h.Number("weight_decay", weightDecayDefault),
            Amsgrad = h.Flag("amsgrad", d.Amsgrad),
            Maximize = h.Flag("maximize", d.Maximize),
        });
    }
}
