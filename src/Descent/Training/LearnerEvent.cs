namespace Descent.Training;

/// <summary>
/// The named moments of a <see cref="Learner"/>'s loop at which its <see cref="LearnerCallback"/>s run, in the order
/// they occur (after fastai's callback events). Per batch: <see cref="BeforeBatch"/>, <see cref="AfterLoss"/>,
/// <see cref="BeforeBackward"/>, <see cref="AfterBackward"/>, then — when the optimizer steps (every batch, or every
/// <see cref="LearnerOptions.AccumulationSteps"/>-th) — <see cref="BeforeStep"/> and <see cref="AfterStep"/>, and
/// <see cref="AfterBatch"/>.
/// </summary>
public enum LearnerEvent
{
    /// <summary>Before the first epoch (a resumed run restores its state here).</summary>
    BeforeFit,

    /// <summary>At the start of an epoch, after the model was put in training mode.</summary>
    BeforeEpoch,

    /// <summary>Before a batch's forward pass (inside its workspace scope).</summary>
    BeforeBatch,

    /// <summary>After the loss was computed (<see cref="Learner.Loss"/> may still be changed, e.g. by a penalty).</summary>
    AfterLoss,

    /// <summary>Before the backward pass.</summary>
    BeforeBackward,

    /// <summary>After the backward pass (gradients may still be changed).</summary>
    AfterBackward,

    /// <summary>Before the optimizer step, after gradient clipping.</summary>
    BeforeStep,

    /// <summary>After the optimizer step, the EMA update and a per-step schedule.</summary>
    AfterStep,

    /// <summary>After a batch (still inside its workspace scope).</summary>
    AfterBatch,

    /// <summary>Before the evaluation at the end of an epoch (after EMA weights were swapped in).</summary>
    BeforeEvaluate,

    /// <summary>After the evaluation (its metrics are in <see cref="Learner.Metrics"/>).</summary>
    AfterEvaluate,

    /// <summary>At the end of an epoch, after the evaluation and a per-epoch schedule.</summary>
    AfterEpoch,

    /// <summary>After the last epoch (not after an exception such as a divergence).</summary>
    AfterFit,
}
