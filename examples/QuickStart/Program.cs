// The README's library example: the seed article's 2-16-1 MLP trained with Adam.
// README.md holds a copy of the region below; a test (ReadmeTests) keeps the two identical.
// <readme>
using Descent;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Training;

// 256 points in 2-D with targets y = sin(2·x₁) + ½·x₂², all from one seeded generator.
var rng = new Rng(seed: 0);
var x = Tensor.Normal(rng, mean: 0f, std: 1f, 256, 2);
var y = new Tensor(256, 1);
for (var i = 0; i < 256; i++)
{
    y[i] = MathF.Sin(2f * x[i, 0]) + (0.5f * x[i, 1] * x[i, 1]);
}

// Linear(2,16) → Tanh → Linear(16,1), PyTorch's default initialization, trained full-batch with Adam
// through the Learner (the one training loop: zero_grad, forward, loss, backward, step).
var model = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 1, rng));
var optimizer = new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.01 });
var learner = new Learner<Tensor, Tensor>(model, optimizer, model.Forward, new MseLoss().Forward);
learner.Callbacks.Add(new ActionCallback(LearnerEvent.AfterLoss, l =>
{
    if (l.Step % 100 == 0)
    {
        Console.WriteLine($"step {l.Step,3}: loss {l.Loss:F4}");
    }
}));
learner.Fit(epochs: 501, [(x, y)]);
// </readme>
