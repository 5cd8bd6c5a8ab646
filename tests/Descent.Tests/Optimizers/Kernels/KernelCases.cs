using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers.Kernels;

/// <summary>Every fused kernel in several configurations (all branches: decay kinds, maximize, AMSGrad,
/// Nesterov, centered, rectified or not, both lerp forms).</summary>
public static class KernelCases
{
    public static IReadOnlyList<KernelCase> All { get; } =
    [
        Sgd("sgd_plain", new SgdKernel(0.1, 0, 0, 0, false, false, false)),
        Sgd("sgd_momentum_first_step", new SgdKernel(0.05, 0.9, 0.1, 0.01, false, false, true)),
        Sgd("sgd_momentum_dampening_decay", new SgdKernel(0.05, 0.9, 0.1, 0.01, false, false, false)),
        Sgd("sgd_nesterov_maximize", new SgdKernel(0.05, 0.9, 0, 0, true, true, false)),
        Adam("adam", new AdamKernel(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, 3)),
        Adam("adam_amsgrad_l2_maximize", new AdamKernel(1e-2, 0.9, 0.99, 1e-6, 0.1, false, true, true, 7)),
        Adam("adamw_amsgrad", new AdamKernel(1e-2, 0.9, 0.999, 1e-8, 0.1, true, true, false, 1)),
        Adam("adam_large_lerp_weight", new AdamKernel(1e-2, 0.3, 0.5, 1e-8, 0, false, false, false, 2)),
        Adamax("adamax", new AdamaxKernel(2e-3, 0.9, 0.999, 1e-8, 0, false, 4)),
        Adamax("adamax_l2_maximize", new AdamaxKernel(2e-3, 0.8, 0.99, 1e-6, 0.05, true, 1)),
        NAdam("nadam", 0.002, 0.9, 0.999, 1e-8, 0, 4e-3, false, false, 5),
        NAdam("nadam_decoupled_maximize", 0.01, 0.9, 0.999, 1e-8, 0.05, 4e-3, true, true, 2),
        NAdam("nadam_l2", 0.01, 0.9, 0.999, 1e-8, 0.05, 4e-3, false, false, 9),
        RAdam("radam_rectified", new RAdamKernel(1e-2, 0.9, 0.999, 1e-8, 0, false, false, 12)),
        RAdam("radam_unrectified_l2", new RAdamKernel(1e-2, 0.9, 0.999, 1e-8, 0.05, false, false, 2)),
        RAdam("radam_decoupled_maximize", new RAdamKernel(1e-2, 0.9, 0.999, 1e-8, 0.05, true, true, 30)),
        RmsProp("rmsprop", new RmsPropKernel(1e-2, 0.99, 1e-8, 0, 0, false, false)),
        RmsProp("rmsprop_centered_momentum_l2", new RmsPropKernel(1e-3, 0.9, 1e-8, 1e-3, 0.9, true, false)),
        RmsProp("rmsprop_momentum_maximize", new RmsPropKernel(1e-3, 0.3, 1e-8, 0, 0.5, false, true)),
        Adagrad("adagrad", new AdagradKernel(1e-2, 0, 1e-10, 0, false, 1)),
        Adagrad("adagrad_decay_l2_maximize", new AdagradKernel(0.1, 0.01, 1e-10, 1e-3, true, 6)),
        Adadelta("adadelta", new AdadeltaKernel(1.0, 0.9, 1e-6, 0, false)),
        Adadelta("adadelta_l2_maximize", new AdadeltaKernel(0.5, 0.95, 1e-6, 0.01, true)),
        Rprop("rprop", new RpropOptions()),
        Rprop("rprop_clamped_maximize", new RpropOptions { EtaMinus = 0.3, EtaPlus = 1.5, StepSizeMin = 1e-3, StepSizeMax = 0.08, Maximize = true }),
        Elementwise("muon_momentum_nesterov", new MuonMomentumKernel(0.95, true), 1),
        Elementwise("muon_momentum_plain_small_weight", new MuonMomentumKernel(0.3, false), 1),
        Elementwise("muon_apply", new MuonApplyKernel(0.999f, -0.0123f), 0),
    ];

    public static KernelCase Get(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var c in All)
        {
            d.Add(c.Name);
        }

        return d;
    }

    /// <summary>Any element-wise update over the first <paramref name="states"/> state buffers.</summary>
    private static KernelCase Elementwise<TKernel>(string name, TKernel k, int states)
        where TKernel : struct, IElementwiseUpdate => new(name, states, (simd, p, g, st, o, n) =>
    {
        var a = states > 0 ? st[0].AsSpan(o, n) : default;
        var b = states > 1 ? st[1].AsSpan(o, n) : default;
        var c = states > 2 ? st[2].AsSpan(o, n) : default;
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), a, b, c);
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), a, b, c);
        }
    });

    private static KernelCase Sgd(string name, SgdKernel k) => new(name, 1, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n));
        }
    });

    private static KernelCase Adam(string name, AdamKernel k) => new(name, 3, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n), st[2].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n), st[2].AsSpan(o, n));
        }
    });

    private static KernelCase Adamax(string name, AdamaxKernel k) => new(name, 2, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
    });

    private static KernelCase NAdam(
        string name, double lr, double b1, double b2, double eps, double wd, double psi, bool decoupled, bool maximize, long step)
    {
        var mu = 0.93f;
        var k = new NAdamKernel(lr, b1, b2, eps, wd, psi, decoupled, maximize, step, ref mu);
        return new(name, 2, (simd, p, g, st, o, n) =>
        {
            if (simd)
            {
                ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
            }
            else
            {
                ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
            }
        });
    }

    private static KernelCase RAdam(string name, RAdamKernel k) => new(name, 2, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
    });

    private static KernelCase RmsProp(string name, RmsPropKernel k) => new(name, 3, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n), st[2].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n), st[2].AsSpan(o, n));
        }
    });

    private static KernelCase Adagrad(string name, AdagradKernel k) => new(name, 1, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n));
        }
    });

    private static KernelCase Adadelta(string name, AdadeltaKernel k) => new(name, 2, (simd, p, g, st, o, n) =>
    {
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
    });

    private static KernelCase Rprop(string name, RpropOptions options) => new(name, 2, (simd, p, g, st, o, n) =>
    {
        var k = new Descent.Optimizers.Rprop.Kernel(options);
        if (simd)
        {
            ElementwiseKernel.Simd(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
        else
        {
            ElementwiseKernel.Reference(k, p.AsSpan(o, n), g.AsSpan(o, n), st[0].AsSpan(o, n), st[1].AsSpan(o, n));
        }
    });
}
