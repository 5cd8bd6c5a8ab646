// The README's library example: the seed article's 2-16-1 MLP trained with Adam.
// README.md holds a copy of the region below; a test (ReadmeTests) keeps the two identical.
// <quickstart>
using Descent;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;

// 256 points in 2-D with targets y = sin(2·x₁) + ½·x₂², all from one seeded generator.
var rng = new Rng(seed: 0);
var x = Tensor.Normal(rng, mean: 0f, std: 1f, 256, 2);
var y = new Tensor(256, 1);
for (var i = 0; i < 256; i++)
{
    y[i] = MathF.Sin(2f * x[i, 0]) + (0.5f * x[i, 1] * x[i, 1]);
}

// Linear(2,16) → Tanh → Linear(16,1), PyTorch's default initialization, trained full-batch with Adam.
var model = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 1, rng));
var optimizer = new Adam(model.Parameters(), new AdamOptions { LearningRate = 0.01 });
var mse = new MseLoss();
for (var step = 0; step <= 500; step++)
{
    optimizer.ZeroGrad();
    var loss = mse.Forward(model.Forward(x), y);
    loss.Backward();
    optimizer.Step();
    if (step % 100 == 0)
    {
        Console.WriteLine($"step {step,3}: loss {loss.Item():F4}");
    }
}
// </quickstart>
